import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, invalid } from '../../shared/errors.js';
import type { Actor } from '../auth/actor.js';
import { assertCanTriage, canTriage } from './report.policy.js';
import { getReportRow, transitionReport, updateTriage } from './report.service.js';
import { cleanLabels } from './report.js';

/** `label` adds and removes labels on each report, keeping the report's others. */
export type BulkAction =
  | { action: 'assign'; assigneeId: string | null }
  | { action: 'label'; add: readonly string[]; remove: readonly string[] }
  | { action: 'spam'; reason: string };

export const BULK_MAX = 100;

/** A report's labels with those of `add` it lacks appended and those of `remove` taken out. */
function relabel(current: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  const removed = new Set(cleanLabels(remove));
  return cleanLabels([...current, ...add]).filter((label) => !removed.has(label));
}

/**
 * One action over many reports, in one transaction: all succeed or none does, and the error
 * names the report that failed (as `/ids/<index>`). Returns how many reports it changed (for
 * labels, a report that already has them as asked is left alone, with nothing on its timeline).
 */
export async function bulkUpdate(context: AppContext, trx: Executor, actor: Actor, ids: readonly string[], action: BulkAction): Promise<number> {
  if (!canTriage(actor)) throw new AppError('forbidden', 'Only triagers and leads may change reports');
  const unique = [...new Set(ids)];
  if (unique.length === 0 || unique.length > BULK_MAX) throw invalid('/ids', `name 1 to ${BULK_MAX} reports`);
  if (action.action === 'label') {
    const add = cleanLabels(action.add);
    const remove = new Set(cleanLabels(action.remove));
    if (add.length === 0 && remove.size === 0) throw invalid('/add', 'name labels to add or to remove');
    const both = add.find((label) => remove.has(label));
    if (both !== undefined) throw invalid('/remove', `"${both}" is also to be added`);
  }
  let changed = 0;
  for (const [index, id] of unique.entries()) {
    try {
      if (action.action === 'assign') await updateTriage(context, trx, actor, id, { assigneeId: action.assigneeId });
      else if (action.action === 'spam') await transitionReport(context, trx, actor, id, { to: 'spam', reason: action.reason });
      else {
        // Read under the row lock (held to the end of the transaction), so a concurrent edit of
        // this report's labels is applied first and kept.
        const report = await getReportRow(trx, actor, id, context.engine);
        assertCanTriage(actor, report);
        const current = JSON.parse(report.labels) as string[];
        const labels = relabel(current, action.add, action.remove);
        if (labels.length === current.length && labels.every((label, i) => label === current[i])) continue;
        // updateTriage holds the limits of a single edit (count, length).
        await updateTriage(context, trx, actor, id, { labels });
      }
      changed += 1;
    } catch (error) {
      if (error instanceof AppError) {
        // A label limit is broken by what was to be added: the request's field is `add`.
        const details = error.details.map((d) => (action.action === 'label' && d.field === '/labels' ? { ...d, field: '/add' } : d));
        throw new AppError(error.code, `Report ${id}: ${error.message}`, [{ field: `/ids/${index}`, message: error.message }, ...details]);
      }
      throw error;
    }
  }
  return changed;
}
