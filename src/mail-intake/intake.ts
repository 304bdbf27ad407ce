import { Readable } from 'node:stream';
import type { AppContext } from '../context.js';
import type { Executor } from '../db/dialect.js';
import { recordAudit } from '../domain/audit/audit.service.js';
import { systemActor, type UserActor } from '../domain/auth/actor.js';
import { cleanFilename, detectMediaType } from '../domain/attachments/attachment-types.js';
import { inspectEncryptedMessage, organisationRecipients } from '../domain/incidents/incident-openpgp.js';
import { readIncidentSettings } from '../domain/incidents/incident-settings.js';
import { raiseDueAlarms } from '../domain/incidents/incident-alarms.js';
import { senderPublicKey } from './sender-key.js';
import { prepareIncident, recordOpenMailIncident, storeIncident } from '../domain/incidents/incident.service.js';
import { withStoredCiphertexts } from '../domain/incidents/incident-store.js';
import { findCaseReplyToken, receiveCaseReply, UnknownCaseAddress } from '../domain/cases/case-mail-replies.js';
import { loadOpenPgp } from '../domain/keys/openpgp.js';
import { findProgramById } from '../domain/programs/program.repository.js';
import { REPORT_LIMITS } from '../domain/reports/report.js';
import { submitReport } from '../domain/reports/report.service.js';
import { processReportIntake } from '../domain/reports/report-intake.js';
import { createAccount } from '../domain/users/user.service.js';
import { findUserByEmail } from '../domain/users/user.repository.js';
import { userRoles } from '../domain/users/user.js';
import { sha256 } from '../security/random.js';
import { armouredMessages, outsideArmour } from '../shared/openpgp-armour.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { iso } from '../shared/time.js';

/**
 * What the SMTP intake does with one message (the listener is server.ts):
 * - OpenPGP mail — PGP/MIME (RFC 3156, multipart/encrypted) or inline PGP (armoured blocks in
 *   the body, or .asc/.pgp/.gpg attachments) — becomes a sealed incident. The encrypted part is
 *   stored as checked, armoured again without armour headers (as for the web form); a second
 *   encrypted part becomes a further message from the reporter on the same incident. Anything
 *   sent in the clear beside it (a greeting, a footer, an unencrypted attachment) is dropped,
 *   never stored: only how many such parts there were is recorded. The subject line is dropped too.
 * - Plain mail becomes an open report in the programme named by the incident setting
 *   `mailIntakeProgram`, its attachments kept through the attachment store; with no such
 *   programme it is refused (SMTP 550) with a pointer to the key and the web form. It is also
 *   recorded as an incident naming that report (no sealed message), so it raises the on-call
 *   alarm, repeated until acknowledged, like sealed mail.
 * Either way the sender's address is kept sealed, so replies go back by mail. A message whose
 * Message-ID was seen before is accepted again without a second copy (a retried delivery).
 */

export const MAIL_INTAKE_ACCOUNT = 'mail-intake@cvdesk.invalid';
const INTAKE = systemActor('mail-intake');

/** A refusal with its SMTP reply code: smtp-server sends `responseCode message`. */
export class SmtpRefusal extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface IncomingMail {
  raw: Buffer;
  /** MAIL FROM of the envelope (null sender: empty). */
  envelopeFrom: string | null;
  /** RCPT TO of the envelope: a `case+<token>@…` recipient routes a reply into its case. */
  recipients?: string[];
}

export type IntakeOutcome =
  | { kind: 'incident'; id: string; duplicate: boolean }
  | { kind: 'report'; id: string; duplicate: boolean }
  /** A reply to a case notice; `id` is its contact-log entry. */
  | { kind: 'case_reply'; id: string; duplicate: boolean };

interface ParsedParts {
  pgpMime: boolean;
  /** Armoured messages, in the order found. */
  encrypted: string[];
  /** Parts in the clear (text outside armour, unencrypted attachments). */
  plaintextParts: number;
  /** Of those, attachments. */
  attachmentsInClear: number;
}

/** A binary OpenPGP message starts with a packet header: PKESK (tag 1) or SKESK (tag 3), old or new format. */
function looksLikeBinaryOpenPgp(bytes: Buffer): boolean {
  const first = bytes[0];
  if (first === undefined || (first & 0x80) === 0) return false;
  const tag = first & 0x40 ? first & 0x3f : (first >> 2) & 0x0f;
  return tag === 1 || tag === 3;
}

async function armourBinary(bytes: Buffer): Promise<string> {
  const openpgp = await loadOpenPgp();
  return openpgp.armor(openpgp.enums.armor.message, new Uint8Array(bytes));
}

type Parsed = Awaited<ReturnType<(typeof import('mailparser'))['simpleParser']>>;

async function findEncryptedParts(mail: Parsed): Promise<ParsedParts> {
  const contentType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const pgpMime = contentType?.value?.toLowerCase() === 'multipart/encrypted' && contentType.params?.protocol?.toLowerCase() === 'application/pgp-encrypted';
  const encrypted: string[] = [];
  let plaintextParts = 0;
  let attachmentsInClear = 0;
  const text = mail.text ?? '';
  encrypted.push(...armouredMessages(text));
  const outside = outsideArmour(text).trim();
  if (outside) plaintextParts += 1;
  if (!text && mail.html) plaintextParts += 1;
  for (const attachment of mail.attachments) {
    const type = attachment.contentType.toLowerCase();
    // The PGP/MIME version part ("Version: 1") carries nothing.
    if (type === 'application/pgp-encrypted' && /^\s*Version:\s*1\s*$/i.test(attachment.content.toString('latin1'))) continue;
    const asText = attachment.content.toString('latin1');
    const blocks = armouredMessages(asText);
    if (blocks.length > 0) encrypted.push(...blocks);
    else if (looksLikeBinaryOpenPgp(attachment.content) && (/\.(pgp|gpg|asc)$/i.test(attachment.filename ?? '') || type === 'application/pgp-encrypted' || pgpMime)) {
      encrypted.push(await armourBinary(attachment.content));
    } else if (!(type === 'application/pgp-signature' || type === 'application/pgp-keys')) {
      plaintextParts += 1;
      attachmentsInClear += 1;
    }
  }
  return { pgpMime, encrypted, plaintextParts, attachmentsInClear };
}

function senderOf(mail: Parsed, envelopeFrom: string | null): string | null {
  const header = (mail.replyTo?.value[0]?.address ?? mail.from?.value[0]?.address ?? '').trim();
  const address = header || envelopeFrom || '';
  return /^[^\s@]+@[^\s@]+$/.test(address) ? address.toLowerCase() : null;
}

/** The built-in reporter of mailed-in open reports: no password, disabled, so it can never sign in or be mailed. */
async function intakeAccount(context: AppContext, trx: Executor): Promise<UserActor> {
  let row = await findUserByEmail(trx, MAIL_INTAKE_ACCOUNT);
  if (!row) {
    row = await createAccount(context, trx, INTAKE, { email: MAIL_INTAKE_ACCOUNT, name: 'Mail intake', roles: ['reporter'], verified: true });
    const now = iso(context.clock.now());
    await trx.updateTable('users').set({ disabled_at: now, updated_at: now }).where('id', '=', row.id).execute();
  }
  return { kind: 'user', userId: row.id, email: row.email, roles: userRoles(row), via: 'token', scopes: ['read', 'write'] };
}

async function alreadyReceived(context: AppContext, messageHash: string): Promise<IntakeOutcome | null> {
  const link = await context.db.selectFrom('mail_intake_links').select(['incident_id', 'report_id']).where('message_hash', '=', messageHash).executeTakeFirst();
  if (!link) return null;
  return link.incident_id ? { kind: 'incident', id: link.incident_id, duplicate: true } : { kind: 'report', id: link.report_id!, duplicate: true };
}

const refusalFor = (error: unknown): SmtpRefusal => {
  if (error instanceof SmtpRefusal) return error;
  if (error instanceof AppError) {
    // Too many, or a clash with a concurrent delivery: the sender's server tries again later.
    if (error.status === 429 || error.status === 409) return new SmtpRefusal(451, `4.7.1 ${error.message}`);
    if (error.status === 413) return new SmtpRefusal(552, `5.3.4 ${error.message}`);
    if (error.status >= 400 && error.status < 500) return new SmtpRefusal(550, `5.7.1 ${error.message}`);
  }
  return new SmtpRefusal(451, '4.3.0 Temporary failure; try again later');
};

export async function receiveMail(context: AppContext, incoming: IncomingMail): Promise<IntakeOutcome> {
  try {
    const { simpleParser } = await import('mailparser');
    const mail = await simpleParser(incoming.raw, { skipHtmlToText: false, skipTextLinks: true, skipImageLinks: true });
    const messageHash = sha256(mail.messageId ? `id:${mail.messageId}` : `raw:${sha256(incoming.raw.toString('latin1'))}`);
    const caseToken = findCaseReplyToken([...(incoming.recipients ?? []), ...headerRecipients(mail)]);
    if (caseToken) return await caseReply(context, mail, caseToken, senderOf(mail, incoming.envelopeFrom), messageHash);
    const seen = await alreadyReceived(context, messageHash);
    if (seen) return seen;
    const sender = senderOf(mail, incoming.envelopeFrom);
    const parts = await findEncryptedParts(mail);
    if (parts.encrypted.length > 0) return await sealedIncident(context, parts, sender, await senderPublicKey(mail, sender, context.clock.now()), messageHash);
    // Anything else — signed-only mail included — is plain mail.
    return await openReport(context, mail, sender, messageHash);
  } catch (error) {
    throw refusalFor(error);
  }
}

function headerRecipients(mail: Parsed): string[] {
  const lists = [mail.to, mail.cc].flatMap((field) => (field ? (Array.isArray(field) ? field : [field]) : []));
  return lists.flatMap((list) => list.value.map((a) => a.address ?? ''));
}

/** Replies to case notices go to the case's contact log (src/domain/cases/case-mail-replies.ts). */
async function caseReply(context: AppContext, mail: Parsed, token: string, sender: string | null, messageHash: string): Promise<IntakeOutcome> {
  const text = mail.text ?? '';
  try {
    // PGP/MIME (and .asc attachments) carry the encrypted part beside the text: kept armoured too.
    const parts = await findEncryptedParts(mail);
    const inText = new Set(armouredMessages(text));
    const stored = await receiveCaseReply(context, {
      token,
      sender,
      subject: mail.subject ?? '',
      text,
      attachedArmour: parts.encrypted.filter((block) => !inText.has(block)),
      encrypted: parts.encrypted.length > 0 || mail.attachments.some((a) => /^application\/pgp-encrypted$/i.test(a.contentType)),
      attachments: parts.attachmentsInClear,
      messageHash,
    });
    return { kind: 'case_reply', ...stored };
  } catch (error) {
    if (error instanceof UnknownCaseAddress) throw new SmtpRefusal(550, '5.1.1 No such case address');
    throw error;
  }
}

async function sealedIncident(context: AppContext, parts: ParsedParts, sender: string | null, senderKey: string | null, messageHash: string): Promise<IntakeOutcome> {
  const [first, ...more] = parts.encrypted;
  // Every encrypted part is checked before anything is stored.
  const prepared = await prepareIncident(
    context,
    context.db,
    INTAKE,
    { message: first!, acceptUnconditional: true, contact: sender ? { method: 'email', email: sender, ...(senderKey ? { publicKey: senderKey } : {}) } : { method: 'none' } },
    'mail',
  );
  const extra: { bytes: Uint8Array; size: number }[] = [];
  for (const armoured of more) {
    const inspected = await inspectEncryptedMessage(armoured, '/message', context.config.incidentMaxBytes);
    await organisationRecipients(context.db, inspected, '/message');
    // Stored as checked (armour headers and anything the decoder skipped are not kept).
    extra.push({ bytes: inspected.bytes, size: inspected.size });
  }
  const outcome = await withStoredCiphertexts(context, [prepared.ciphertext, ...extra.map((part) => part.bytes)], ([storageKey, ...extraKeys]) => context.db.transaction().execute(async (trx) => {
    const stored = await storeIncident(context, trx, INTAKE, { ...prepared, storageKey });
    const now = iso(context.clock.now());
    for (const [index, part] of extra.entries()) {
      await trx.insertInto('incident_messages').values({ id: newId(), incident_id: stored.row.id, author: 'reporter', author_id: null, storage_key: extraKeys[index]!, size: part.size, created_at: now }).execute();
    }
    await trx
      .insertInto('mail_intake_links')
      .values({ id: newId(), message_hash: messageHash, sender: context.secrets.seal(sender ?? ''), incident_id: stored.row.id, report_id: null, received_at: now })
      .execute();
    await recordAudit(context, trx, INTAKE, {
      action: 'incident.mail_received',
      objectType: 'incident',
      objectId: stored.row.id,
      data: { pgpMime: parts.pgpMime, encryptedParts: parts.encrypted.length, plaintextPartsDropped: parts.plaintextParts },
    });
    return { kind: 'incident' as const, id: stored.row.id, duplicate: false };
  }));
  await raiseDueAlarms(context);
  return outcome;
}

async function openReport(context: AppContext, mail: Parsed, sender: string | null, messageHash: string): Promise<IntakeOutcome> {
  const settings = await readIncidentSettings(context.db);
  const program = settings.mailIntakeProgramId ? await findProgramById(context.db, settings.mailIntakeProgramId) : undefined;
  if (!program) {
    throw new SmtpRefusal(
      550,
      `5.7.1 This mailbox accepts OpenPGP-encrypted mail only: encrypt to the key at ${context.config.publicUrl}/pgp-key.txt, or use ${context.config.publicUrl}/report`,
    );
  }
  if (!sender) throw new SmtpRefusal(550, '5.1.7 A plain report needs a sender address to answer');
  // Attachment bytes go into the store first (outside the transaction); rows are written with the report.
  const stored: { key: string; row: { id: string; filename: string; media_type: string; size: number; sha256: string } }[] = [];
  const notes: string[] = [];
  try {
    for (const attachment of mail.attachments) {
      if (attachment.related) continue;
      const filename = cleanFilename(attachment.filename);
      if (stored.length >= context.config.attachmentMaxCount) {
        notes.push(`${filename} (not kept: at most ${context.config.attachmentMaxCount} attachments)`);
        continue;
      }
      if (attachment.content.length > context.config.attachmentMaxBytes) {
        notes.push(`${filename} (not kept: larger than ${context.config.attachmentMaxBytes} bytes)`);
        continue;
      }
      const object = await context.attachments.put(Readable.from([attachment.content]), context.config.attachmentMaxBytes);
      const mediaType = object.size > 0 ? await detectMediaType(object.head) : undefined;
      if (!mediaType) {
        await context.attachments.remove(object.key);
        notes.push(`${filename} (not kept: this kind of file is not accepted)`);
        continue;
      }
      stored.push({ key: object.key, row: { id: newId(), filename, media_type: mediaType, size: object.size, sha256: object.sha256 } });
    }
    const body = (mail.text ?? '').replace(/\r\n/g, '\n').trim();
    const header = `Sent by mail from ${sender}${mail.date ? ` on ${mail.date.toISOString()}` : ''}.`;
    const footer = notes.length ? `\n\nAttachments not kept: ${notes.join('; ')}.` : '';
    const room = REPORT_LIMITS.text - header.length - footer.length - 100;
    const description = `${header}\n\n${body.length > room ? `${body.slice(0, room)}\n\n[The rest of the message was cut: it was longer than ${REPORT_LIMITS.text} characters.]` : body || '(The message had no text.)'}${footer}`;
    const title = (mail.subject ?? '').replace(/[\r\n\t]+/g, ' ').trim().slice(0, REPORT_LIMITS.title) || '(no subject)';
    const outcome = await context.db.transaction().execute(async (trx) => {
      const account = await intakeAccount(context, trx);
      const now = iso(context.clock.now());
      for (const { key, row } of stored) {
        await trx.insertInto('attachments').values({ ...row, owner_id: account.userId, report_id: null, storage_key: key, created_at: now, expires_at: null }).execute();
      }
      const report = await submitReport(context, trx, account, { program: program.id, title, description, attachments: stored.map((s) => s.row.id) });
      await trx.insertInto('mail_intake_links').values({ id: newId(), message_hash: messageHash, sender: context.secrets.seal(sender), incident_id: null, report_id: report.id, received_at: now }).execute();
      // The on-call rota is alarmed for it as for sealed mail, until someone acknowledges it.
      await recordOpenMailIncident(context, trx, INTAKE, report);
      return { kind: 'report' as const, id: report.id, duplicate: false };
    });
    await raiseDueAlarms(context);
    await processReportIntake(context);
    return outcome;
  } catch (error) {
    for (const { key } of stored) await context.attachments.remove(key);
    throw error;
  }
}
