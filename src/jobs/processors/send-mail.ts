import type { AppContext } from '../../context.js';
import { findOutboxMessage, markOutboxFailed, markOutboxSent } from '../../domain/mail/mail.repository.js';
import { createSmtpTransport, type MailTransport } from '../../domain/mail/transport.js';
import { iso } from '../../shared/time.js';
import type { JobHandler } from '../job-queue.js';

export interface SendMailPayload {
  outboxId: string;
}

/**
 * Job `mail.send`: delivers one outbox message over SMTP. A failure is recorded on the message
 * and rethrown so the queue retries with back-off. A message already sent is skipped, so a
 * re-run after a lost worker does not mail twice (unless the worker died between the SMTP
 * server accepting it and the row being marked; the stable Message-ID lets receivers drop that copy).
 */
export function sendMailJob(context: AppContext, transport?: MailTransport): JobHandler {
  let smtp = transport;
  return async (payload: SendMailPayload) => {
    const message = await findOutboxMessage(context.db, payload.outboxId);
    if (!message) throw new Error(`outbox message ${payload.outboxId} does not exist`);
    if (message.status === 'sent') return;
    if (!smtp) {
      if (!context.config.smtpUrl) throw new Error('SMTP_URL is not set: the message stays in the outbox');
      smtp = createSmtpTransport(context.config.smtpUrl);
    }
    try {
      await smtp.send({
        from: context.config.mailFrom,
        to: message.recipient,
        subject: message.subject,
        text: context.secrets.open(message.body),
        messageId: `<${message.id}@${new URL(context.config.publicUrl).hostname}>`,
      });
    } catch (error) {
      await markOutboxFailed(context.db, message.id, error instanceof Error ? error.message : String(error));
      throw error;
    }
    await markOutboxSent(context.db, message.id, iso(context.clock.now()));
  };
}
