import { sql } from 'kysely';
import type { Executor } from '../../db/dialect.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../db/keyset-cursor.js';
import type { Actor } from '../auth/actor.js';
import { canReadAllReports } from './report.policy.js';
import type { ReportState } from './report-state.js';
import { tokenize } from './report-terms.js';
import { breachedCondition, slaClocks } from './report-sla.js';
import type { ReportRow } from './report.js';

export interface InboxFilter {
  programId?: string | undefined;
  states?: ReportState[] | undefined;
  severities?: ReportRow['severity'][] | undefined;
  /** A user id, or "none" for unassigned. */
  assignee?: string | undefined;
  assetId?: string | undefined;
  createdAfter?: string | undefined;
  createdBefore?: string | undefined;
  /** Words that must all occur in the report (title, description, steps, impact). */
  q?: string | undefined;
  sort?: 'newest' | 'oldest' | undefined;
  /** Only reports with a response target overdue now. */
  slaBreached?: boolean | undefined;
  now: Date;
  /** Opaque cursor from the previous page. */
  after?: string | undefined;
  limit: number;
}

export interface InboxItem {
  id: string;
  programId: string;
  reporterId: string;
  reporterName: string;
  title: string;
  state: ReportState;
  severity: ReportRow['severity'];
  score: number | null;
  outOfScope: boolean;
  /** Some response target is overdue. */
  slaBreached: boolean;
  createdAt: string;
  updatedAt: string;
  priority?: ReportRow['priority'];
  assigneeId?: string | null;
  labels?: string[];
}

/**
 * The inbox: staff see every report, a reporter their own. Keyset pagination on (created_at, id)
 * so page 1,000 costs what page 1 does; the composite indexes cover programme+state filters.
 */
export async function listReports(db: Executor, actor: Actor, filter: InboxFilter): Promise<{ items: InboxItem[]; next: string | null }> {
  const staff = canReadAllReports(actor);
  const newestFirst = (filter.sort ?? 'newest') === 'newest';
  let query = db
    .selectFrom('reports')
    .leftJoin('users as reporter', 'reporter.id', 'reports.reporter_id')
    .selectAll('reports')
    .select('reporter.name as reporter_name')
    .orderBy('reports.created_at', newestFirst ? 'desc' : 'asc')
    .orderBy('reports.id', newestFirst ? 'desc' : 'asc')
    .limit(filter.limit + 1);
  if (!staff) {
    // A reporter's inbox: what they submitted and what they were named a collaborator on.
    const me = actor.kind === 'user' ? actor.userId : '';
    query = query.where(({ or, eb, exists, selectFrom }) =>
      or([eb('reports.reporter_id', '=', me), exists(selectFrom('report_collaborators').select('user_id').whereRef('report_collaborators.report_id', '=', 'reports.id').where('report_collaborators.user_id', '=', me))]),
    );
  }
  if (filter.programId) query = query.where('reports.program_id', '=', filter.programId);
  if (filter.states?.length) query = query.where('reports.state', 'in', filter.states);
  if (filter.severities?.length) query = query.where('reports.severity', 'in', filter.severities);
  if (filter.assignee === 'none') query = query.where('reports.assignee_id', 'is', null);
  else if (filter.assignee) query = query.where('reports.assignee_id', '=', filter.assignee);
  if (filter.assetId) query = query.where('reports.asset_id', '=', filter.assetId);
  if (filter.slaBreached) query = query.where(breachedCondition(filter.now));
  if (filter.createdAfter) query = query.where('reports.created_at', '>=', filter.createdAfter);
  if (filter.createdBefore) query = query.where('reports.created_at', '<', filter.createdBefore);
  for (const term of [...new Set(tokenize(filter.q ?? ''))].slice(0, 8)) {
    query = query.where(({ exists, selectFrom }) =>
      exists(selectFrom('report_terms').select(sql`1`.as('one')).whereRef('report_terms.report_id', '=', 'reports.id').whereRef('report_terms.program_id', '=', 'reports.program_id').where('report_terms.term', '=', term)),
    );
  }
  if (filter.after) {
    const cursor = decodeKeysetCursor(filter.after);
    const op = newestFirst ? '<' : '>';
    query = query.where(({ eb, or, and }) => or([eb('reports.created_at', op, cursor.at), and([eb('reports.created_at', '=', cursor.at), eb('reports.id', op, cursor.id)])]));
  }
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id,
      programId: row.program_id,
      reporterId: row.reporter_id,
      reporterName: row.reporter_name ?? '',
      title: row.title,
      state: row.state,
      severity: row.severity,
      score: row.score,
      outOfScope: row.out_of_scope !== null,
      slaBreached: slaClocks(row, filter.now).some((clock) => clock.state === 'breached'),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      ...(staff ? { priority: row.priority, assigneeId: row.assignee_id, labels: JSON.parse(row.labels) as string[] } : {}),
    })),
    next: rows.length > filter.limit && last ? encodeKeysetCursor(last.created_at, last.id) : null,
  };
}
