import type { AppContext } from '../../context.js';
import { KEYS_DAILY_CHECK_JOB } from '../../domain/keys/key-warnings.service.js';
import { REPORTS_HOURLY_JOB } from '../../domain/reports/report-housekeeping.js';
import { INCIDENTS_HOURLY_JOB } from '../../domain/incidents/incident.js';
import { CVE_IDS_SYNC_JOB } from '../../domain/cve-ids/cve-ids.js';
import { CASES_HOURLY_JOB } from '../../domain/cases/case-schedule.js';
import { CVE_RECORDS_CLOCK_JOB } from '../../domain/cve-records/publication-clock.js';
import { repeatEvery, type Repeating } from '../../shared/repeat-every.js';
import { iso } from '../../shared/time.js';

/**
 * Periodic tasks. The scheduler does not run work itself: once per period it enqueues the
 * task's job, and the job queue runs it like any other (retries, dead letters, one worker).
 * "Once per period" holds across processes: the job is enqueued in the same transaction as a
 * `scheduled_runs` row whose primary key is (task, period), inserted with ON CONFLICT DO NOTHING;
 * the process that loses the race inserts nothing and enqueues nothing. Every process running
 * jobs (RUN_JOBS) also runs the scheduler; it looks every few minutes, so a period's job is
 * enqueued soon after the period begins, or soon after start-up.
 */
export interface PeriodicTask {
  /** Names the task in scheduled_runs. */
  name: string;
  every: 'day' | 'hour';
  /** The job to enqueue (a handler must exist in src/jobs/handlers.ts). */
  job: string;
  payload?: Record<string, unknown>;
}

/** Every periodic task cvdesk runs. A new one adds a line here and a handler. */
export const PERIODIC_TASKS: readonly PeriodicTask[] = [
  { name: 'keys.daily-check', every: 'day', job: KEYS_DAILY_CHECK_JOB },
  { name: 'reports.hourly', every: 'hour', job: REPORTS_HOURLY_JOB },
  { name: 'incidents.hourly', every: 'hour', job: INCIDENTS_HOURLY_JOB },
  { name: 'cve-ids.sync', every: 'hour', job: CVE_IDS_SYNC_JOB },
  { name: 'cases.reminders', every: 'hour', job: CASES_HOURLY_JOB },
  { name: 'cve-records.publication-clock', every: 'hour', job: CVE_RECORDS_CLOCK_JOB },
];

/** The period `date` falls in, in UTC: `2026-11-27` (day) or `2026-11-27T13` (hour). */
export function periodOf(date: Date, every: PeriodicTask['every']): string {
  const text = date.toISOString();
  return every === 'day' ? text.slice(0, 10) : text.slice(0, 13);
}

const KEEP_RUNS_MS = 90 * 86_400_000;

/** Enqueues each task whose current period has no run yet; returns the names of those enqueued. */
export async function enqueueDueTasks(context: AppContext, tasks: readonly PeriodicTask[] = PERIODIC_TASKS): Promise<string[]> {
  const enqueued: string[] = [];
  for (const task of tasks) {
    const now = context.clock.now();
    const period = periodOf(now, task.every);
    const won = await context.db.transaction().execute(async (trx) => {
      const result = await trx
        .insertInto('scheduled_runs')
        .values({ task: task.name, period, job_id: null, created_at: iso(now) })
        .onConflict((oc) => oc.columns(['task', 'period']).doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      const jobId = await context.jobs.enqueue(trx, task.job, { ...task.payload, task: task.name, period });
      await trx.updateTable('scheduled_runs').set({ job_id: jobId }).where('task', '=', task.name).where('period', '=', period).execute();
      await trx.deleteFrom('scheduled_runs').where('task', '=', task.name).where('created_at', '<', iso(new Date(now.getTime() - KEEP_RUNS_MS))).execute();
      return true;
    });
    if (won) enqueued.push(task.name);
  }
  return enqueued;
}

export interface SchedulerOptions {
  tasks?: readonly PeriodicTask[];
  /** How often to look for due tasks; default five minutes. */
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

export type Scheduler = Repeating;

/** Looks at once, then every `intervalMs`. */
export function startScheduler(context: AppContext, options: SchedulerOptions = {}): Scheduler {
  const onError = options.onError ?? ((error: unknown) => void (context.config.logLevel !== 'silent' && console.error('[scheduler]', error)));
  return repeatEvery(options.intervalMs ?? 5 * 60_000, () => enqueueDueTasks(context, options.tasks).then(() => undefined, onError));
}
