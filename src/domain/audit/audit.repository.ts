import type { Selectable } from 'kysely';
import type { Executor } from '../../db/dialect.js';
import type { AuditEventTable } from './audit.table.js';

export type AuditEventRow = Selectable<AuditEventTable>;

/** The head of the chain: what the next event links to. */
export async function lastAuditEvent(db: Executor): Promise<Pick<AuditEventRow, 'seq' | 'hash'> | undefined> {
  return db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

export async function insertAuditEvent(db: Executor, row: AuditEventRow): Promise<void> {
  await db.insertInto('audit_events').values(row).execute();
}

export interface AuditFilter {
  action?: string | undefined;
  actorId?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  /** Keyset pagination: only events with seq below this. */
  before?: number | undefined;
  limit: number;
}

/** Newest first. */
export async function findAuditEvents(db: Executor, filter: AuditFilter): Promise<AuditEventRow[]> {
  let query = db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(filter.limit);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.objectType) query = query.where('object_type', '=', filter.objectType);
  if (filter.objectId) query = query.where('object_id', '=', filter.objectId);
  if (filter.before !== undefined) query = query.where('seq', '<', filter.before);
  return query.execute();
}

/** Oldest first, in pages, so verifying or exporting a long log never loads it whole. */
export async function* streamAuditEvents(db: Executor, pageSize = 1000): AsyncGenerator<AuditEventRow> {
  let after = -1;
  for (;;) {
    const page = await db.selectFrom('audit_events').selectAll().where('seq', '>', after).orderBy('seq', 'asc').limit(pageSize).execute();
    for (const row of page) yield row;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.seq;
  }
}
