import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { actorId, type Actor } from '../auth/actor.js';
import type { ReporterNotificationKind } from '../notifications/notification.js';
import { notifyUsers } from '../notifications/notification.service.js';
import { findUserById } from '../users/user.repository.js';
import type { ReportRow } from './report.js';

export { notifyStaff } from '../notifications/notification.service.js';

/**
 * Tells the reporter that something they can see changed, in-app and/or by mail as they chose.
 * `publicText` must be something the reporter may read (a public reply, a close reason), never
 * an internal note. Nobody is told about what they did themselves.
 */
export async function notifyReporter(
  context: AppContext,
  trx: Executor,
  actor: Actor,
  kind: ReporterNotificationKind,
  report: ReportRow,
  headline: string,
  publicText: string,
): Promise<void> {
  if (actorId(actor) === report.reporter_id) return;
  const reporter = await findUserById(trx, report.reporter_id);
  if (!reporter) return;
  await notifyUsers(context, trx, [reporter], { kind, report, headline, text: publicText });
}

/** Tells a triager or lead that a report is now theirs (unless they assigned it to themselves). */
export async function notifyAssignee(context: AppContext, trx: Executor, actor: Actor, report: ReportRow, assigneeId: string): Promise<void> {
  if (actorId(actor) === assigneeId) return;
  const assignee = await findUserById(trx, assigneeId);
  if (!assignee) return;
  await notifyUsers(context, trx, [assignee], { kind: 'assigned', report, headline: 'Report assigned to you', text: `Severity: ${report.severity}, priority ${report.priority}.` });
}
