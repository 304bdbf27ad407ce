import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../context.js';
import { AppError } from '../shared/errors.js';
import { DIALECTS, createTestContext, testClock } from '../../test/helpers/databases.js';
import { makeJobsDue, waitFor } from '../../test/jobs/helpers.js';
import { createJobQueue, type JobQueueOptions } from './create-queue.js';
import type { JobQueue, JobView } from './job-queue.js';

describe.each(DIALECTS)('job queue on %s', (engine) => {
  let context: (AppContext & { close(): Promise<void> }) | undefined;
  let clock: ReturnType<typeof testClock>;
  const queues: JobQueue[] = [];

  async function setup(options: JobQueueOptions = {}): Promise<{ context: AppContext; queue: JobQueue }> {
    clock = testClock();
    context = await createTestContext(engine, {}, { clock });
    return { context, queue: await open(options) };
  }

  async function open(options: JobQueueOptions): Promise<JobQueue> {
    const queue = await createJobQueue(context!, { onError: (error) => console.error(error), ...options });
    queues.push(queue);
    return queue;
  }

  async function enqueue(queue: JobQueue, name: string, payload: Record<string, unknown> = {}, maxAttempts?: number): Promise<string> {
    return context!.db.transaction().execute((trx) => queue.enqueue(trx, name, payload, maxAttempts ? { maxAttempts } : {}));
  }

  async function job(queue: JobQueue, id: string): Promise<JobView> {
    const found = (await queue.list({ limit: 1000 })).find((view) => view.id === id);
    if (!found) throw new Error(`job ${id} is not listed`);
    return found;
  }

  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.stop();
    await context?.close();
    context = undefined;
  });

  it('runs a job enqueued in a committed transaction', async () => {
    const seen: unknown[] = [];
    const { queue } = await setup({ handlers: { 'test.record': async (payload) => void seen.push(payload) } });
    const id = await enqueue(queue, 'test.record', { n: 1 });
    expect((await job(queue, id)).state).toBe('queued');

    await queue.drain();

    expect(seen).toEqual([{ n: 1 }]);
    expect(await job(queue, id)).toMatchObject({ name: 'test.record', state: 'done', attempts: 0, maxAttempts: 5, lastError: null, payload: { n: 1 } });
    expect((await job(queue, id)).finishedAt).not.toBeNull();
  });

  it('never runs a job enqueued in a transaction that rolled back', async () => {
    let runs = 0;
    const { context, queue } = await setup({ handlers: { 'test.record': async () => void runs++ } });
    await expect(
      context.db.transaction().execute(async (trx) => {
        await queue.enqueue(trx, 'test.record', { n: 1 });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');

    await queue.drain();

    expect(runs).toBe(0);
    expect(await queue.list({})).toEqual([]);
  });

  it('retries a failing job with back-off, dead-letters it after max attempts, and revives it on retry()', async () => {
    let runs = 0;
    let healthy = false;
    const { context, queue } = await setup({
      handlers: {
        'test.flaky': async (_payload, job) => {
          runs++;
          expect(job.attempt).toBe(healthy ? 1 : runs);
          if (!healthy) throw new Error(`boom ${runs}`);
        },
      },
    });
    const id = await enqueue(queue, 'test.flaky', {}, 3);

    await queue.drain();
    const first = await job(queue, id);
    expect(first).toMatchObject({ state: 'queued', attempts: 1, maxAttempts: 3, lastError: 'boom 1' });
    const now = engine === 'postgres' ? Date.now() : clock.now().getTime();
    expect(Date.parse(first.runAt) - now).toBeGreaterThan(1000);

    await queue.drain(); // not due yet: the back-off holds it
    expect(runs).toBe(1);

    await makeJobsDue(context, clock);
    await queue.drain();
    expect(await job(queue, id)).toMatchObject({ state: 'queued', attempts: 2, lastError: 'boom 2' });

    await makeJobsDue(context, clock);
    await queue.drain();
    const dead = await job(queue, id);
    expect(dead).toMatchObject({ state: 'dead', attempts: 3, lastError: 'boom 3' });
    expect(dead.finishedAt).not.toBeNull();
    expect((await queue.list({ state: 'dead' })).map((view) => view.id)).toEqual([id]);

    await makeJobsDue(context, clock);
    await queue.drain();
    expect(runs).toBe(3);

    healthy = true;
    await queue.retry(id);
    expect(await job(queue, id)).toMatchObject({ state: 'queued', attempts: 0 });
    await queue.drain();
    expect(runs).toBe(4);
    expect(await job(queue, id)).toMatchObject({ state: 'done', attempts: 0 });
  });

  it('dead-letters a job nobody handles at once, with an error naming it', async () => {
    const { queue } = await setup({ handlers: {} });
    const id = await enqueue(queue, 'test.nobody');

    await queue.drain();

    const dead = await job(queue, id);
    expect(dead).toMatchObject({ state: 'dead', attempts: 1 });
    expect(dead.lastError).toContain('No handler is registered for job "test.nobody"');

    await queue.retry(id);
    expect(await job(queue, id)).toMatchObject({ state: 'queued', attempts: 0 });
  });

  it('retry() refuses jobs that are not dead, and unknown ids', async () => {
    const { queue } = await setup({ handlers: { 'test.record': async () => undefined } });
    const id = await enqueue(queue, 'test.record');
    await expect(queue.retry(id)).rejects.toMatchObject({ code: 'invalid_transition' });
    await expect(queue.retry('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(AppError);
    await expect(queue.retry('not-an-id')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('holds a job until its runAt', async () => {
    let runs = 0;
    const { context, queue } = await setup({ handlers: { 'test.later': async () => void runs++ } });
    const later = new Date((engine === 'postgres' ? Date.now() : clock.now().getTime()) + 3_600_000);
    const id = await context.db.transaction().execute((trx) => queue.enqueue(trx, 'test.later', {}, { runAt: later }));
    await queue.drain();
    expect(runs).toBe(0);
    expect(Date.parse((await job(queue, id)).runAt)).toBe(later.getTime());
    await makeJobsDue(context, clock);
    await queue.drain();
    expect(runs).toBe(1);
  });

  it('filters the list by state and name', async () => {
    const { queue } = await setup({ handlers: { 'test.a': async () => undefined } });
    const a = await enqueue(queue, 'test.a');
    await queue.drain();
    const b = await enqueue(queue, 'test.a');
    const c = await enqueue(queue, 'test.b');
    expect((await queue.list({ state: 'done' })).map((view) => view.id)).toEqual([a]);
    expect((await queue.list({ state: 'queued' })).map((view) => view.id).sort()).toEqual([b, c].sort());
    expect((await queue.list({ name: 'test.b' })).map((view) => view.id)).toEqual([c]);
    expect(await queue.list({ limit: 2 })).toHaveLength(2);
  });

  it('fails a handler that outlives its lease', async () => {
    const { queue } = await setup({
      leaseMs: 1000,
      handlers: { 'test.slow': () => new Promise((resolve) => setTimeout(resolve, 2500)) },
    });
    const id = await enqueue(queue, 'test.slow');
    await queue.drain();
    expect(await job(queue, id)).toMatchObject({ state: 'queued', attempts: 1, lastError: 'job ran longer than its lease (1 s)' });
  });

  it('the worker loop runs jobs by itself, at most jobConcurrency at once', async () => {
    let active = 0;
    let most = 0;
    let done = 0;
    const { context, queue } = await setup({
      handlers: {
        'test.busy': async () => {
          active++;
          most = Math.max(most, active);
          await new Promise((resolve) => setTimeout(resolve, 50));
          active--;
          done++;
        },
      },
    });
    await context.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 10; i++) await queue.enqueue(trx, 'test.busy', { i });
    });
    await queue.start();
    await waitFor(() => done === 10, 15_000, 'ten jobs');
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(context.config.jobConcurrency);
    await waitFor(async () => (await queue.list({ state: 'done' })).length === 10, 5_000, 'ten done rows');
  });

  it('stop() waits for running jobs to finish', async () => {
    let release!: () => void;
    let started = false;
    const { queue } = await setup({
      handlers: {
        'test.gate': async () => {
          started = true;
          await new Promise<void>((resolve) => (release = resolve));
        },
      },
    });
    const id = await enqueue(queue, 'test.gate');
    await queue.start();
    await waitFor(() => started, 10_000, 'the job to start');

    let stopped = false;
    const stopping = queue.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await (await open({ handlers: {} })).list({})).find((view) => view.id === id)?.state).toBe('done');
  });

  it('two workers on one database run each job exactly once', async () => {
    const runs = new Map<string, number>();
    const handler = async (_payload: unknown, job: { jobId: string }) => {
      runs.set(job.jobId, (runs.get(job.jobId) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const { queue: first } = await setup({ handlers: { 'test.shared': handler } });
    const second = await open({ handlers: { 'test.shared': handler } });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await enqueue(first, 'test.shared', { i }));
    await Promise.all([first.start(), second.start()]);
    await waitFor(async () => (await first.list({ state: 'done', limit: 100 })).length === 30, 20_000, 'all jobs done');
    expect([...runs.keys()].sort()).toEqual(ids.sort());
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
  });
});
