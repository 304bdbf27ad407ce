import type { Executor } from '../../db/dialect.js';

/** The next per-record sequence number; the caller holds the record's row lock (a unique index backs it). */
export async function nextSeq(db: Executor, table: 'cna_eligibility_decisions' | 'cve_record_operations', recordId: string): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.max('seq').as('last')).where('record_id', '=', recordId).executeTakeFirst();
  return Number(row?.last ?? 0) + 1;
}
