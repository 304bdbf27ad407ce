import type { Executor } from '../db/dialect.js';

/**
 * One interface for side effects (mail, webhooks, later CVE Services calls and vendor discovery).
 * A job is enqueued inside the transaction that causes it (an outbox): if the transaction rolls
 * back, the job never existed; if the process dies after commit, the job runs after restart.
 * Handlers must be idempotent: a job may run more than once when a worker dies mid-job.
 */
export interface EnqueueOptions {
  /** Earliest time to run (default now). */
  runAt?: Date;
  /** Attempts before the job is dead-lettered (default 5). */
  maxAttempts?: number;
}

export interface JobView {
  id: string;
  name: string;
  state: 'queued' | 'running' | 'done' | 'dead';
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
  payload: unknown;
}

export interface JobListFilter {
  state?: JobView['state'] | undefined;
  name?: string | undefined;
  limit?: number | undefined;
}

export interface JobQueue {
  enqueue(trx: Executor, name: string, payload: Record<string, unknown>, options?: EnqueueOptions): Promise<string>;
  /** Starts the workers (no-op when RUN_JOBS=false). */
  start(): Promise<void>;
  /** Stops taking jobs and waits for running ones to finish (graceful shutdown). */
  stop(): Promise<void>;
  list(filter: JobListFilter): Promise<JobView[]>;
  /** Puts a dead job back in the queue. */
  retry(id: string): Promise<void>;
  /** Runs due jobs until none is left (tests and the CLI). */
  drain(): Promise<void>;
}

export interface JobContext {
  jobId: string;
  attempt: number;
}

export type JobHandler = (payload: any, context: JobContext) => Promise<void>;
export type JobHandlers = Record<string, JobHandler>;

/** Exponential back-off with jitter: 2s, 4s, 8s … capped at one hour. */
export function backoffMs(attempt: number): number {
  const base = Math.min(3_600_000, 1000 * 2 ** attempt);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
