import type { Transaction } from 'kysely';
import type { AppContext } from '../context.js';
import type { Database } from '../db/schema.js';
import type { Outcome } from '../domain/auth/signin.service.js';
import { inGroupCommit as groupCommit } from '../db/group-commit.js';

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

/** `inTransaction` for frequent independent writes (report submissions): see `inGroupCommit` in src/db/group-commit.ts. */
export function inGroupCommit<T>(context: AppContext, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return groupCommit(context.db, context.engine, work);
}
