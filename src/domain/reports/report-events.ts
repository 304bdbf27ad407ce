import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { actorId, type Actor } from '../auth/actor.js';
import { emitWebhookEvent, reportWebhookData } from '../webhooks/webhook.service.js';
import { notifyAssignee, notifyParticipants, notifyStaff } from './report-notifications.js';
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
 * - the reporter and the report's collaborators: state changes, public replies by anyone else,
 *   severity changes, rewards (collaborators hear of their own part: rewards/reward-events.ts),
 *   and staff's disclosure requests;
 * - triagers and leads: new reports, replies from the reporter's side, incomplete retests and the
 *   reporter's disclosure requests (`notifyStaff`; SLA breaches call it directly);
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
  /** The reporter found the fix incomplete (the report has reopened: a state change is announced too). */
  | { type: 'report.retest_incomplete'; report: ReportRow; note: string }
  /** One side asked to disclose (or agreed); the other side hears of it. No webhook. */
  | { type: 'report.disclosure_requested'; report: ReportRow; by: 'reporter' | 'staff'; dueAt: string | null }
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
      await notifyParticipants(context, trx, actor, 'state_changed', report, `Your report is now ${readable(event.to)}`, event.reason ?? '');
      // Reports that came in as plain mail (SMTP intake): the sender hears it by mail.
      await relayToMailSender(context, trx, report, `Your report is now ${readable(event.to)}`, event.reason ?? '');
      await emitWebhookEvent(context, trx, 'report.state_changed', withReport({ from: event.from, to: event.to, reason: event.reason }));
      break;
    case 'report.comment_added':
      // An internal note goes nowhere: not to the reporter, not by mail, not to webhooks.
      if (event.internal) break;
      // A collaborator's reply reaches the submitter and the other collaborators too.
      await notifyParticipants(context, trx, actor, 'reply', report, 'New reply on your report', event.body);
      if (event.byStaff) await relayToMailSender(context, trx, report, 'The security team replied to your report', event.body);
      else await notifyStaff(context, trx, 'reporter_reply', report, event.body, { except: actorId(actor) });
      await emitWebhookEvent(context, trx, 'report.comment_added', withReport({ comment: { id: event.eventId, body: event.body, byStaff: event.byStaff, authorId: actorId(actor) } }));
      break;
    case 'report.severity_changed':
      await notifyParticipants(context, trx, actor, 'severity_changed', report, `Severity of your report is now ${report.severity}${report.score !== null ? ` (${report.score})` : ''}`, '');
      await emitWebhookEvent(context, trx, 'report.severity_changed', withReport());
      break;
    case 'report.assigned':
      if (event.assigneeId) await notifyAssignee(context, trx, actor, report, event.assigneeId);
      await emitWebhookEvent(context, trx, 'report.assigned', withReport({ assigneeId: event.assigneeId }));
      break;
    case 'report.retest_requested':
      // Only the submitter answers a retest, so only they are asked.
      await notifyParticipants(context, trx, actor, 'state_changed', report, 'Please retest the fix for your report', event.note ?? '', { collaborators: false });
      break;
    case 'report.retest_incomplete':
      await notifyStaff(context, trx, 'retest_incomplete', report, event.note, { except: actorId(actor) });
      break;
    case 'report.disclosure_requested': {
      const when = event.dueAt ? ` Under the programme's policy it is published on ${event.dueAt.slice(0, 10)} unless settled otherwise.` : '';
      if (event.by === 'staff') {
        await notifyParticipants(context, trx, actor, 'disclosure_requested', report, 'The security team asked to disclose your report', `You can agree on the report's page.${when}`);
      } else {
        await notifyStaff(context, trx, 'disclosure_requested', report, `Agree if you have not, and write the public summary, on the report's page.${when}`, { except: actorId(actor) });
      }
      break;
    }
    case 'reward.awarded':
      // The submitter's own entry: collaborators hear of theirs from rewards/reward-events.ts.
      await notifyParticipants(context, trx, actor, 'reward_awarded', report, `You were awarded ${event.reward.amountDecimal} ${event.reward.currency}`, '', { collaborators: false });
      await emitWebhookEvent(context, trx, 'reward.awarded', withReport({ reward: event.reward }));
      break;
  }
}
