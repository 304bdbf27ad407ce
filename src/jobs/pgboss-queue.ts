import { CompiledQuery, sql } from 'kysely';
import PgBoss from 'pg-boss';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/dialect.js';
import { AppError, notFound } from '../shared/errors.js';
import { isId } from '../shared/ids.js';
import type { ResolvedQueueOptions } from './create-queue.js';
import { JobRunner, type JobStore, type LeasedJob } from './job-runner.js';
import type { JobListFilter, JobQueue, JobView } from './job-queue.js';

/**
 * The PostgreSQL queue: pg-boss 10 keeps the jobs (in its own schema) and leases them with
 * SELECT … FOR UPDATE SKIP LOCKED, so any number of cvdesk processes share the work and no job
 * runs twice at once. Our JobRunner fetches and completes jobs itself rather than through
 * `boss.work()`, so concurrency is one budget across all queues and `drain()` is the same loop.
 *
 * pg-boss needs a queue (a partition of its job table) per job name before it accepts a job;
 * queues are made for every handler at start-up and for any other name on first enqueue.
 * pg-boss is started lazily: a process that never touches jobs opens no second pool.
 */

const DEFAULT_MAX_ATTEMPTS = 5;
/** Dead jobs stay in the live table (where admins see and retry them) this long before archiving. */
const KEEP_DEAD_SECONDS = 30 * 24 * 3600;

/** pg-boss states as cvdesk names them. */
const STATES: Record<JobView['state'], string[]> = {
  queued: ['created', 'retry'],
  running: ['active'],
  done: ['completed'],
  dead: ['failed', 'cancelled'],
};

interface PgBossJobRow {
  id: string;
  name: string;
  state: string;
  retry_count: number;
  retry_limit: number;
  started_on: Date | null;
  start_after: Date;
  created_on: Date;
  completed_on: Date | null;
  data: unknown;
  last_error: string | null;
}

export function createPgBossQueue(context: AppContext, options: ResolvedQueueOptions): JobQueue {
  const schema = context.database.pgSchema ? `${context.database.pgSchema}_jobs` : 'cvdesk_jobs';
  const jobTable = sql.id(schema, 'job');
  const archiveTable = sql.id(schema, 'archive');
  const expireInSeconds = Math.max(1, Math.ceil(options.leaseMs / 1000));
  const retryPolicy = { retryDelay: options.retryDelaySeconds, retryBackoff: true, expireInSeconds };

  const boss = new PgBoss({
    connectionString: context.config.databaseUrl,
    schema,
    application_name: 'cvdesk-jobs',
    max: Math.min(10, context.config.jobConcurrency + 1),
    // Cron scheduling is not used; maintenance (expiry of lost jobs, archiving) runs in every
    // process, and pg-boss makes sure only one does it at a time.
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds,
    archiveFailedAfterSeconds: KEEP_DEAD_SECONDS,
    retryLimit: DEFAULT_MAX_ATTEMPTS - 1,
    ...retryPolicy,
  });
  // Without a listener an 'error' event (a failed maintenance run) would crash the process.
  boss.on('error', options.onError);

  const queues = new Set<string>();
  let ready: Promise<void> | undefined;

  function ensureStarted(): Promise<void> {
    ready ??= (async () => {
      await boss.start();
      for (const name of Object.keys(options.handlers)) await ensureQueue(name);
    })().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  }

  async function ensureQueue(name: string): Promise<void> {
    if (queues.has(name)) return;
    // Idempotent (INSERT … ON CONFLICT DO NOTHING), so racing processes are fine.
    await boss.createQueue(name, { name, policy: 'standard', retryLimit: DEFAULT_MAX_ATTEMPTS - 1, ...retryPolicy });
    queues.add(name);
  }

  const store: JobStore = {
    async claim(limit) {
      // One cheap query finds the queues with due jobs, so idle polling costs one round trip.
      const due = await sql<{ name: string }>`
        select distinct name from ${jobTable}
        where state < 'active' and start_after < now() and not starts_with(name, '__pgboss__')
      `.execute(context.db);
      const leased: LeasedJob[] = [];
      for (const { name } of due.rows) {
        if (leased.length >= limit) break;
        const jobs = await boss.fetch<unknown>(name, { batchSize: limit - leased.length, includeMetadata: true });
        for (const job of jobs) {
          leased.push({
            id: job.id,
            name: job.name,
            payload: job.data,
            attempt: job.retryCount + 1,
            // pg returns EXTRACT(epoch …) as a numeric string.
            timeoutMs: Number(job.expireInSeconds) * 1000,
          });
        }
      }
      return leased;
    },

    async complete(job) {
      await boss.complete(job.name, job.id);
    },

    async fail(job, error, final) {
      if (!final) {
        // pg-boss stores the serialised error as the job's output and schedules the retry.
        await boss.fail(job.name, job.id, error);
        return;
      }
      await sql`
        update ${jobTable} set state = 'failed', completed_on = now(), output = ${JSON.stringify({ message: error.message })}::jsonb
        where name = ${job.name} and id = ${job.id} and state = 'active'
      `.execute(context.db);
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
      await ensureStarted();
      await ensureQueue(name);
      const id = await boss.send(name, payload, {
        // The INSERT runs on the caller's transaction: the job exists only if it commits.
        db: onExecutor(trx),
        ...retryPolicy,
        retryLimit: maxAttempts - 1,
        ...(enqueueOptions.runAt ? { startAfter: enqueueOptions.runAt } : {}),
      });
      if (!id) throw new Error(`pg-boss did not accept job "${name}" (is its queue missing?)`);
      return id;
    },

    async start() {
      if (!context.config.runJobs) return;
      await ensureStarted();
      runner.start();
    },

    async stop() {
      await runner.stop();
      const starting = ready;
      if (!starting) return;
      ready = undefined;
      queues.clear();
      try {
        await starting;
      } catch {
        return;
      }
      await boss.stop({ graceful: true, close: true, wait: true });
    },

    async drain() {
      await ensureStarted();
      await runner.drain();
    },

    async list(filter) {
      await ensureStarted();
      return listJobs(filter);
    },

    async retry(id) {
      await ensureStarted();
      if (!isId(id)) throw notFound('Job');
      // Back to 'created' with the count reset, so it gets its full number of attempts again.
      const revived = await sql`
        update ${jobTable}
        set state = 'created', retry_count = 0, started_on = null, completed_on = null, start_after = now(),
          keep_until = greatest(keep_until, now() + interval '14 days')
        where id = ${id} and state in ('failed', 'cancelled')
        returning id
      `.execute(context.db);
      if (revived.rows.length > 0) return;
      const restored = await sql`
        with restored as (
          delete from ${archiveTable} where id = ${id} and state in ('failed', 'cancelled') returning *
        )
        insert into ${jobTable} (id, name, priority, data, state, retry_limit, retry_count, retry_delay, retry_backoff,
          start_after, started_on, singleton_key, singleton_on, expire_in, created_on, completed_on, keep_until,
          dead_letter, policy, output)
        select id, name, priority, data, 'created', retry_limit, 0, retry_delay, retry_backoff,
          now(), null, singleton_key, singleton_on, expire_in, created_on, null, greatest(keep_until, now() + interval '14 days'),
          dead_letter, policy, output
        from restored
        returning id
      `.execute(context.db);
      if (restored.rows.length > 0) return;
      const [job] = await listJobs({ limit: 1 }, id);
      if (!job) throw notFound('Job');
      throw new AppError('invalid_transition', `Only a dead job can be retried; this one is ${job.state}`);
    },
  };

  async function listJobs(filter: JobListFilter, id?: string): Promise<JobView[]> {
    const columns = sql`id, name, state::text as state, retry_count, retry_limit, started_on, start_after, created_on,
      completed_on, data, coalesce(output->>'message', output->'value'->>'message') as last_error`;
    const where = [sql`true`];
    if (id) where.push(sql`id = ${id}`);
    if (filter.state) where.push(sql`state in (${sql.join(STATES[filter.state])})`);
    if (filter.name) where.push(sql`name = ${filter.name}`);
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const result = await sql<PgBossJobRow>`
      select * from (
        select ${columns} from ${jobTable}
        union all
        select ${columns} from ${archiveTable}
      ) jobs
      where ${sql.join(where, sql` and `)} and not starts_with(name, '__pgboss__')
      order by created_on desc, id desc
      limit ${limit}
    `.execute(context.db);
    return result.rows.map(toView);
  }
}

/** pg-boss's `db` option, running its SQL on a Kysely transaction. */
function onExecutor(trx: Executor): PgBoss.Db {
  return {
    async executeSql(text, values) {
      const result = await trx.executeQuery(CompiledQuery.raw(text, values ?? []));
      return { rows: result.rows as unknown[] };
    },
  };
}

function toView(row: PgBossJobRow): JobView {
  const state = (Object.keys(STATES) as JobView['state'][]).find((key) => STATES[key].includes(row.state)) ?? 'dead';
  // cvdesk counts finished attempts; pg-boss counts retries and bumps the count when a retry starts.
  const attempts =
    row.state === 'created' ? 0 : row.state === 'active' || row.state === 'completed' ? row.retry_count : row.retry_count + (row.started_on ? 1 : 0);
  return {
    id: row.id,
    name: row.name,
    state,
    attempts,
    maxAttempts: row.retry_limit + 1,
    runAt: row.start_after.toISOString(),
    lastError: row.state === 'completed' ? null : row.last_error,
    createdAt: row.created_on.toISOString(),
    finishedAt: row.completed_on ? row.completed_on.toISOString() : null,
    payload: row.data,
  };
}
