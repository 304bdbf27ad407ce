import type { Executor } from '../../db/dialect.js';
import type { ProgramRef } from './incident.js';

/** The programmes of a set of incidents (by programme id), looked up once. */
export async function programRefs(db: Executor, ids: readonly (string | null)[]): Promise<Map<string, ProgramRef>> {
  const unique = [...new Set(ids.filter((id): id is string => id !== null))];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('programs').select(['id', 'slug', 'name']).where('id', 'in', unique).execute();
  return new Map(rows.map((row) => [row.id, row]));
}
