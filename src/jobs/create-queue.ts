import os from 'node:os';
import type { AppContext } from '../context.js';
import { newId, shortRef } from '../shared/ids.js';
import { buildJobHandlers } from './handlers.js';
import type { JobHandlers, JobQueue } from './job-queue.js';
import { createSqliteQueue } from './sqlite-queue.js';

export interface JobQueueOptions {
  /** Handlers by job name; default `buildJobHandlers(context)`. Tests pass their own. */
  handlers?: JobHandlers;
  /**
   * How long a worker may hold a job: past it the job is taken to have lost its worker and runs
   * again, and the handler's run counts as failed. On PostgreSQL it is fixed when the job is
   * enqueued (pg-boss `expireInSeconds`), on SQLite when it is claimed. Default 60 s.
   */
  leaseMs?: number;
  /** PostgreSQL: the first retry waits 1–2 × this, doubling each attempt (pg-boss). Default 2. */
  retryDelaySeconds?: number;
  /** PostgreSQL: how often pg-boss looks for jobs whose lease ran out. Default 30. */
  maintenanceIntervalSeconds?: number;
  onError?: (error: unknown) => void;
}

/** What the two implementations receive: the options with every default filled in. */
export interface ResolvedQueueOptions {
  handlers: JobHandlers;
  leaseMs: number;
  retryDelaySeconds: number;
  maintenanceIntervalSeconds: number;
  /** Names this process in `locked_by`, for whoever reads the jobs table. */
  workerId: string;
  onError(error: unknown): void;
}

export const DEFAULT_LEASE_MS = 60_000;

/** SQLite runs jobs from its `jobs` table in-process; PostgreSQL uses pg-boss so processes share the work. */
export async function createJobQueue(context: AppContext, options: JobQueueOptions = {}): Promise<JobQueue> {
  const resolved: ResolvedQueueOptions = {
    handlers: options.handlers ?? buildJobHandlers(context),
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    retryDelaySeconds: options.retryDelaySeconds ?? 2,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
    workerId: `${os.hostname()}:${process.pid}:${shortRef(newId())}`,
    onError:
      options.onError ??
      ((error) => {
        if (context.config.logLevel !== 'silent') console.error('[jobs]', error);
      }),
  };
  if (context.engine === 'sqlite') return createSqliteQueue(context, resolved);
  // pg-boss is loaded only on PostgreSQL: the embedded default should not pay for it at start-up.
  const { createPgBossQueue } = await import('./pgboss-queue.js');
  return createPgBossQueue(context, resolved);
}
