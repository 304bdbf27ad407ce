import type { Insertable } from 'kysely';
import type { Executor } from '../../db/dialect.js';
import { newId } from '../../shared/ids.js';
import { renderMarkdown } from '../markdown/render-markdown.js';
import type { ReportEventTable } from './report.table.js';
import type { AssetSummary, ReportEventRow, ReportRow } from './report.js';

export function findReport(db: Executor, id: string): Promise<ReportRow | undefined> {
  return db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findAsset(db: Executor, id: string | null): Promise<AssetSummary | undefined> {
  if (!id) return Promise.resolve(undefined);
  return db.selectFrom('program_assets').select(['id', 'identifier', 'kind', 'tier', 'in_scope']).where('id', '=', id).executeTakeFirst();
}

/** Most events one report may gather: a timeline stays readable, and cheap to serve. */
export const MAX_EVENTS_PER_REPORT = 500;

/** Appends to a report's timeline; `first` for the event that starts it (the report is being stored: nothing to count). */
export async function insertEvent(db: Executor, event: Omit<Insertable<ReportEventTable>, 'id' | 'seq' | 'body_html'>, options: { first?: boolean } = {}): Promise<ReportEventRow> {
  // Two writers racing on one report (PostgreSQL) may take the same number; they then sort by time.
  const seq = options.first ? 1 : Number((await db.selectFrom('report_events').select((eb) => eb.fn.max('seq').as('seq')).where('report_id', '=', event.report_id).executeTakeFirst())?.seq ?? 0) + 1;
  const row = { id: newId(), seq, ...event, body_html: event.body ? renderMarkdown(event.body) : null } as ReportEventRow;
  await db.insertInto('report_events').values(row).execute();
  return row;
}

export async function countEvents(db: Executor, reportId: string): Promise<number> {
  const last = await db.selectFrom('report_events').select((eb) => eb.fn.max('seq').as('seq')).where('report_id', '=', reportId).executeTakeFirst();
  return Number(last?.seq ?? 0);
}

/** The timeline in order; `afterSeq`/`limit` page through it. */
export function findEvents(db: Executor, reportId: string, includeInternal: boolean, page: { afterSeq?: number; limit?: number } = {}): Promise<ReportEventRow[]> {
  let query = db.selectFrom('report_events').selectAll().where('report_id', '=', reportId).orderBy('seq').orderBy('created_at').orderBy('id');
  if (!includeInternal) query = query.where('internal', '=', 0);
  if (page.afterSeq !== undefined) query = query.where('seq', '>', page.afterSeq);
  if (page.limit !== undefined) query = query.limit(page.limit);
  return query.execute();
}

/** The term under which the statistics count a programme's indexed reports (no token is empty). */
export const INDEXED_REPORTS = '';

/**
 * Adds to the document frequencies of terms. Terms are written in sorted order so that two
 * writers on PostgreSQL lock shared terms' rows in the same order and cannot deadlock.
 */
export async function addTermStats(db: Executor, programId: string, deltas: Map<string, number>): Promise<void> {
  const rows = [...deltas]
    .filter(([, delta]) => delta !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([term, df]) => ({ program_id: programId, term, df }));
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('report_term_stats')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.columns(['program_id', 'term']).doUpdateSet((eb) => ({ df: eb('report_term_stats.df', '+', eb.ref('excluded.df')) })))
      .execute();
  }
}
