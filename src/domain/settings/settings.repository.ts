import type { Selectable } from 'kysely';
import type { Executor } from '../../db/dialect.js';
import type { SettingTable } from './settings.table.js';

export type SettingRow = Selectable<SettingTable>;

export function selectSettings(db: Executor): Promise<SettingRow[]> {
  return db.selectFrom('settings').selectAll().execute();
}

export async function upsertSetting(db: Executor, row: SettingRow): Promise<void> {
  await db
    .insertInto('settings')
    .values(row)
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: row.value, updated_at: row.updated_at, updated_by: row.updated_by }))
    .execute();
}

export async function deleteSetting(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('settings').where('key', '=', key).execute();
}
