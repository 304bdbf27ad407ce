import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * The only place that branches on the database engine. Everything else writes portable Kysely.
 */
export type Engine = 'sqlite' | 'postgres';

export type Executor = Kysely<Database> | Transaction<Database>;

/** Lock names used with `lockForUpdate`; each maps to a stable advisory-lock number on PostgreSQL. */
const LOCKS = { audit_chain: 1_001, report_intake: 1_002 } as const;

/**
 * Serialises writers of one logical resource inside a transaction.
 * On SQLite one process holds one connection and Kysely runs its transactions one at a time,
 * so nothing is needed; PostgreSQL takes a transaction-scoped advisory lock.
 */
export async function lockForUpdate(trx: Executor, engine: Engine, lock: keyof typeof LOCKS): Promise<void> {
  if (engine === 'postgres') await sql`select pg_advisory_xact_lock(${LOCKS[lock]})`.execute(trx);
}

/**
 * Case-insensitive substring match of `column` against user text, with LIKE's wildcards in the
 * text escaped (SQLite's LIKE is case-insensitive for ASCII; PostgreSQL needs ILIKE).
 */
export function containsText(engine: Engine, column: string, needle: string): RawBuilder<boolean> {
  const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const operator = sql.raw(engine === 'postgres' ? 'ilike' : 'like');
  return sql<boolean>`${sql.ref(column)} ${operator} ${pattern} escape '\\'`;
}

/**
 * Adds FOR UPDATE on PostgreSQL, so concurrent transactions reading the same row (a sign-in
 * counting failures, a one-time secret being spent) take turns. SQLite has one writer at a time
 * already and no FOR UPDATE.
 */
export function forUpdate<Q extends { forUpdate(): Q }>(query: Q, engine: Engine): Q {
  return engine === 'postgres' ? query.forUpdate() : query;
}
