import type { Executor } from '../../db/dialect.js';

/** Addresses of the active accounts with the CNA role or the lead role: who hears about CNA work. */
export async function cnaStaffEmails(db: Executor): Promise<string[]> {
  // roles is a JSON array of known names; a quoted match cannot hit a prefix of another role.
  const rows = await db
    .selectFrom('users')
    .select('email')
    .where('disabled_at', 'is', null)
    .where((eb) => eb.or([eb('roles', 'like', '%"cna"%'), eb('roles', 'like', '%"lead"%')]))
    .orderBy('email')
    .execute();
  return rows.map((r) => r.email);
}
