import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { sendMail } from '../mail/mail.service.js';
import type { ReportRow } from '../reports/report.js';

/**
 * Replies by mail for reports that came in through the SMTP intake as plain mail. Their reporter
 * in cvdesk is the built-in, disabled mail-intake account (which receives nothing), so what the
 * reporter may read — public staff replies and state changes with their reason — is mailed to
 * the address the report came from (kept sealed in mail_intake_links). Internal notes never are:
 * report-events.ts calls this only for public staff replies and state changes.
 */
export async function relayToMailSender(context: AppContext, trx: Executor, report: Pick<ReportRow, 'id' | 'title'>, headline: string, text: string): Promise<void> {
  const link = await trx.selectFrom('mail_intake_links').select('sender').where('report_id', '=', report.id).executeTakeFirst();
  if (!link) return;
  const subject = `Re: ${report.title.replace(/[\r\n]+/g, ' ').slice(0, 150)}`;
  await sendMail(context, trx, { to: context.secrets.open(link.sender), subject, text: `${headline}.\n\n${text ? `${text.trim()}\n` : ''}` });
}
