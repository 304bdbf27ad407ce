import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Executor } from '../../db/dialect.js';
import type { OpenPgpKeyTable, SecurityTxtSignatureTable } from './keys.table.js';
import type { OpenPgpKeyRow } from './keys.js';

export type SecurityTxtSignatureRow = Selectable<SecurityTxtSignatureTable>;

export function findCurrentKey(db: Executor): Promise<OpenPgpKeyRow | undefined> {
  return db.selectFrom('openpgp_keys').selectAll().where('status', '=', 'current').executeTakeFirst();
}

export function findKeyByFingerprint(db: Executor, fingerprint: string): Promise<OpenPgpKeyRow | undefined> {
  return db.selectFrom('openpgp_keys').selectAll().where('fingerprint', '=', fingerprint).executeTakeFirst();
}

/** Current first, then previous keys, then revoked ones; newest first within each. */
export async function selectKeys(db: Executor): Promise<OpenPgpKeyRow[]> {
  const rows = await db.selectFrom('openpgp_keys').selectAll().orderBy('added_at', 'desc').execute();
  const rank = { current: 0, previous: 1, revoked: 2 } as const;
  return rows.sort((a, b) => rank[a.status] - rank[b.status]);
}

export async function insertKey(db: Executor, row: Insertable<OpenPgpKeyTable>): Promise<void> {
  await db.insertInto('openpgp_keys').values(row).execute();
}

export async function updateKey(db: Executor, id: string, changes: Updateable<OpenPgpKeyTable>): Promise<void> {
  await db.updateTable('openpgp_keys').set(changes).where('id', '=', id).execute();
}

export async function demoteCurrentKey(db: Executor, now: string): Promise<void> {
  await db.updateTable('openpgp_keys').set({ status: 'previous', updated_at: now }).where('status', '=', 'current').execute();
}

export function latestSecurityTxtSignature(db: Executor): Promise<SecurityTxtSignatureRow | undefined> {
  return db.selectFrom('security_txt_signatures').selectAll().orderBy('signed_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function insertSecurityTxtSignature(db: Executor, row: Insertable<SecurityTxtSignatureTable>): Promise<void> {
  await db.insertInto('security_txt_signatures').values(row).execute();
}

export async function setSecurityTxtSignatureWarning(db: Executor, id: string, warning: string): Promise<void> {
  await db.updateTable('security_txt_signatures').set({ warning }).where('id', '=', id).execute();
}
