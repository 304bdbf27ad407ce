import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { sendMail } from '../mail/mail.service.js';
import { findUserById } from '../users/user.repository.js';
import type { ReportRow } from './report.js';

/**
 * Tells the reporter that something they can see changed. The mail carries only public content
 * (never internal notes) and a link; the report itself is read in cvdesk.
 */
export async function notifyReporter(context: AppContext, trx: Executor, report: ReportRow, headline: string, publicText: string): Promise<void> {
  const reporter = await findUserById(trx, report.reporter_id);
  if (!reporter || reporter.disabled_at !== null) return;
  const excerpt = publicText.length > 2000 ? `${publicText.slice(0, 2000)}…` : publicText;
  await sendMail(context, trx, {
    to: reporter.email,
    subject: `[cvdesk] ${headline}: ${report.title.slice(0, 120)}`,
    text: `${headline}.\n\n${excerpt ? `${excerpt}\n\n` : ''}Read the report: ${context.config.publicUrl}/reports/${report.id}\n`,
  });
}
