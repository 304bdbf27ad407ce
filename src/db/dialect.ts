import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * The only place that branches on the database engine. Everything else writes portable Kysely.
 */
export type Engine = 'sqlite' | 'postgres';

export type Executor = Kysely<Database> | Transaction<Database>;

/** Lock names used with `lockForUpdate`; each maps to a stable advisory-lock number on PostgreSQL. */
const LOCKS = { audit_chain: 1_001, report_intake: 1_002, incident_alarms: 1_003, submission_limit: 1_004 } as const;

/**
 * Serialises writers of one logical resource inside a transaction.
 * On SQLite one process holds one connection and Kysely runs its transactions one at a time,
 * so nothing is needed; PostgreSQL takes a transaction-scoped advisory lock.
 */
export async function lockForUpdate(trx: Executor, engine: Engine, lock: keyof typeof LOCKS): Promise<void> {
  if (engine === 'postgres') await sql`select pg_advisory_xact_lock(${LOCKS[lock]})`.execute(trx);
}

/** `lockForUpdate` for one `key` of a resource (e.g. one reporter's submissions to one programme): writers of other keys go on. */
export async function lockKeyForUpdate(trx: Executor, engine: Engine, lock: keyof typeof LOCKS, key: string): Promise<void> {
  if (engine === 'postgres') await sql`select pg_advisory_xact_lock(${LOCKS[lock]}::int4, hashtext(${key}))`.execute(trx);
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

/**
 * `column in (values)` for long lists (bulk imports look up a thousand keys at a time): PostgreSQL
 * takes the list as one array parameter (`= any($1)`), whose plan does not grow with the list;
 * SQLite binds each value. `values` must not be empty.
 */
export function inList(engine: Engine, column: string, values: readonly (string | number)[]): RawBuilder<boolean> {
  if (engine === 'postgres') return sql<boolean>`${sql.ref(column)} = any(${[...values]})`;
  return sql<boolean>`${sql.ref(column)} in (${sql.join(values.map((value) => sql`${value}`))})`;
}

/** A column's type as PostgreSQL's unnest needs it spelled (`insertRows`). */
export type BulkColumnType = 'text' | 'integer' | 'float8';

interface RowsInsert<Q> {
  values(rows: never): Q;
  columns(columns: never): { expression(expression: RawBuilder<unknown>): Q };
}

/**
 * Many rows for `trx.insertInto(table)`: SQLite binds each value (`values`); PostgreSQL gets one
 * array per column and unnests them, so the statement's text, its parameters and its planning do
 * not grow with the rows (bulk imports write a thousand rows at a time). A column with the same
 * value in every row (the import, its time, a state) is sent once, not as an array: PostgreSQL
 * parses every element of an array's text. `types` names every column the rows carry.
 */
export function insertRows<Q>(query: RowsInsert<Q>, engine: Engine, rows: readonly Record<string, unknown>[], types: Readonly<Record<string, BulkColumnType>>): Q {
  const columns = Object.keys(types);
  // Both engines must write the same columns: a column missing from `types` would be dropped on PostgreSQL alone.
  const first = rows[0];
  if (first && Object.keys(first).some((column) => !(column in types))) throw new Error(`insertRows: types must name every column (${Object.keys(first).filter((c) => !(c in types)).join(', ')})`);
  if (engine === 'sqlite') return query.values(rows as never);
  const valueOf = (row: Record<string, unknown>, column: string) => row[column] ?? null;
  const constant = new Set(columns.filter((column) => rows.every((row) => valueOf(row, column) === valueOf(first ?? {}, column))));
  // unnest needs one array at least, and tells the row count.
  if (constant.size === columns.length) constant.delete(columns[0]!);
  const varying = columns.filter((column) => !constant.has(column));
  const arrays = varying.map((column) => sql`${rows.map((row) => valueOf(row, column))}::${sql.raw(types[column]!)}[]`);
  const selected = columns.map((column) => (constant.has(column) ? sql`${valueOf(first ?? {}, column)}::${sql.raw(types[column]!)}` : sql.ref(`rows.${column}`)));
  return query
    .columns(columns as never)
    .expression(sql`select ${sql.join(selected)} from unnest(${sql.join(arrays)}) as rows(${sql.join(varying.map((column) => sql.id(column)))})`);
}
