import type { Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import type { Database } from '../db/schema.js';
import type { Outcome } from '../domain/auth/signin.service.js';
import { GroupCommitter } from '../db/group-commit.js';

/** Runs `work` in one transaction: the change, its audit event and its jobs commit together. */
export function inTransaction<T>(context: AppContext, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return context.db.transaction().execute(work);
}

/** For services whose failures must still commit (counters, audit): throw only after commit. */
export async function committedOutcome<T>(context: AppContext, work: (trx: Transaction<Database>) => Promise<Outcome<T>>): Promise<T> {
  const outcome = await inTransaction(context, work);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

const committers = new WeakMap<AppContext, GroupCommitter>();

/**
 * Like `inTransaction`, for frequent independent writes (report submissions): on SQLite, units
 * arriving together share one commit (see GroupCommitter); PostgreSQL commits each on its own
 * connection, in parallel.
 */
export function inGroupCommit<T>(context: AppContext, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (context.engine !== 'sqlite') return inTransaction(context, work);
  let committer = committers.get(context);
  if (!committer) {
    committer = new GroupCommitter(context.db);
    committers.set(context, committer);
  }
  return committer.run(work);
}
