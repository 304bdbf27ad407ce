import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../db/dialect.js';
import { invalid } from '../../shared/errors.js';
import type { Actor } from '../auth/actor.js';
import { canReadAllReports } from './report.policy.js';
import { OPEN_STATES, type ReportState } from './report-state.js';
import { isIndexedTerm, words } from './report-terms.js';
import { bountyAwardedAt, breachedCondition, slaClocks } from './report-sla.js';
import type { ReportRow } from './report.js';

/** newest/oldest: received; severity: CVSS score, highest first; priority: P1 first; sla: next response target due, soonest first; updated: last change first. */
export const INBOX_SORTS = ['newest', 'oldest', 'severity', 'priority', 'sla', 'updated'] as const;
export type InboxSort = (typeof INBOX_SORTS)[number];

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
  sort?: InboxSort | undefined;
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

/** Sorts after every pending due time: reports with no response target pending come last. */
const NO_DUE = '9999-12-31T23:59:59.999Z';

/**
 * The next response target still due of an open report (the earliest unmet due time), NO_DUE if
 * none. Spelled with literals only, exactly as the reports_inbox_sla index of migration
 * 20261128_0930 spells it, so both engines can read the inbox in this order from the index.
 * The bounty clock is left out: it stops at a reward (another table), which no index on reports follows.
 */
function nextDueExpression(): RawBuilder<string> {
  const c = (column: string) => sql.ref(`reports.${column}`);
  const open = sql.join(OPEN_STATES.map((s) => sql.lit(s)));
  const pending = (met: string, due: string) => sql`${c(met)} is null and ${c(due)} is not null`;
  const notBefore = (due: string, met: string, other: string) => sql`(${c(met)} is not null or ${c(other)} is null or ${c(due)} <= ${c(other)})`;
  return sql<string>`coalesce(case when ${c('state')} in (${open}) then case
    when ${pending('first_response_at', 'first_response_due_at')} and ${notBefore('first_response_due_at', 'triaged_at', 'triage_due_at')} and ${notBefore('first_response_due_at', 'resolved_at', 'resolution_due_at')} then ${c('first_response_due_at')}
    when ${pending('triaged_at', 'triage_due_at')} and ${notBefore('triage_due_at', 'resolved_at', 'resolution_due_at')} then ${c('triage_due_at')}
    when ${c('resolved_at')} is null then ${c('resolution_due_at')}
  end end, ${sql.lit(NO_DUE)})`;
}

interface SortOrder {
  /** What the rows are ordered by, before the id that breaks ties (in the same direction). */
  key: RawBuilder<string | number>;
  direction: 'asc' | 'desc';
  /** A cursor's key read back, or undefined when it is not one this order hands out. */
  parse(value: unknown): string | number | undefined;
}

const isTime = (value: unknown) => (typeof value === 'string' && value.length <= 40 && !Number.isNaN(Date.parse(value)) ? value : undefined);

const SORT_ORDERS: Record<InboxSort, SortOrder> = {
  newest: { key: sql<string>`${sql.ref('reports.created_at')}`, direction: 'desc', parse: isTime },
  oldest: { key: sql<string>`${sql.ref('reports.created_at')}`, direction: 'asc', parse: isTime },
  updated: { key: sql<string>`${sql.ref('reports.updated_at')}`, direction: 'desc', parse: isTime },
  // Unscored reports (no CVSS vector) after every scored one.
  severity: { key: sql<number>`coalesce(${sql.ref('reports.score')}, ${sql.lit(-1)})`, direction: 'desc', parse: (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined) },
  // 'P1' < 'P2' < … as text: the most urgent first.
  priority: { key: sql<string>`${sql.ref('reports.priority')}`, direction: 'asc', parse: (v) => (typeof v === 'string' && /^P[1-5]$/.test(v) ? v : undefined) },
  sla: { key: nextDueExpression(), direction: 'asc', parse: isTime },
};

/** Cursors name their order, so one handed out for another order is refused rather than misread. */
const encodeCursor = (sort: InboxSort, key: string | number, id: string) => Buffer.from(JSON.stringify([sort, key, id])).toString('base64url');

function decodeCursor(sort: InboxSort, cursor: string): { key: string | number; id: string } {
  const bad = () => invalid('querystring:/after', 'is not a cursor this server gave out');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || typeof parsed[2] !== 'string' || parsed[2].length > 40) throw bad();
  if (parsed[0] !== sort) throw invalid('querystring:/after', `is a cursor for another order than sort=${sort}`);
  const key = SORT_ORDERS[sort].parse(parsed[1]);
  if (key === undefined) throw bad();
  return { key, id: parsed[2] };
}

/** Most distinct words a search may name: each is one more condition on every candidate report. */
export const MAX_QUERY_WORDS = 10;
/** Most reports whose text one page matches when a search has words the term index does not hold; a short page then carries a cursor. */
const SCAN_BUDGET = 1_000;

/** The words of a search: those the term index holds, and the rest (short words, stopwords) matched in the text. */
function searchWords(q: string | undefined): { indexed: string[]; scanned: string[] } {
  if (q === undefined || q.trim() === '') return { indexed: [], scanned: [] };
  const all = [...new Set(words(q))];
  if (all.length === 0) throw invalid('querystring:/q', 'has no words to search for (letters or digits)');
  if (all.length > MAX_QUERY_WORDS) throw invalid('querystring:/q', `names ${all.length} different words; at most ${MAX_QUERY_WORDS}`);
  return { indexed: all.filter(isIndexedTerm), scanned: all.filter((w) => !isIndexedTerm(w)) };
}

/** Case-insensitive substring pattern for LIKE, with LIKE's wildcards in the word escaped. */
const likePattern = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The inbox: staff see every report, a reporter their own. Keyset pagination on (the order's key,
 * id), so page 1,000 costs what page 1 does; composite indexes cover the programme+state filters
 * in every order.
 *
 * Search: a word the term index holds is looked up there. Any other word (shorter than three
 * letters, a stopword) is matched in the text of the next SCAN_BUDGET reports of the order: the
 * database narrows them to those containing it as a substring, and each is then checked to hold
 * it as a whole word, as the index would. A page cut short by the budget still hands out a cursor.
 */
export async function listReports(db: Executor, actor: Actor, filter: InboxFilter): Promise<{ items: InboxItem[]; next: string | null }> {
  const staff = canReadAllReports(actor);
  const sort = filter.sort ?? 'newest';
  const order = SORT_ORDERS[sort];
  const search = searchWords(filter.q);
  let query = db
    .selectFrom('reports')
    .leftJoin('users as reporter', 'reporter.id', 'reports.reporter_id')
    .selectAll('reports')
    .select('reporter.name as reporter_name')
    .select(order.key.as('sort_key'))
    .orderBy(order.key, order.direction)
    .orderBy('reports.id', order.direction);
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
  for (const term of search.indexed) {
    query = query.where(({ exists, selectFrom }) =>
      exists(selectFrom('report_terms').select(sql`1`.as('one')).whereRef('report_terms.report_id', '=', 'reports.id').whereRef('report_terms.program_id', '=', 'reports.program_id').where('report_terms.term', '=', term)),
    );
  }
  type Key = { key: string | number; id: string };
  type Row = Awaited<ReturnType<typeof query.execute>>[number];
  const op = sql.raw(order.direction === 'desc' ? '<' : '>');
  const after = (at: Key) => sql<boolean>`(${order.key} ${op} ${at.key} or (${order.key} = ${at.key} and ${sql.ref('reports.id')} ${op} ${at.id}))`;
  const keyOf = (row: { sort_key: unknown; id: string }): Key => ({ key: order.parse(sort === 'severity' ? Number(row.sort_key) : row.sort_key) ?? '', id: row.id });
  if (filter.after) query = query.where(after(decodeCursor(sort, filter.after)));

  let items: Row[];
  let resume: Key | undefined;
  if (search.scanned.length === 0) {
    const rows = await query.limit(filter.limit + 1).execute();
    items = rows.slice(0, filter.limit);
    resume = rows.length > filter.limit ? keyOf(items.at(-1)!) : undefined;
  } else {
    // The text is matched within the next SCAN_BUDGET reports only (their keys read from an index),
    // so a rare word costs a bounded read; a page cut short there resumes after them.
    const window = await query.clearSelect().select([order.key.as('sort_key'), 'reports.id']).limit(SCAN_BUDGET).execute();
    const windowEnd = window.length === SCAN_BUDGET ? keyOf(window.at(-1)!) : undefined;
    let matching = windowEnd ? query.where(sql<boolean>`not ${after(windowEnd)}`) : query;
    for (const word of search.scanned) {
      // SQLite's lower() and LIKE fold ASCII letters only: a word with others ("ça") is left to the
      // whole-word check below, which folds every letter.
      if (!/^[\x20-\x7e]*$/.test(word)) continue;
      const pattern = likePattern(word);
      const contains = (column: 'title' | 'description' | 'steps' | 'impact') => sql<boolean>`lower(${sql.ref(`reports.${column}`)}) like ${pattern} escape '\\'`;
      matching = matching.where(sql<boolean>`(${contains('title')} or ${contains('description')} or ${contains('steps')} or ${contains('impact')})`);
    }
    // A substring is not yet a word ("js" in "json"): each candidate is checked as the index would.
    const holdsWords = (row: Row) => {
      const own = new Set(words(`${row.title}\n${row.description}\n${row.steps}\n${row.impact}`));
      return search.scanned.every((w) => own.has(w));
    };
    const found: Row[] = [];
    for (let from: Key | undefined; ; ) {
      const rows = await (from ? matching.where(after(from)) : matching).limit(filter.limit + 1).execute();
      for (const row of rows) {
        if (holdsWords(row)) found.push(row);
        if (found.length > filter.limit) break;
      }
      if (found.length > filter.limit || rows.length <= filter.limit) break;
      from = keyOf(rows.at(-1)!);
    }
    items = found.slice(0, filter.limit);
    resume = found.length > filter.limit ? keyOf(items.at(-1)!) : windowEnd;
  }
  // One query for the page's bounty clocks (they stop at the first reward, which lives in the rewards table).
  const awarded = await bountyAwardedAt(db, items.filter((row) => row.bounty_due_at !== null).map((row) => row.id));
  return {
    items: items.map((row) => ({
      id: row.id,
      programId: row.program_id,
      reporterId: row.reporter_id,
      reporterName: row.reporter_name ?? '',
      title: row.title,
      state: row.state,
      severity: row.severity,
      score: row.score,
      outOfScope: row.out_of_scope !== null,
      slaBreached: slaClocks(row, filter.now, awarded.get(row.id) ?? null).some((clock) => clock.state === 'breached'),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      ...(staff ? { priority: row.priority, assigneeId: row.assignee_id, labels: JSON.parse(row.labels) as string[] } : {}),
    })),
    next: resume ? encodeCursor(sort, resume.key, resume.id) : null,
  };
}
