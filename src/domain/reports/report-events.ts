import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { actorId, type Actor } from '../auth/actor.js';
import { emitWebhookEvent, reportWebhookData } from '../webhooks/webhook.service.js';
import { notifyAssignee, notifyReporter, notifyStaff } from './report-notifications.js';
import { relayToMailSender } from '../incidents/mail-intake-replies.js';
import { queueReportIntake } from './report-intake.js';
import type { ReportRow } from './report.js';

/**
 * What happened to a report, announced once from the service that did it, inside its
 * transaction. Everything that reacts (mail, in-app notifications, webhooks) hangs off
 * `publishReportEvent`, so the services need not know who listens.
 *
 * Who hears what:
 * - a new report is only queued here: report-intake.ts indexes it and announces it (to triagers
 *   and leads, and the report.created webhook) right after commit, in batches;
 * - the reporter: state changes, public replies by staff, severity changes, rewards;
 * - triagers and leads: new reports and reporter replies (`notifyStaff`; SLA breaches call it directly);
 * - the assignee: an assignment;
 * - webhooks: every event below except internal notes, with report data as staff see it.
 * Internal notes reach nobody outside staff by any channel: they are not even sent to webhooks.
 */
export type ReportEvent =
  | { type: 'report.created'; report: ReportRow }
  | { type: 'report.state_changed'; report: ReportRow; from: string; to: string; reason: string | null }
  | { type: 'report.comment_added'; report: ReportRow; eventId: string; internal: boolean; body: string; byStaff: boolean }
  | { type: 'report.severity_changed'; report: ReportRow }
  | { type: 'report.assigned'; report: ReportRow; assigneeId: string | null }
  | { type: 'report.retest_requested'; report: ReportRow; note: string | null }
  /** For the rewards work: the reporter is told the amount; webhooks get `reward` as given. */
  | { type: 'reward.awarded'; report: ReportRow; reward: RewardSummary };

export interface RewardSummary {
  id: string;
  /** Minor units (cents). */
  amount: number;
  /** The same amount for people, e.g. "600.01". */
  amountDecimal: string;
  currency: string;
  [field: string]: unknown;
}

const readable = (state: string) => state.replace(/_/g, ' ');

export async function publishReportEvent(context: AppContext, trx: Executor, actor: Actor, event: ReportEvent): Promise<void> {
  const { report } = event;
  const withReport = (extra: Record<string, unknown> = {}) => async () => ({ report: await reportWebhookData(context, trx, report), ...extra });
  switch (event.type) {
    case 'report.created':
      // Indexed and announced (staff, report.created webhook) in batches right after commit: report-intake.ts.
      await queueReportIntake(trx, report, { newReport: true, submittedBy: actorId(actor) });
      break;
    case 'report.state_changed':
      await notifyReporter(context, trx, actor, 'state_changed', report, `Your report is now ${readable(event.to)}`, event.reason ?? '');
      // Reports that came in as plain mail (SMTP intake): the sender hears it by mail.
      await relayToMailSender(context, trx, report, `Your report is now ${readable(event.to)}`, event.reason ?? '');
      await emitWebhookEvent(context, trx, 'report.state_changed', withReport({ from: event.from, to: event.to, reason: event.reason }));
      break;
    case 'report.comment_added':
      // An internal note goes nowhere: not to the reporter, not by mail, not to webhooks.
      if (event.internal) break;
      if (event.byStaff) await notifyReporter(context, trx, actor, 'reply', report, 'New reply on your report', event.body);
      if (event.byStaff) await relayToMailSender(context, trx, report, 'The security team replied to your report', event.body);
      else await notifyStaff(context, trx, 'reporter_reply', report, event.body, { except: actorId(actor) });
      await emitWebhookEvent(context, trx, 'report.comment_added', withReport({ comment: { id: event.eventId, body: event.body, byStaff: event.byStaff, authorId: actorId(actor) } }));
      break;
    case 'report.severity_changed':
      await notifyReporter(context, trx, actor, 'severity_changed', report, `Severity of your report is now ${report.severity}${report.score !== null ? ` (${report.score})` : ''}`, '');
      await emitWebhookEvent(context, trx, 'report.severity_changed', withReport());
      break;
    case 'report.assigned':
      if (event.assigneeId) await notifyAssignee(context, trx, actor, report, event.assigneeId);
      await emitWebhookEvent(context, trx, 'report.assigned', withReport({ assigneeId: event.assigneeId }));
      break;
    case 'report.retest_requested':
      await notifyReporter(context, trx, actor, 'state_changed', report, 'Please retest the fix for your report', event.note ?? '');
      break;
    case 'reward.awarded':
      await notifyReporter(context, trx, actor, 'reward_awarded', report, `You were awarded ${event.reward.amountDecimal} ${event.reward.currency}`, '');
      await emitWebhookEvent(context, trx, 'reward.awarded', withReport({ reward: event.reward }));
      break;
  }
}
