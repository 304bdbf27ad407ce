import type { Insertable, Updateable } from 'kysely';
import { containsText, forUpdate, type Engine, type Executor } from '../../db/dialect.js';
import type { Role } from '../../shared/roles.js';
import type { UserTable } from './user.table.js';
import type { UserRow } from './user.js';

export function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

/** The same, locking the row on PostgreSQL until the transaction ends (see dialect.ts forUpdate). */
export function findUserByIdForUpdate(db: Executor, engine: Engine, id: string): Promise<UserRow | undefined> {
  return forUpdate(db.selectFrom('users').selectAll().where('id', '=', id), engine).executeTakeFirst();
}

export function findUserByEmailForUpdate(db: Executor, engine: Engine, email: string): Promise<UserRow | undefined> {
  return forUpdate(db.selectFrom('users').selectAll().where('email', '=', email), engine).executeTakeFirst();
}

export async function insertUser(db: Executor, row: Insertable<UserTable>): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function updateUser(db: Executor, id: string, changes: Updateable<UserTable>): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

export async function countUsers(db: Executor): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface UserFilter {
  role?: Role | undefined;
  /** Substring of email or name. */
  q?: string | undefined;
  limit: number;
}

export async function findUsers(db: Executor, engine: Engine, filter: UserFilter): Promise<UserRow[]> {
  let query = db.selectFrom('users').selectAll().orderBy('email').limit(filter.limit);
  // roles is a JSON array of known names; a quoted match cannot hit a prefix of another role.
  if (filter.role) query = query.where('roles', 'like', `%"${filter.role}"%`);
  if (filter.q) {
    const q = filter.q;
    query = query.where((eb) => eb.or([containsText(engine, 'email', q), containsText(engine, 'name', q)]));
  }
  return query.execute();
}
