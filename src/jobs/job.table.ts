import type { Generated } from 'kysely';

export type JobState = 'queued' | 'running' | 'done' | 'dead';

/** The jobs table used by the SQLite queue (PostgreSQL uses pg-boss's own tables). */
export interface JobTable {
  id: string;
  name: string;
  payload: string;
  state: JobState;
  attempts: Generated<number>;
  max_attempts: number;
  run_at: string;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}
