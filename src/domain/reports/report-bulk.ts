import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, invalid } from '../../shared/errors.js';
import type { Actor } from '../auth/actor.js';
import { canTriage } from './report.policy.js';
import { transitionReport, updateTriage } from './report.service.js';

export type BulkAction = { action: 'assign'; assigneeId: string | null } | { action: 'label'; labels: string[] } | { action: 'spam'; reason: string };

export const BULK_MAX = 100;

/**
 * One action over many reports, in one transaction: all succeed or none does, and the error
 * names the report that failed (as `/ids/<index>`).
 */
export async function bulkUpdate(context: AppContext, trx: Executor, actor: Actor, ids: readonly string[], action: BulkAction): Promise<number> {
  if (!canTriage(actor)) throw new AppError('forbidden', 'Only triagers and leads may change reports');
  const unique = [...new Set(ids)];
  if (unique.length === 0 || unique.length > BULK_MAX) throw invalid('/ids', `name 1 to ${BULK_MAX} reports`);
  for (const [index, id] of unique.entries()) {
    try {
      if (action.action === 'assign') await updateTriage(context, trx, actor, id, { assigneeId: action.assigneeId });
      else if (action.action === 'label') await updateTriage(context, trx, actor, id, { labels: action.labels });
      else await transitionReport(context, trx, actor, id, { to: 'spam', reason: action.reason });
    } catch (error) {
      if (error instanceof AppError) {
        throw new AppError(error.code, `Report ${id}: ${error.message}`, [{ field: `/ids/${index}`, message: error.message }, ...error.details]);
      }
      throw error;
    }
  }
  return unique.length;
}
