import type { JobHandlers } from './job-queue.js';

/**
 * The worker loop both queues share: poll, lease up to `concurrency` jobs, run their handlers,
 * report the outcome to the store. The stores (SQLite table, pg-boss) only decide how a job is
 * leased, completed and failed, so retry, time-out and dead-letter behaviour is the same on both.
 */

/** One job a store has leased to this process. */
export interface LeasedJob {
  id: string;
  name: string;
  payload: unknown;
  /** 1 on the first run. */
  attempt: number;
  /** The lease: past it another worker may take the job, so the handler is stopped waiting for. */
  timeoutMs: number;
}

export interface JobStore {
  /** Leases up to `limit` due jobs. */
  claim(limit: number): Promise<LeasedJob[]>;
  complete(job: LeasedJob): Promise<void>;
  /** `final`: dead-letter now instead of retrying (no handler knows the job). */
  fail(job: LeasedJob, error: Error, final: boolean): Promise<void>;
}

export interface RunnerOptions {
  pollMs: number;
  concurrency: number;
  onError(error: unknown): void;
}

export class JobRunner {
  readonly #store: JobStore;
  readonly #handlers: JobHandlers;
  readonly #options: RunnerOptions;
  readonly #running = new Set<Promise<void>>();
  #started = false;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  /** The last poll filled every free slot, so more jobs are probably waiting. */
  #backlog = false;

  constructor(store: JobStore, handlers: JobHandlers, options: RunnerOptions) {
    this.#store = store;
    this.#handlers = handlers;
    this.#options = options;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#schedule(0);
  }

  /** Stops polling and waits for the jobs already running. */
  async stop(): Promise<void> {
    this.#started = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#polling;
    await Promise.allSettled([...this.#running]);
  }

  /** Runs due jobs, `concurrency` at a time, until none is due (and none of ours is running). */
  async drain(): Promise<void> {
    for (;;) {
      const jobs = await this.#store.claim(this.#options.concurrency);
      if (jobs.length === 0 && this.#running.size === 0) return;
      // Jobs the poller started may enqueue more; wait for them before looking again.
      await Promise.allSettled([...jobs.map((job) => this.#track(job)), ...this.#running]);
    }
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#polling = this.#poll().finally(() => {
        this.#polling = undefined;
        if (this.#started && !this.#timer) {
          const slotFree = this.#running.size < this.#options.concurrency;
          this.#schedule(this.#backlog && slotFree ? 0 : this.#options.pollMs);
        }
      });
    }, delayMs);
  }

  /** A finished job frees a slot: with a backlog, poll now rather than at the next tick. */
  #wake(): void {
    if (!this.#started || this.#polling || !this.#backlog) return;
    clearTimeout(this.#timer);
    this.#schedule(0);
  }

  async #poll(): Promise<void> {
    const free = this.#options.concurrency - this.#running.size;
    if (free <= 0) return;
    try {
      const jobs = await this.#store.claim(free);
      this.#backlog = jobs.length === free;
      for (const job of jobs) void this.#track(job);
    } catch (error) {
      this.#options.onError(error);
    }
  }

  #track(job: LeasedJob): Promise<void> {
    const run = this.#run(job).finally(() => {
      this.#running.delete(run);
      this.#wake();
    });
    this.#running.add(run);
    return run;
  }

  async #run(job: LeasedJob): Promise<void> {
    try {
      const handler = Object.hasOwn(this.#handlers, job.name) ? this.#handlers[job.name] : undefined;
      if (!handler) {
        const error = new Error(`No handler is registered for job "${job.name}" (see src/jobs/handlers.ts); dead-lettered`);
        await this.#store.fail(job, error, true);
        return;
      }
      try {
        await withTimeout(handler(job.payload, { jobId: job.id, attempt: job.attempt }), job.timeoutMs);
      } catch (error) {
        await this.#store.fail(job, toError(error), false);
        return;
      }
      await this.#store.complete(job);
    } catch (error) {
      // The store could not record the outcome; the lease runs out and the job runs again.
      this.#options.onError(error);
    }
  }
}

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`job ran longer than its lease (${Math.round(ms / 1000)} s)`)), ms);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
