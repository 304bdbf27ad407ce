/** One enqueued run of a periodic task; the (task, period) key makes it happen once per period. */
export interface ScheduledRunTable {
  task: string;
  /** e.g. `2026-11-27` for a daily task (UTC). */
  period: string;
  /** Set once the job is enqueued, in the same transaction as the row. */
  job_id: string | null;
  created_at: string;
}
