import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { createJobQueue } from '../../src/jobs/create-queue.js';
import type { JobQueue } from '../../src/jobs/job-queue.js';
import { DIALECTS, createTestContext } from '../helpers/databases.js';
import { CRASH_JOB, createDeliveriesTable, deliveries, recordDelivery } from './fixtures/crash-job.js';
import { waitFor } from './helpers.js';

const WORKER = fileURLToPath(new URL('./fixtures/crash-worker.ts', import.meta.url));
const LEASE_MS = 1500;

/** Starts the worker script in its own process on the test's database. */
function spawnWorker(context: AppContext): { child: ChildProcess; lines: string[]; output: () => string } {
  const { config } = context;
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: {
      ...process.env,
      CVDESK_DATA: config.dataDir,
      DATABASE_URL: config.databaseUrl ?? '',
      DATABASE_SCHEMA: config.databaseSchema ?? '',
      PUBLIC_URL: config.publicUrl,
      LOG_LEVEL: 'silent',
      JOB_POLL_MS: '20',
      LEASE_MS: String(LEASE_MS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  return { child, lines, output: () => `stdout:\n${lines.join('\n')}\nstderr:\n${stderr}` };
}

describe.each(DIALECTS)('a worker killed mid-job on %s', (engine) => {
  let context: (AppContext & { close(): Promise<void> }) | undefined;
  let queue: JobQueue | undefined;
  let child: ChildProcess | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await queue?.stop();
    await context?.close();
  });

  it('leaves a job that a new worker completes, with its effect written once', { timeout: 60_000 }, async () => {
    context = await createTestContext(engine);
    await createDeliveriesTable(context.db);
    const recovered: string[] = [];
    const db = context.db;
    queue = await createJobQueue(context, {
      // On PostgreSQL the lease is set when the job is enqueued, and pg-boss looks for lost jobs
      // at its maintenance interval; both short here so the test is quick.
      leaseMs: LEASE_MS,
      retryDelaySeconds: 1,
      maintenanceIntervalSeconds: 1,
      handlers: {
        [CRASH_JOB]: async (payload: { key: string }, job) => {
          await recordDelivery(db, payload.key, 'new worker');
          recovered.push(job.jobId);
        },
      },
    });
    const id = await context.db.transaction().execute((trx) => queue!.enqueue(trx, CRASH_JOB, { key: 'report-42' }));

    const worker = spawnWorker(context);
    child = worker.child;
    const exited = once(child, 'exit');
    await Promise.race([
      waitFor(() => worker.lines.includes(`started ${id}`), 30_000, 'the child worker to take the job'),
      exited.then(() => Promise.reject(new Error(`the child worker exited early\n${worker.output()}`))),
    ]);
    expect((await queue.list({})).find((job) => job.id === id)?.state).toBe('running');

    child.kill('SIGKILL');
    await exited;

    await queue.start();
    await waitFor(async () => (await queue!.list({})).find((job) => job.id === id)?.state === 'done', 30_000, 'the job to be done');

    expect(recovered).toEqual([id]);
    expect(await deliveries(context.db)).toEqual([{ key: 'report-42', delivered_by: 'killed worker' }]);
    // The killed run counts as one failed attempt.
    expect((await queue.list({})).find((job) => job.id === id)).toMatchObject({ state: 'done', attempts: 1 });
  });
});
