import type { AppContext } from '../../context.js';
import { recordAudit } from '../audit/audit.service.js';
import { systemActor } from '../auth/actor.js';
import { CASE_LIMITS } from './case.js';
import { appendLog } from './case-log.js';
import { replyTokenOf } from './case-notices.js';

/**
 * Replies to notices: the SMTP intake hands over mail addressed to `case+<reply token>@…` (the
 * Reply-To of every notice). The reply lands in the case's contact log as text — never rendered
 * as HTML; attachments are not kept (only counted) — once per Message-ID.
 */

const INTAKE = systemActor('mail-intake');

export interface CaseReply {
  token: string;
  sender: string | null;
  subject: string;
  text: string;
  /** Armoured OpenPGP blocks found in the reply (kept as they are: staff decrypt them). */
  encrypted: boolean;
  attachments: number;
  messageHash: string;
}

/** The reply token of the first recipient that is a case reply address (envelope first, then To/Cc). */
export function findCaseReplyToken(addresses: readonly string[]): string | null {
  for (const address of addresses) {
    const token = replyTokenOf(address);
    if (token) return token;
  }
  return null;
}

export class UnknownCaseAddress extends Error {}

export async function receiveCaseReply(context: AppContext, reply: CaseReply): Promise<{ id: string; duplicate: boolean }> {
  const participant = await context.db.selectFrom('case_participants').select(['id', 'case_id']).where('reply_token', '=', reply.token).executeTakeFirst();
  if (!participant) throw new UnknownCaseAddress('No case has this reply address');
  const seen = await context.db.selectFrom('case_log').select('id').where('case_id', '=', participant.case_id).where('message_hash', '=', reply.messageHash).executeTakeFirst();
  if (seen) return { id: seen.id, duplicate: true };
  const text = reply.text.replace(/\r\n?/g, '\n').replace(/[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');
  const body = text.length > CASE_LIMITS.replyText ? `${text.slice(0, CASE_LIMITS.replyText)}\n\n[cut: the reply was longer than ${CASE_LIMITS.replyText} characters]` : text;
  const subject = reply.subject.replace(/[\r\n\t]+/g, ' ').trim().slice(0, 200);
  return context.db.transaction().execute(async (trx) => {
    const id = await appendLog(context, trx, {
      caseId: participant.case_id,
      participantId: participant.id,
      kind: 'reply_received',
      channel: 'mail',
      direction: 'in',
      summary: `Reply by mail from ${reply.sender ?? 'an unknown sender'}${subject ? `: ${subject}` : ''}${reply.encrypted ? ' (encrypted)' : ''}`,
      body: body || '(The message had no text.)',
      data: { sender: reply.sender, encrypted: reply.encrypted, attachmentsDropped: reply.attachments },
      messageHash: reply.messageHash,
      actor: 'mail-intake',
    });
    await recordAudit(context, trx, INTAKE, { action: 'case.reply_received', objectType: 'case', objectId: participant.case_id, data: { participantId: participant.id, logId: id, encrypted: reply.encrypted } });
    return { id, duplicate: false };
  });
}
