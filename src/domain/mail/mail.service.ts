import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { invalid, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { findOutboxMessage, insertOutboxMessage, selectOutboxPage, type OutboxSummaryRow } from './mail.repository.js';
import type { MailStatus } from './mail.table.js';

/**
 * Outgoing mail goes through the outbox: the message is written in the caller's transaction,
 * sealed with the master key (it carries sign-in links), and delivered by the `mail.send` job
 * after commit. Without SMTP it is kept as `stored` for an admin to read, so nothing is lost.
 */

export const MAIL_SEND_JOB = 'mail.send';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface OutboxSummary {
  id: string;
  recipient: string;
  subject: string;
  status: MailStatus;
  error: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface OutboxMessage extends OutboxSummary {
  text: string;
}

export async function sendMail(context: AppContext, trx: Executor, message: MailMessage): Promise<OutboxSummary> {
  if (!/^[^\s@]+@[^\s@]+$/.test(message.to)) throw invalid('/to', 'is not an email address');
  if (/[\r\n]/.test(message.subject)) throw invalid('/subject', 'must be one line');
  const id = newId();
  const status: MailStatus = context.config.smtpUrl ? 'queued' : 'stored';
  const createdAt = iso(context.clock.now());
  await insertOutboxMessage(trx, {
    id,
    recipient: message.to,
    subject: message.subject,
    body: context.secrets.seal(message.text),
    status,
    error: null,
    created_at: createdAt,
    sent_at: null,
  });
  if (status === 'queued') await context.jobs.enqueue(trx, MAIL_SEND_JOB, { outboxId: id });
  return { id, recipient: message.to, subject: message.subject, status, error: null, createdAt, sentAt: null };
}

/** The admin outbox page: newest first, no bodies. `before`: the id of the last message already shown. */
export async function listOutbox(db: Executor, page: { limit?: number | undefined; before?: string | undefined } = {}): Promise<OutboxSummary[]> {
  const rows = await selectOutboxPage(db, { limit: Math.min(Math.max(page.limit ?? 50, 1), 500), before: page.before });
  return rows.map(toSummary);
}

/** One message with its text opened (the caller's policy decides who may read it). */
export async function readOutboxMessage(context: AppContext, db: Executor, id: string): Promise<OutboxMessage> {
  const row = await findOutboxMessage(db, id);
  if (!row) throw notFound('Message');
  return { ...toSummary(row), text: context.secrets.open(row.body) };
}

function toSummary(row: OutboxSummaryRow): OutboxSummary {
  return {
    id: row.id,
    recipient: row.recipient,
    subject: row.subject,
    status: row.status,
    error: row.error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}
