import type { Executor } from '../../db/dialect.js';
import { isId } from '../../shared/ids.js';
import type { AdvisoryRevisionRow, AdvisoryRow, AdvisorySignatureRow } from './advisory.js';

/** By tracking id (ADV-2026-0001, any case) or by internal id. */
export function findAdvisory(db: Executor, idOrTrackingId: string): Promise<AdvisoryRow | undefined> {
  const query = db.selectFrom('advisories').selectAll();
  return (isId(idOrTrackingId) ? query.where('id', '=', idOrTrackingId) : query.where('tracking_id', '=', idOrTrackingId.toUpperCase())).executeTakeFirst();
}

export function findRevisions(db: Executor, advisoryId: string): Promise<AdvisoryRevisionRow[]> {
  return db.selectFrom('advisory_revisions').selectAll().where('advisory_id', '=', advisoryId).orderBy('number').execute();
}

export function findSignature(db: Executor, advisoryId: string, revision: number, fingerprint: string): Promise<AdvisorySignatureRow | undefined> {
  return db
    .selectFrom('advisory_signatures')
    .selectAll()
    .where('advisory_id', '=', advisoryId)
    .where('revision', '=', revision)
    .where('key_fingerprint', '=', fingerprint)
    .executeTakeFirst();
}

export function findBySource(db: Executor, kind: 'report' | 'outbound_case', sourceId: string): Promise<AdvisoryRow | undefined> {
  return db.selectFrom('advisories').selectAll().where('source_kind', '=', kind).where('source_id', '=', sourceId).executeTakeFirst();
}
