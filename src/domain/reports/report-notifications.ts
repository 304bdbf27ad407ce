import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { actorId, type Actor } from '../auth/actor.js';
import type { ReporterNotificationKind } from '../notifications/notification.js';
import { notifyUsers } from '../notifications/notification.service.js';
import { findCollaborators } from '../rewards/collaborators.js';
import { findUserById } from '../users/user.repository.js';
import type { UserRow } from '../users/user.js';
import type { ReportRow } from './report.js';

export { notifyStaff } from '../notifications/notification.service.js';

/**
 * The people on the reporter's side of a report: its submitter and the collaborators they named.
 * Disabled accounts are dropped by `notifyUsers`.
 */
export async function reportParticipantUsers(trx: Executor, report: Pick<ReportRow, 'id' | 'reporter_id'>, options: { collaborators?: boolean } = {}): Promise<UserRow[]> {
  const collaborators = options.collaborators === false ? [] : await findCollaborators(trx, report.id);
  const ids = [report.reporter_id, ...collaborators.map((c) => c.user_id)];
  return trx.selectFrom('users').selectAll().where('id', 'in', ids).execute();
}

/**
 * Tells the reporter and the report's collaborators that something they can see changed, in-app
 * and/or by mail as each chose. `publicText` must be something a reporter may read (a public
 * reply, a close reason), never an internal note. Nobody is told about what they did themselves.
 * `collaborators: false` for news that is the submitter's alone (their own reward entry).
 */
export async function notifyParticipants(
  context: AppContext,
  trx: Executor,
  actor: Actor,
  kind: ReporterNotificationKind,
  report: ReportRow,
  headline: string,
  publicText: string,
  options: { collaborators?: boolean } = {},
): Promise<void> {
  const recipients = (await reportParticipantUsers(trx, report, options)).filter((user) => user.id !== actorId(actor));
  await notifyUsers(context, trx, recipients, { kind, report, headline, text: publicText });
}

/** Tells a triager or lead that a report is now theirs (unless they assigned it to themselves). */
export async function notifyAssignee(context: AppContext, trx: Executor, actor: Actor, report: ReportRow, assigneeId: string): Promise<void> {
  if (actorId(actor) === assigneeId) return;
  const assignee = await findUserById(trx, assigneeId);
  if (!assignee) return;
  await notifyUsers(context, trx, [assignee], { kind: 'assigned', report, headline: 'Report assigned to you', text: `Severity: ${report.severity}, priority ${report.priority}.` });
}
