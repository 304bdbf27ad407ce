import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import type { Actor } from '../auth/actor.js';
import { notifyReporter } from './report-notifications.js';
import type { ReportRow } from './report.js';

/**
 * What happened to a report, announced once from the service that did it, inside its
 * transaction. Everything that reacts (mail, in-app notifications, webhooks) hangs off
 * `publishReportEvent`, so the services need not know who listens.
 */
export type ReportEvent =
  | { type: 'report.created'; report: ReportRow }
  | { type: 'report.state_changed'; report: ReportRow; from: string; to: string; reason: string | null }
  | { type: 'report.comment_added'; report: ReportRow; eventId: string; internal: boolean; body: string; byStaff: boolean }
  | { type: 'report.severity_changed'; report: ReportRow }
  | { type: 'report.assigned'; report: ReportRow; assigneeId: string | null };

export async function publishReportEvent(context: AppContext, trx: Executor, actor: Actor, event: ReportEvent): Promise<void> {
  void actor;
  switch (event.type) {
    case 'report.state_changed':
      await notifyReporter(context, trx, event.report, `Your report is now ${event.to.replace(/_/g, ' ')}`, event.reason ?? '');
      break;
    case 'report.comment_added':
      if (!event.internal && event.byStaff) await notifyReporter(context, trx, event.report, 'New reply on your report', event.body);
      break;
    default:
      break;
  }
}
