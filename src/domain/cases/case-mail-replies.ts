import type { AppContext } from '../../context.js';
import { AppError } from '../../shared/errors.js';
import { armouredMessages, outsideArmour } from '../../shared/openpgp-armour.js';
import { recordAudit } from '../audit/audit.service.js';
import { systemActor } from '../auth/actor.js';
import { CASE_LIMITS } from './case.js';
import { appendLog } from './case-log.js';
import { replyTokenOf } from './case-notices.js';

/**
 * Replies to notices: the SMTP intake hands over mail addressed to `case+<reply token>@…` (the
 * Reply-To of every notice). The reply lands in the case's contact log as text — never rendered
 * as HTML; attachments are not kept (only counted) — once per Message-ID. Encrypted parts
 * (inline or PGP/MIME) are kept armoured and whole: staff decrypt them in the case page.
 */

const INTAKE = systemActor('mail-intake');

export interface CaseReply {
  token: string;
  sender: string | null;
  subject: string;
  text: string;
  /** Encrypted parts that came beside the text (PGP/MIME, .asc attachments), armoured. */
  attachedArmour: string[];
  /** The reply holds encrypted parts (kept as they are: staff decrypt them). */
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

/** Dropped from everything a reply stores: PostgreSQL refuses NUL in text, and none belongs in text or armour. */
const CONTROL_CHARACTERS = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

function cut(text: string): string {
  return text.length > CASE_LIMITS.replyText ? `${text.slice(0, CASE_LIMITS.replyText)}\n\n[cut: the reply was longer than ${CASE_LIMITS.replyText} characters]` : text;
}

/**
 * The log entry's body: the text and then the attached encrypted parts. Only clear text is cut
 * to the limit; an armoured message is kept whole (a cut one cannot be decrypted), and a reply
 * with more armour than `replyArmour` is refused rather than stored broken.
 */
function replyBody(reply: CaseReply): string {
  const text = reply.text.replace(/\r\n?/g, '\n').replace(CONTROL_CHARACTERS, '');
  const attached = reply.attachedArmour.map((block) => block.replace(/\r\n?/g, '\n').replace(CONTROL_CHARACTERS, '').trim());
  const inline = armouredMessages(text);
  const armour = [...inline, ...attached].reduce((sum, block) => sum + block.length, 0);
  if (armour > CASE_LIMITS.replyArmour) throw new AppError('payload_too_large', `The encrypted parts of the reply are over ${CASE_LIMITS.replyArmour} characters`);
  const kept = text.length <= CASE_LIMITS.replyText || inline.length === 0 ? cut(text) : [cut(outsideArmour(text).trim()), ...inline].filter(Boolean).join('\n\n');
  return [kept.trim() ? kept : '', ...attached].filter(Boolean).join('\n\n');
}

export async function receiveCaseReply(context: AppContext, reply: CaseReply): Promise<{ id: string; duplicate: boolean }> {
  const participant = await context.db.selectFrom('case_participants').select(['id', 'case_id']).where('reply_token', '=', reply.token).executeTakeFirst();
  if (!participant) throw new UnknownCaseAddress('No case has this reply address');
  const seen = await context.db.selectFrom('case_log').select('id').where('case_id', '=', participant.case_id).where('message_hash', '=', reply.messageHash).executeTakeFirst();
  if (seen) return { id: seen.id, duplicate: true };
  const body = replyBody(reply);
  const subject = reply.subject.replace(/[\r\n\t]+/g, ' ').replace(CONTROL_CHARACTERS, '').trim().slice(0, 200);
  const sender = reply.sender?.replace(CONTROL_CHARACTERS, '') || null;
  return context.db.transaction().execute(async (trx) => {
    const id = await appendLog(context, trx, {
      caseId: participant.case_id,
      participantId: participant.id,
      kind: 'reply_received',
      channel: 'mail',
      direction: 'in',
      summary: `Reply by mail from ${sender ?? 'an unknown sender'}${subject ? `: ${subject}` : ''}${reply.encrypted ? ' (encrypted)' : ''}`,
      body: body || '(The message had no text.)',
      data: { sender, encrypted: reply.encrypted, encryptedParts: armouredMessages(body).length, attachmentsDropped: reply.attachments },
      messageHash: reply.messageHash,
      actor: 'mail-intake',
    });
    await recordAudit(context, trx, INTAKE, { action: 'case.reply_received', objectType: 'case', objectId: participant.case_id, data: { participantId: participant.id, logId: id, encrypted: reply.encrypted } });
    return { id, duplicate: false };
  });
}
