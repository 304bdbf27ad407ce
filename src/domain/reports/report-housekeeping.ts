import type { AppContext } from '../../context.js';
import { systemActor } from '../auth/actor.js';
import { sendMail } from '../mail/mail.service.js';
import { notifyStaffOfEach } from '../notifications/notification.service.js';
import { purgeExpiredUploads } from '../attachments/attachment.service.js';
import { DEFAULT_STALE_CLOSE_DAYS } from '../programs/program.js';
import { findUserById } from '../users/user.repository.js';
import { publishDueDisclosures } from './report-disclosure.js';
import { noticeNewBreaches } from './report-sla.js';
import { transitionReport } from './report.service.js';
import { retryReportIntake } from './report-intake.js';
import { addDays, iso } from '../../shared/time.js';

/** Days before a stale report closes that its reporter is warned. */
const WARN_DAYS_BEFORE = 3;
export const REPORTS_HOURLY_JOB = 'reports.hourly';

/**
 * The inbox's clockwork, run hourly as a job: SLA breaches noticed and mailed to leads, stale
 * needs-more-info reports warned then closed, open-mode disclosures published when due, expired
 * uploads removed, and reports whose indexing or announcement failed tried again. Each step is its
 * own transaction: one failing does not undo the rest.
 */
export async function runReportsHourly(context: AppContext): Promise<{ breaches: number; warned: number; closed: number; disclosed: number; purged: number }> {
  const breaches = await context.db.transaction().execute(async (trx) => {
    const found = await noticeNewBreaches(context, trx);
    if (found.length === 0) return 0;
    // In the app, each breach for triage staff (their preferences decide mail); by mail, one digest for the leads.
    await notifyStaffOfEach(context, trx, 'sla_breach', found.map((breach) => ({ report: breach.report, text: `The ${breach.metric.replace('_', ' ')} target (due ${breach.dueAt}) was missed.` })));
    const leads = (await trx.selectFrom('users').select(['email', 'roles', 'disabled_at']).where('roles', 'like', '%"lead"%').execute()).filter((u) => !u.disabled_at);
    const lines = found.map((b) => `- ${b.metric.replace('_', ' ')} target missed (due ${b.dueAt}): ${b.report.title.slice(0, 100)}\n  ${context.config.publicUrl}/reports/${b.report.id}`);
    for (const lead of leads) {
      await sendMail(context, trx, { to: lead.email, subject: `[cvdesk] ${found.length} response target${found.length === 1 ? '' : 's'} missed`, text: `These reports are past their response targets:\n\n${lines.join('\n')}\n` });
    }
    return found.length;
  });

  const now = context.clock.now();
  const stale = await context.db
    .selectFrom('reports')
    .innerJoin('programs', 'programs.id', 'reports.program_id')
    .select(['reports.id', 'reports.title', 'reports.reporter_id', 'reports.needs_info_since', 'reports.needs_info_warned_at', 'programs.stale_close_days'])
    .where('reports.state', '=', 'needs_more_info')
    .where('reports.needs_info_since', '<', iso(addDays(now, -1)))
    .limit(500)
    .execute();
  let warned = 0;
  let closed = 0;
  for (const report of stale) {
    const days = report.stale_close_days ?? DEFAULT_STALE_CLOSE_DAYS;
    if (days === 0 || !report.needs_info_since) continue;
    const closesAt = addDays(new Date(report.needs_info_since), days);
    if (now >= closesAt) {
      await context.db.transaction().execute((trx) =>
        transitionReport(context, trx, systemActor('stale report policy'), report.id, { to: 'informative', reason: `Closed: no answer to our question within ${days} days. Reply to reopen it.` }),
      );
      closed += 1;
    } else if (!report.needs_info_warned_at && now >= addDays(closesAt, -Math.min(WARN_DAYS_BEFORE, days))) {
      await context.db.transaction().execute(async (trx) => {
        const reporter = await findUserById(trx, report.reporter_id);
        if (reporter) {
          await sendMail(context, trx, {
            to: reporter.email,
            subject: `[cvdesk] Your report will close on ${iso(closesAt).slice(0, 10)} without an answer`,
            text: `We asked for more information on "${report.title.slice(0, 120)}". Unless you answer by ${iso(closesAt)}, it will be closed.\n\n${context.config.publicUrl}/reports/${report.id}\n`,
          });
        }
        await trx.updateTable('reports').set({ needs_info_warned_at: iso(now) }).where('id', '=', report.id).execute();
      });
      warned += 1;
    }
  }

  const disclosed = await context.db.transaction().execute((trx) => publishDueDisclosures(context, trx));
  const purged = await purgeExpiredUploads(context);
  await retryReportIntake(context);
  return { breaches, warned, closed, disclosed, purged };
}
