import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, invalid } from '../../shared/errors.js';
import { isId, newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import { scoreVector } from '../cvss/cvss.js';
import { cweById } from '../cwe/cwe-catalogue.js';
import { currentNoticeSigner, NOTICE_MICALG, NOTICE_SIGNING_KEY_PATH, noticeSignatureConfig, signDetached, type NoticeSigner } from '../keys/notice-signing.service.js';
import { loadOpenPgp } from '../keys/openpgp.js';
import { buildMessage, encryptedBody, signedBody, textEntity, type MultipartBody } from '../mail/pgp-mime.js';
import { lazySmtpTransporter } from '../mail/transport.js';
import { readSettings } from '../settings/settings.service.js';
import { findVendorById } from '../vendors/vendor.repository.js';
import { bodyText, caseRef, CASE_LIMITS, isOpen, parseJsonArray, presentEmbargo, type CaseRow, type NoticeKind, type ParticipantRow, type VulnerabilityRow } from './case.js';
import { appendLog } from './case-log.js';
import { findPolicy } from './case-policies.js';
import { assertCanReadCases, assertCanWriteCases } from './case.policy.js';
import { caseForUpdate, caseOrThrow, participantOrThrow, sharedVulnerabilities } from './case.repository.js';
import { issuePortalToken } from './case-portal.js';
import { addParticipant, changeState, mailContactFor } from './case.service.js';

/**
 * Notices: mail to a participant's chosen mail contact, with a per-participant reply address
 * (`case+<reply token>@<mail domain>`, routed back into the case by the SMTP intake) and a fresh
 * portal link, as RFC 3156 PGP/MIME:
 * - the vendor has a key: the whole text entity is signed (with the notice-signing key, when one
 *   exists) and encrypted to it, sent as multipart/encrypted under a neutral Subject (headers are
 *   not encrypted; the real subject travels inside, as a protected header). Encrypted when
 *   queued: `body` holds the armoured message.
 * - no vendor key: the text, sent as multipart/signed (detached signature over the canonical text
 *   part) when a notice-signing key exists, else as plain text. `body` holds the text; it is
 *   signed when sent.
 * The notice is written with its log entry and audit event in the caller's transaction and sent
 * by the `cases.notice_send` job (an outbox of its own: notices need their own MIME layout and a
 * Reply-To); without SMTP it is kept as `stored`.
 */
export const CASE_NOTICE_JOB = 'cases.notice_send';

/** The address of MAIL_FROM (`Name <address>` or `address`): the envelope sender of notices. */
const mailFromAddress = (context: AppContext) => (/<([^>]+)>/.exec(context.config.mailFrom)?.[1] ?? context.config.mailFrom).trim();

/** The domain of MAIL_FROM: replies must reach the mailbox the SMTP intake listens for. */
export function mailDomain(context: AppContext): string {
  const address = mailFromAddress(context);
  return (address.split('@')[1] ?? new URL(context.config.publicUrl).hostname).trim().toLowerCase();
}

export const replyAddress = (context: AppContext, participant: Pick<ParticipantRow, 'reply_token'>) => `case+${participant.reply_token}@${mailDomain(context)}`;

/** `case+<token>@…` → the token; null for any other address. */
export function replyTokenOf(address: string): string | null {
  const match = /^case\+([a-z0-9]{8,64})@/i.exec(address.trim());
  return match ? match[1]!.toLowerCase() : null;
}

function describeVulnerability(v: VulnerabilityRow, index: number): string {
  const lines = [`${index + 1}. ${v.title}`, `   Product: ${v.product}`];
  const versions = parseJsonArray(v.versions);
  if (versions.length) lines.push(`   Affected versions: ${versions.join(', ')}`);
  if (v.cwe !== null) lines.push(`   Weakness: CWE-${v.cwe}${cweById(Number(v.cwe)) ? ` ${cweById(Number(v.cwe))!.name}` : ''}`);
  for (const vector of parseJsonArray(v.cvss_vectors)) {
    try {
      const scored = scoreVector(vector);
      lines.push(`   CVSS ${scored.version}: ${scored.score} (${scored.severity}) ${vector}`);
    } catch {
      lines.push(`   CVSS: ${vector}`);
    }
  }
  if (v.summary) lines.push('', ...v.summary.split('\n').map((l) => `   ${l}`));
  return lines.join('\n');
}

interface NoticeParts {
  organisation: string;
  vendorName: string;
  caseRow: CaseRow;
  vulnerabilities: VulnerabilityRow[];
  kind: NoticeKind;
  noticeNumber: number;
  firstNoticeAt: string | null;
  portal: { url: string; expiresAt: string };
  reply: string;
  message: string | null;
  escalation?: { vendorName: string; timeline: string[] } | undefined;
  /** Where the notice-signing keys are published, when notices are signed. */
  signingKeyUrl?: string | undefined;
}

/** The Subject of an encrypted notice: headers travel in the clear, so it says no more than the case reference. */
export const neutralSubject = (caseId: string) => `Security notice [case ${caseRef(caseId)}]`;

/** The plain text of a notice (before encryption). */
export function composeNotice(parts: NoticeParts): { subject: string; text: string } {
  const { caseRow } = parts;
  const policy = findPolicy(caseRow.policy);
  const embargo = presentEmbargo(caseRow.embargo_end_at, caseRow.embargo_zone);
  const lines: string[] = [`Hello ${parts.vendorName},`, ''];
  if (parts.kind === 'initial') {
    lines.push(`${parts.organisation} has found ${parts.vulnerabilities.length === 1 ? 'a security vulnerability' : `${parts.vulnerabilities.length} security vulnerabilities`} that we believe affect your product, and reports ${parts.vulnerabilities.length === 1 ? 'it' : 'them'} to you privately under coordinated vulnerability disclosure.`);
  } else if (parts.kind === 'follow_up') {
    lines.push(`This is reminder ${parts.noticeNumber - 1} about the security report we sent you${parts.firstNoticeAt ? ` on ${parts.firstNoticeAt.slice(0, 10)}` : ''}. We have not had an acknowledgement yet.`);
  } else if (parts.kind === 'escalation') {
    lines.push(
      `${parts.organisation} asks for your help coordinating a vulnerability report: ${parts.escalation?.vendorName ?? 'the vendor'} has not acknowledged it.`,
      '',
      'Contact attempts so far:',
      ...(parts.escalation?.timeline.length ? parts.escalation.timeline.map((t) => `- ${t}`) : ['- (none recorded)']),
    );
  } else {
    lines.push(`An update on case ${caseRef(caseRow.id)}.`);
  }
  if (parts.message) lines.push('', parts.message);
  lines.push('', `Case ${caseRef(caseRow.id)}: ${caseRow.title}`);
  if (caseRow.summary) lines.push('', caseRow.summary);
  if (parts.vulnerabilities.length) lines.push('', 'Vulnerabilities:', '', parts.vulnerabilities.map(describeVulnerability).join('\n\n'));
  if (policy) lines.push('', `Disclosure policy: ${policy.name}. ${policy.description}`);
  if (embargo) lines.push(`Embargo: until ${embargo.local.replace('T', ' ')} ${embargo.zone} (${embargo.endsAt.replace('.000Z', 'Z')}).`);
  lines.push(
    '',
    'Please acknowledge this report and tell us, for each vulnerability, whether you are affected and when a fix is planned:',
    `- on the case page (no account needed; valid until ${parts.portal.expiresAt.slice(0, 10)}): ${parts.portal.url}`,
    `- or by replying to this message; replies go to ${parts.reply}.`,
    '',
    'Please keep this report confidential until it is published.',
    '',
    `${parts.organisation} security team`,
    '',
  );
  if (parts.signingKeyUrl) lines.push(`Our notices are signed with OpenPGP; the signing key is published at ${parts.signingKeyUrl}`, '');
  const subject = parts.kind === 'escalation' ? `Coordination request: unacknowledged vulnerability report [case ${caseRef(caseRow.id)}]` : `Security vulnerability report [case ${caseRef(caseRow.id)}]`;
  return { subject, text: lines.join('\n') };
}

/** The vendor's newest unexpired key, armoured, or null when it has none. */
async function vendorKey(db: Executor, vendorId: string, now: Date) {
  const keys = await db.selectFrom('vendor_keys').selectAll().where('vendor_id', '=', vendorId).orderBy('created_at', 'desc').execute();
  return keys.find((k) => !k.expires_at || new Date(k.expires_at) > now) ?? null;
}

/**
 * Encrypts a MIME entity to the vendor key, signed inside when there is a signer (RFC 3156 section
 * 6.2, the combined method); a key that cannot encrypt is an error (never a silent fall-back to
 * clear text).
 */
async function encryptTo(armoredKey: string, fingerprint: string, entity: Buffer, signer: NoticeSigner | null): Promise<string> {
  const openpgp = await loadOpenPgp();
  try {
    const key = await openpgp.readKey({ armoredKey });
    const message = await openpgp.createMessage({ binary: entity });
    return (await openpgp.encrypt({ message, encryptionKeys: key, ...(signer ? { signingKeys: signer.key, config: await noticeSignatureConfig() } : {}), format: 'armored' })) as string;
  } catch (error) {
    throw new AppError('conflict', `The vendor key ${fingerprint} cannot encrypt (${(error as Error).message}): fix or remove it in the vendor directory before sending`);
  }
}

export interface NoticeOptions {
  kind?: NoticeKind | undefined;
  /** A message from staff, put at the top of the notice. */
  message?: string | undefined;
  escalation?: NoticeParts['escalation'];
}

/** Writes a notice for a participant (in the caller's transaction, on a locked case row) and enqueues its sending. */
export async function queueNotice(context: AppContext, trx: Executor, actor: Actor, caseRow: CaseRow, participant: ParticipantRow, options: NoticeOptions = {}): Promise<{ id: string; status: string; encrypted: boolean }> {
  if (!isOpen(caseRow.state)) throw new AppError('invalid_transition', `Notices go out on open cases; this one is ${caseRow.state}`);
  const vendor = await findVendorById(trx, participant.vendor_id);
  if (!vendor) throw new AppError('conflict', 'The participant’s vendor no longer exists');
  const contact = await mailContactFor(trx, vendor.id, participant.contact_id);
  if (!contact) throw new AppError('conflict', `${vendor.name} has no mail contact in the directory: add one (or choose one for this participant) first`);
  const vulnerabilities = await sharedVulnerabilities(trx, participant.id);
  if (vulnerabilities.length === 0 && options.kind !== 'update') throw new AppError('conflict', `Nothing is shared with ${vendor.name} yet: share at least one vulnerability first`);
  const kind: NoticeKind = options.kind ?? (participant.notice_count === 0 ? 'initial' : participant.acknowledged_at ? 'update' : 'follow_up');
  const message = options.message ? bodyText(options.message, '/message', CASE_LIMITS.message) : null;
  const now = context.clock.now();
  const portal = await issuePortalToken(context, trx, actor, participant);
  const settings = await readSettings(context, trx);
  const reply = replyAddress(context, participant);
  const signer = await currentNoticeSigner(context, trx);
  const { subject, text } = composeNotice({
    organisation: settings.organisationName,
    vendorName: vendor.name,
    caseRow,
    vulnerabilities,
    kind,
    noticeNumber: participant.notice_count + 1,
    firstNoticeAt: participant.first_notice_at,
    portal,
    reply,
    message,
    escalation: options.escalation,
    signingKeyUrl: signer ? `${context.config.publicUrl}${NOTICE_SIGNING_KEY_PATH}` : undefined,
  });
  const key = await vendorKey(trx, vendor.id, now);
  const body = key ? await encryptTo(key.armored, key.fingerprint, textEntity(text, subject), signer) : text;
  const mailedSubject = key ? neutralSubject(caseRow.id) : subject;
  const id = newId();
  const status = context.config.smtpUrl ? 'queued' : 'stored';
  const at = iso(now);
  await trx
    .insertInto('case_notices')
    .values({ id, case_id: caseRow.id, participant_id: participant.id, kind, recipient: contact.value, reply_to: reply, subject: mailedSubject, body: context.secrets.seal(body), encrypted_to: key?.fingerprint ?? null, status, error: null, created_at: at, sent_at: null })
    .execute();
  if (status === 'queued') await context.jobs.enqueue(trx, CASE_NOTICE_JOB, { noticeId: id });
  await trx
    .updateTable('case_participants')
    .set((eb) => ({ first_notice_at: participant.first_notice_at ?? at, last_notice_at: at, notice_count: eb('notice_count', '+', 1) }))
    .where('id', '=', participant.id)
    .execute();
  participant.first_notice_at ??= at;
  participant.last_notice_at = at;
  participant.notice_count += 1;
  await appendLog(context, trx, {
    caseId: caseRow.id,
    participantId: participant.id,
    kind: 'notice_queued',
    channel: 'mail',
    direction: 'out',
    summary: `${kind.replace('_', '-')} notice to ${contact.value}${key ? ` (encrypted to ${key.fingerprint.slice(-16)}${signer ? `, signed with ${signer.fingerprint.slice(-16)}` : ''})` : ' (not encrypted: no vendor key)'}`,
    body: message,
    actor: actorLabel(actor),
    data: { noticeId: id, kind, recipient: contact.value, encryptedTo: key?.fingerprint ?? null, signedWith: key ? (signer?.fingerprint ?? null) : null, status },
  });
  await recordAudit(context, trx, actor, { action: 'case.notice_queued', objectType: 'case', objectId: caseRow.id, data: { noticeId: id, participantId: participant.id, kind, encrypted: Boolean(key), signedWith: key ? (signer?.fingerprint ?? null) : null } });
  if (caseRow.state === 'draft') await changeState(context, trx, actor, caseRow, 'notifying', 'First notice sent');
  return { id, status, encrypted: Boolean(key) };
}

export async function sendNotice(context: AppContext, trx: Executor, actor: Actor, caseId: string, participantId: string, options: { kind?: NoticeKind | undefined; message?: string | undefined } = {}) {
  assertCanWriteCases(actor);
  if (options.kind === 'escalation') throw invalid('/kind', 'escalation notices are sent by escalating the case');
  const row = await caseForUpdate(trx, context.engine, caseId);
  const participant = await participantOrThrow(trx, row.id, participantId);
  return queueNotice(context, trx, actor, row, participant, options);
}

/** Staff write to a participant: the message is in the participant's portal and goes out as an update notice. */
export async function messageParticipant(context: AppContext, trx: Executor, actor: Actor, caseId: string, participantId: string, text: string, options: { mail: boolean }) {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  const participant = await participantOrThrow(trx, row.id, participantId);
  const body = bodyText(text, '/text', CASE_LIMITS.message);
  const id = await appendLog(context, trx, { caseId: row.id, participantId: participant.id, kind: 'message', channel: 'portal', direction: 'out', summary: body.split('\n')[0]!.slice(0, 200), body, actor: actorLabel(actor) });
  await recordAudit(context, trx, actor, { action: 'case.message_sent', objectType: 'case', objectId: row.id, data: { participantId: participant.id, logId: id, mail: options.mail } });
  if (options.mail) await queueNotice(context, trx, actor, row, participant, { kind: 'update', message: body });
  return id;
}

export async function listNotices(db: Executor, actor: Actor, caseId: string) {
  assertCanReadCases(actor);
  const row = await caseOrThrow(db, caseId);
  const rows = await db.selectFrom('case_notices').select(['id', 'participant_id', 'kind', 'recipient', 'reply_to', 'subject', 'encrypted_to', 'status', 'error', 'created_at', 'sent_at']).where('case_id', '=', row.id).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, participantId: r.participant_id, kind: r.kind, recipient: r.recipient, replyTo: r.reply_to, subject: r.subject, encryptedTo: r.encrypted_to, status: r.status, error: r.error, createdAt: r.created_at, sentAt: r.sent_at }));
}

// ---------------------------------------------------------------------------------------------
// The sending job
// ---------------------------------------------------------------------------------------------

/** A finished message (built by pgp-mime.ts) and its SMTP envelope. */
export interface NoticeTransport {
  send(message: { envelope: { from: string; to: string }; raw: Buffer }): Promise<void>;
}

export function smtpNoticeTransport(smtpUrl: string): NoticeTransport {
  const transporter = lazySmtpTransporter(smtpUrl);
  return {
    async send(message) {
      await (await transporter()).sendMail({ envelope: message.envelope, raw: message.raw });
    },
  };
}

/** The MIME body of a stored notice: see the comment at the top. Signing the clear text happens here, when it is sent. */
async function noticeBody(context: AppContext, notice: { body: string; encrypted_to: string | null }): Promise<{ body: MultipartBody | { text: string }; signedWith: string | null }> {
  const stored = context.secrets.open(notice.body);
  if (notice.encrypted_to) return { body: encryptedBody(stored), signedWith: null };
  const signer = await currentNoticeSigner(context, context.db);
  if (!signer) return { body: { text: stored }, signedWith: null };
  const entity = textEntity(stored);
  return { body: signedBody(entity, await signDetached(signer, entity), NOTICE_MICALG), signedWith: signer.fingerprint };
}

/**
 * Job `cases.notice_send`: delivers one notice. A notice already sent is skipped (re-runs after a
 * lost worker do not mail twice); a failure is recorded on the notice and in the contact log and
 * rethrown so the queue retries with back-off.
 */
export function caseNoticeJob(context: AppContext, transport?: NoticeTransport) {
  let smtp = transport;
  return async (payload: { noticeId: string }) => {
    if (!isId(payload.noticeId)) throw new Error('cases.notice_send: noticeId is not an id');
    const notice = await context.db.selectFrom('case_notices').selectAll().where('id', '=', payload.noticeId).executeTakeFirst();
    if (!notice) throw new Error(`case notice ${payload.noticeId} does not exist`);
    if (notice.status === 'sent') return;
    if (!smtp) {
      if (!context.config.smtpUrl) throw new Error('SMTP_URL is not set: the notice stays stored');
      smtp = smtpNoticeTransport(context.config.smtpUrl);
    }
    const host = new URL(context.config.publicUrl).hostname;
    let signedWith: string | null = null;
    try {
      // Built (and signed) on each attempt, inside the try, so a failure here is recorded like a refused delivery.
      const built = await noticeBody(context, notice);
      signedWith = built.signedWith;
      const raw = await buildMessage(
        { from: context.config.mailFrom, to: notice.recipient, replyTo: notice.reply_to, subject: notice.subject, messageId: `<case-notice-${notice.id}@${host}>`, date: context.clock.now(), extra: { 'X-Cvdesk-Case': caseRef(notice.case_id) } },
        built.body,
      );
      await smtp.send({ envelope: { from: mailFromAddress(context), to: notice.recipient }, raw });
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
      await context.db.transaction().execute(async (trx) => {
        await trx.updateTable('case_notices').set({ status: 'failed', error: reason }).where('id', '=', notice.id).execute();
        await appendLog(context, trx, { caseId: notice.case_id, participantId: notice.participant_id, kind: 'notice_failed', channel: 'mail', direction: 'out', summary: `Sending to ${notice.recipient} failed: ${reason}`, actor: 'cvdesk', data: { noticeId: notice.id } });
      });
      throw error;
    }
    await context.db.transaction().execute(async (trx) => {
      const sentAt = iso(context.clock.now());
      await trx.updateTable('case_notices').set({ status: 'sent', error: null, sent_at: sentAt }).where('id', '=', notice.id).execute();
      await appendLog(context, trx, { caseId: notice.case_id, participantId: notice.participant_id, kind: 'notice_sent', channel: 'mail', direction: 'out', summary: `${notice.kind.replace('_', '-')} notice delivered to ${notice.recipient}'s mail server${signedWith ? ` (signed with ${signedWith.slice(-16)})` : ''}`, actor: 'cvdesk', data: { noticeId: notice.id, signedWith } });
    });
  };
}

/**
 * Escalation: the case is packaged for a coordinator from the directory. The coordinator joins
 * as a participant (everything shared), the silent vendor's unanswered statuses become
 * `no_response`, and the coordinator gets a notice with the case, the timeline of contact
 * attempts and the vendor's silence.
 */
export async function escalateCase(context: AppContext, trx: Executor, actor: Actor, caseId: string, input: { coordinatorId: string; participantId: string; message?: string | undefined }) {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  if (!isOpen(row.state)) throw new AppError('invalid_transition', `Only an open case can be escalated; this one is ${row.state}`);
  const silent = await participantOrThrow(trx, row.id, input.participantId);
  if (silent.role !== 'vendor') throw invalid('/participantId', 'escalation is about a vendor participant');
  const silentVendor = await findVendorById(trx, silent.vendor_id);
  const coordinatorVendor = isId(input.coordinatorId) ? await findVendorById(trx, input.coordinatorId) : undefined;
  if (!coordinatorVendor || coordinatorVendor.kind !== 'coordinator') throw invalid('/coordinatorId', 'is not a coordinator in the vendor directory');
  let coordinator = await trx.selectFrom('case_participants').selectAll().where('case_id', '=', row.id).where('vendor_id', '=', coordinatorVendor.id).executeTakeFirst();
  if (!coordinator) {
    coordinator = await addParticipant(context, trx, actor, row.id, { vendorId: coordinatorVendor.id, role: 'coordinator' });
  }
  const attempts = await trx
    .selectFrom('case_log')
    .select(['kind', 'summary', 'occurred_at'])
    .where('case_id', '=', row.id)
    .where('participant_id', '=', silent.id)
    .where('kind', 'in', ['notice_queued', 'notice_sent', 'notice_failed', 'reply_received', 'portal_opened', 'message'])
    .orderBy('occurred_at')
    .execute();
  const timeline = attempts.map((a) => `${a.occurred_at.slice(0, 16).replace('T', ' ')} UTC — ${a.summary}`);
  timeline.push(silent.acknowledged_at ? `Acknowledged on ${silent.acknowledged_at.slice(0, 10)}, but no progress since` : `No acknowledgement after ${silent.notice_count} notice${silent.notice_count === 1 ? '' : 's'}${silent.first_notice_at ? ` since ${silent.first_notice_at.slice(0, 10)}` : ''}`);
  const at = iso(context.clock.now());
  const unanswered = await trx.selectFrom('case_participant_status').select('vulnerability_id').where('participant_id', '=', silent.id).where('status', '=', 'unknown').execute();
  if (unanswered.length) {
    await trx.updateTable('case_participant_status').set({ status: 'no_response', changed_at: at, changed_by: actorLabel(actor) }).where('participant_id', '=', silent.id).where('status', '=', 'unknown').execute();
    await appendLog(context, trx, { caseId: row.id, participantId: silent.id, kind: 'status_changed', channel: 'staff', direction: 'internal', summary: `${silentVendor?.name ?? 'Vendor'}: ${unanswered.length} unknown status${unanswered.length === 1 ? '' : 'es'} → no_response`, actor: actorLabel(actor), data: { to: 'no_response', vulnerabilityIds: unanswered.map((u) => u.vulnerability_id) } });
  }
  await trx.updateTable('case_participants').set({ escalated_at: at }).where('id', '=', silent.id).execute();
  const escalation = { vendorName: silentVendor?.name ?? 'the vendor', timeline };
  const mailContact = await mailContactFor(trx, coordinatorVendor.id, coordinator.contact_id);
  let noticeId: string | null = null;
  let handOver: { channel: { kind: string; value: string } | null; text: string } | null = null;
  if (mailContact) {
    noticeId = (await queueNotice(context, trx, actor, row, coordinator, { kind: 'escalation', message: input.message, escalation })).id;
  } else {
    // A coordinator reached by web form only (CISA, VINCE…): the package is handed to staff to submit there.
    const channel = await trx.selectFrom('vendor_contacts').select(['kind', 'value']).where('vendor_id', '=', coordinatorVendor.id).where('kind', 'in', ['web_form', 'private_reporting', 'other']).orderBy('position').executeTakeFirst();
    const vulnerabilities = await sharedVulnerabilities(trx, coordinator.id);
    const portal = await issuePortalToken(context, trx, actor, coordinator);
    const settings = await readSettings(context, trx);
    const { text } = composeNotice({ organisation: settings.organisationName, vendorName: coordinatorVendor.name, caseRow: row, vulnerabilities, kind: 'escalation', noticeNumber: 1, firstNoticeAt: null, portal, reply: replyAddress(context, coordinator), message: input.message ? bodyText(input.message, '/message', CASE_LIMITS.message) : null, escalation });
    handOver = { channel: channel ?? null, text };
    await trx.updateTable('case_participants').set((eb) => ({ first_notice_at: coordinator!.first_notice_at ?? at, last_notice_at: at, notice_count: eb('notice_count', '+', 1) })).where('id', '=', coordinator.id).execute();
  }
  await appendLog(context, trx, {
    caseId: row.id,
    participantId: silent.id,
    kind: 'escalated',
    channel: 'staff',
    direction: 'internal',
    summary: `Escalated to ${coordinatorVendor.name}${handOver ? ` (package prepared for ${handOver.channel ? handOver.channel.value : 'submission by hand'}: no mail contact)` : ''}`,
    actor: actorLabel(actor),
    data: { coordinatorParticipantId: coordinator.id, noticeId, handedOver: Boolean(handOver) },
  });
  await recordAudit(context, trx, actor, { action: 'case.escalated', objectType: 'case', objectId: row.id, data: { participantId: silent.id, coordinatorId: coordinatorVendor.id, noticeId } });
  return { coordinatorParticipantId: coordinator.id, noticeId, handOver };
}
