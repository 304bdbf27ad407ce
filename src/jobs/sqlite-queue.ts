import { sql, type Selectable } from 'kysely';
import type { AppContext } from '../context.js';
import { AppError, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { iso } from '../shared/time.js';
import type { ResolvedQueueOptions } from './create-queue.js';
import { JobRunner, type JobStore, type LeasedJob } from './job-runner.js';
import { backoffMs, type JobQueue, type JobView } from './job-queue.js';
import type { JobState, JobTable } from './job.table.js';

/**
 * The embedded queue: rows in the `jobs` table, run by an in-process worker. A claim is one
 * UPDATE … RETURNING, which SQLite runs as a write transaction from its first step, so even two
 * processes on one file (the server and a CLI `drain`) never lease the same job.
 */

const LEASE_EXPIRED = 'the lease ran out: the worker stopped mid-job';
const DEFAULT_MAX_ATTEMPTS = 5;

type JobRow = Selectable<JobTable>;

export function createSqliteQueue(context: AppContext, options: ResolvedQueueOptions): JobQueue {
  const { db, clock } = context;
  const workerId = options.workerId;

  const store: JobStore = {
    async claim(limit) {
      const now = clock.now();
      const nowIso = iso(now);
      // A running job whose lease ran out lost its worker: that run counts as a failed attempt.
      await db
        .updateTable('jobs')
        .set({
          state: sql<JobState>`case when attempts + 1 >= max_attempts then 'dead' else 'queued' end`,
          attempts: sql<number>`attempts + 1`,
          finished_at: sql<string | null>`case when attempts + 1 >= max_attempts then ${nowIso} else null end`,
          last_error: LEASE_EXPIRED,
          run_at: nowIso,
          locked_by: null,
          locked_until: null,
          updated_at: nowIso,
        })
        .where('state', '=', 'running')
        .where('locked_until', '<', nowIso)
        .execute();

      const rows = await db
        .updateTable('jobs')
        .set({ state: 'running', locked_by: workerId, locked_until: iso(new Date(now.getTime() + options.leaseMs)), updated_at: nowIso })
        .where('state', '=', 'queued')
        .where('id', 'in', (eb) =>
          eb.selectFrom('jobs').select('id').where('state', '=', 'queued').where('run_at', '<=', nowIso).orderBy('run_at').orderBy('created_at').limit(limit),
        )
        .returningAll()
        .execute();
      rows.sort((a, b) => a.run_at.localeCompare(b.run_at));
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        payload: JSON.parse(row.payload) as unknown,
        attempt: row.attempts + 1,
        timeoutMs: options.leaseMs,
      }));
    },

    async complete(job) {
      const nowIso = iso(clock.now());
      await db
        .updateTable('jobs')
        .set({ state: 'done', finished_at: nowIso, locked_by: null, locked_until: null, updated_at: nowIso })
        .where('id', '=', job.id)
        .where('state', '=', 'running')
        // A worker whose lease ran out no longer owns the job: leave it to whoever took it over.
        .where('locked_by', '=', workerId)
        .execute();
    },

    async fail(job: LeasedJob, error: Error, final: boolean) {
      const now = clock.now();
      const nowIso = iso(now);
      const dead = final
        ? sql<boolean>`1 = 1`
        : sql<boolean>`attempts + 1 >= max_attempts`;
      await db
        .updateTable('jobs')
        .set({
          state: sql<JobState>`case when ${dead} then 'dead' else 'queued' end`,
          attempts: sql<number>`attempts + 1`,
          finished_at: sql<string | null>`case when ${dead} then ${nowIso} else null end`,
          last_error: error.message.slice(0, 4000),
          run_at: iso(new Date(now.getTime() + backoffMs(job.attempt))),
          locked_by: null,
          locked_until: null,
          updated_at: nowIso,
        })
        .where('id', '=', job.id)
        .where('state', '=', 'running')
        .where('locked_by', '=', workerId)
        .execute();
    },
  };

  const runner = new JobRunner(store, options.handlers, {
    pollMs: context.config.jobPollMs,
    concurrency: context.config.jobConcurrency,
    onError: options.onError,
  });

  return {
    async enqueue(trx, name, payload, enqueueOptions = {}) {
      const maxAttempts = enqueueOptions.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
      if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error('maxAttempts must be a whole number of at least 1');
      const id = newId();
      const nowIso = iso(clock.now());
      await trx
        .insertInto('jobs')
        .values({
          id,
          name,
          payload: JSON.stringify(payload),
          state: 'queued',
          max_attempts: maxAttempts,
          run_at: enqueueOptions.runAt ? iso(enqueueOptions.runAt) : nowIso,
          locked_by: null,
          locked_until: null,
          last_error: null,
          created_at: nowIso,
          updated_at: nowIso,
          finished_at: null,
        })
        .execute();
      return id;
    },

    async start() {
      if (context.config.runJobs) runner.start();
    },

    stop: () => runner.stop(),
    drain: () => runner.drain(),

    async list(filter) {
      let query = db.selectFrom('jobs').selectAll();
      if (filter.state) query = query.where('state', '=', filter.state);
      if (filter.name) query = query.where('name', '=', filter.name);
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.min(Math.max(filter.limit ?? 100, 1), 1000))
        .execute();
      return rows.map(toView);
    },

    async retry(id) {
      const nowIso = iso(clock.now());
      const result = await db
        .updateTable('jobs')
        .set({ state: 'queued', attempts: 0, run_at: nowIso, finished_at: null, locked_by: null, locked_until: null, updated_at: nowIso })
        .where('id', '=', id)
        .where('state', '=', 'dead')
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) return;
      const job = await db.selectFrom('jobs').select('state').where('id', '=', id).executeTakeFirst();
      if (!job) throw notFound('Job');
      throw new AppError('invalid_transition', `Only a dead job can be retried; this one is ${job.state}`);
    },
  };
}

function toView(row: JobRow): JobView {
  return {
    id: row.id,
    name: row.name,
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    payload: JSON.parse(row.payload) as unknown,
  };
}
