import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError } from '../../shared/errors.js';
import { isId } from '../../shared/ids.js';
import type { Actor } from '../auth/actor.js';
import { OPEN_STATES, type CaseRow, type CaseState } from './case.js';
import type { NextAction } from './case-next-actions.js';
import { nextActionsOfCases } from './case-schedule.js';
import { assertCanReadCases } from './case.policy.js';
import { findCase } from './case.repository.js';
import { caseRef } from './case.js';
import { listCases, listLog, type CaseSummaryView } from './case.service.js';

/**
 * What is due across cases, for people and scripts outside the web app (`cvdesk cases`): a case
 * found by the reference its notices carry, open cases each with the next thing due, every
 * action due within some days, and the tail of a case's contact log. Reads only, under the same
 * policy as the staff pages.
 */

/** A case reference as typed: the last 8 or more characters of a case id (hex and dashes). */
const ID_SUFFIX = /^[0-9a-f-]{0,28}[0-9a-f]{8}$/;

/**
 * A case by its id, by the 8-character reference its notices and page show (caseRef, the end of
 * its id), or by any longer end of its id; not_found naming what was given.
 */
export async function findCaseByRef(db: Executor, actor: Actor, ref: string): Promise<CaseRow> {
  assertCanReadCases(actor);
  const value = ref.trim().toLowerCase();
  const unknown = () => new AppError('not_found', `No case has the reference ${JSON.stringify(ref.slice(0, 60))} (give the case id or its 8-character reference, e.g. 1A2B3C4D)`);
  if (isId(value)) {
    const row = await findCase(db, value);
    if (!row) throw unknown();
    return row;
  }
  if (!ID_SUFFIX.test(value)) throw unknown();
  // Ids are lower-case UUIDs; the suffix is hex and dashes only: nothing for LIKE to expand.
  const rows = await db.selectFrom('cases').selectAll().where('id', 'like', `%${value}`).orderBy('id').limit(3).execute();
  if (rows.length === 0) throw unknown();
  if (rows.length > 1) {
    throw new AppError('conflict', `More than one case ends with ${JSON.stringify(ref.trim())}: give more of the case id (${rows.slice(0, 2).map((r) => r.id).join(', ')}${rows.length > 2 ? ', …' : ''})`);
  }
  return rows[0]!;
}

export interface CaseAgendaItem extends CaseSummaryView {
  ref: string;
  /** The earliest action due on the case, null when nothing is. */
  next: NextAction | null;
  overdueActions: number;
}

export interface CaseAgendaFilter {
  state?: CaseState | 'open' | undefined;
  ownerId?: string | undefined;
  /** Only cases with at least one action whose date has passed. */
  overdue?: boolean | undefined;
  limit?: number | undefined;
}

const PAGE = 200;

/**
 * Cases (open ones unless a state is named), newest first, each with its next action; `total`
 * counts every matching case. With `overdue` every matching case is looked at (to count the
 * overdue ones), a page at a time.
 */
export async function caseAgenda(context: AppContext, db: Executor, actor: Actor, filter: CaseAgendaFilter): Promise<{ items: CaseAgendaItem[]; total: number }> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 1000);
  const items: CaseAgendaItem[] = [];
  let total = 0;
  let matched = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await listCases(context, db, actor, { state: filter.state ?? 'open', ownerId: filter.ownerId, limit: PAGE, offset });
    total = page.total;
    if (page.items.length === 0) break;
    const rows = await db.selectFrom('cases').selectAll().where('id', 'in', page.items.map((c) => c.id)).execute();
    const next = await nextActionsOfCases(context, db, rows);
    for (const summary of page.items) {
      const actions = next.get(summary.id)?.actions ?? [];
      const overdueActions = actions.filter((a) => a.overdue).length;
      if (filter.overdue && overdueActions === 0) continue;
      matched += 1;
      if (items.length < limit) items.push({ ...summary, ref: caseRef(summary.id), next: actions[0] ?? null, overdueActions });
    }
    if (offset + PAGE >= page.total || (!filter.overdue && items.length >= limit)) break;
  }
  return { items, total: filter.overdue ? matched : total };
}

export interface DueAction extends NextAction {
  case: { id: string; ref: string; title: string; state: CaseState; ownerId: string };
}

/** Every open case's actions due within `days` from now (overdue ones included), soonest first. */
export async function dueActions(context: AppContext, db: Executor, actor: Actor, options: { days: number; ownerId?: string | undefined }): Promise<{ until: string; items: DueAction[] }> {
  assertCanReadCases(actor);
  const until = new Date(context.clock.now().getTime() + options.days * 86_400_000).toISOString();
  let query = db.selectFrom('cases').selectAll().where('state', 'in', [...OPEN_STATES]);
  if (options.ownerId) query = query.where('owner_id', '=', options.ownerId);
  const rows = await query.orderBy('created_at').orderBy('id').limit(100_000).execute();
  const next = await nextActionsOfCases(context, db, rows);
  const items: DueAction[] = [];
  for (const row of rows) {
    for (const action of next.get(row.id)!.actions) {
      if (action.due > until) continue;
      items.push({ ...action, case: { id: row.id, ref: caseRef(row.id), title: row.title, state: row.state as CaseState, ownerId: row.owner_id } });
    }
  }
  items.sort((a, b) => a.due.localeCompare(b.due) || a.case.id.localeCompare(b.case.id));
  return { until, items };
}

/** The last `count` entries of a case's contact log (oldest of them first), and how many there are. */
export async function recentLog(db: Executor, actor: Actor, caseId: string, count: number) {
  assertCanReadCases(actor);
  const total = await db.selectFrom('case_log').select((eb) => eb.fn.countAll<number | string>().as('n')).where('case_id', '=', caseId).executeTakeFirstOrThrow();
  const n = Number(total.n);
  const items = count > 0 ? await listLog(db, actor, caseId, { limit: count, offset: Math.max(n - count, 0) }) : [];
  return { total: n, items };
}
