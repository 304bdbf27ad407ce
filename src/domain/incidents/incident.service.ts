import type { AppContext } from '../../context.js';
import { forUpdate, type Engine, type Executor } from '../../db/dialect.js';
import { inGroupCommit } from '../../db/group-commit.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../db/keyset-cursor.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { isId, newId, shortRef } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorId, actorLabel, type Actor } from '../auth/actor.js';
import { loadOpenPgp, normaliseFingerprint } from '../keys/openpgp.js';
import { findCurrentKey } from '../keys/keys.repository.js';
import { sendMail } from '../mail/mail.service.js';
import { getVisibleProgram } from '../programs/program.service.js';
import { submitReport, type NewReport } from '../reports/report.service.js';
import { findUserById } from '../users/user.repository.js';
import { normaliseEmail } from '../users/user.js';
import { raiseDueAlarms } from './incident-alarms.js';
import { programRefs } from './incident-programs.js';
import {
  inspectEncryptedMessage,
  keyIdsOfKey,
  organisationRecipients,
  readProtectedReplyKey,
  readReporterPublicKey,
  type InspectedMessage,
  type Recipient,
} from './incident-openpgp.js';
import { generateReceipt, hashReceipt, incidentForToken, type Receipt } from './incident-receipts.js';
import { readCiphertext, withStoredCiphertexts } from './incident-store.js';
import { alarmRecipients, organisationName, readIncidentSettings, type IncidentSettings } from './incident-settings.js';
import {
  assertCanActOnIncident,
  assertCanFetchPrivateKey,
  assertCanListIncidents,
  assertCanReadIncident,
  assertCanWriteOnIncident,
  canActOnIncidents,
  canListAllIncidents,
  isIncidentOwner,
} from './incident.policy.js';
import type { ContactMethod, IncidentSource } from './incident.table.js';
import {
  followUpUrl,
  incidentUrl,
  isSealed,
  presentIncident,
  presentMessage,
  type IncidentDetail,
  type IncidentMessageRow,
  type IncidentRow,
  type IncidentView,
} from './incident.js';

/**
 * Sealed incidents. The server stores OpenPGP ciphertext it cannot read, plus the minimum to
 * route it: programme, received time, size, contact method, and the organisation keys it was
 * encrypted to. Messages are checked without decrypting (incident-openpgp.ts). CPU-heavy work
 * (parsing the message, hashing the receipt) is done before the transaction; the incident, its
 * first message, its receipt, its audit event and its first alarm are written in one.
 */

export interface ContactInput {
  method: ContactMethod;
  email?: string | undefined;
  publicKey?: string | undefined;
}

export interface NewIncident {
  /** The armoured OpenPGP message: the whole report, encrypted in the browser. */
  message: string;
  /** Must be true: what is sent this way is shared unconditionally. */
  acceptUnconditional?: boolean | undefined;
  /** Programme slug or id. */
  program?: string | undefined;
  /** The statement version the reporter read; refused (409) when it has changed since. */
  statementVersion?: number | undefined;
  contact?: ContactInput | undefined;
}

export interface PreparedIncident {
  source: IncidentSource;
  /** The checked message (binary OpenPGP), as stored. */
  ciphertext: Uint8Array;
  inspected: InspectedMessage;
  recipients: Recipient[];
  program: { id: string; slug: string; name: string; policyVersion: number } | null;
  reporterId: string | null;
  contactMethod: ContactMethod;
  contactEmail: string | null;
  contactPublicKey: string | null;
  receipt: Receipt | null;
  receiptHash: string | null;
  statementVersion: number;
  settings: IncidentSettings;
  /** Where the message's ciphertext was put (incident-store.ts), just before the transaction. */
  storageKey?: string | undefined;
}

export interface StoredIncident {
  row: IncidentRow;
  /** Shown once, to the reporter; only its hash is kept. */
  receipt: string | null;
  receiptExpiresAt: string | null;
}

/** Anonymous submitters are audited without their address: it is not kept anywhere. */
function auditActor(actor: Actor): Actor {
  return actor.kind === 'anonymous' ? { kind: 'anonymous' } : actor;
}

export const UNCONDITIONAL_REQUIRED =
  'accept_unconditional: must be true. Information sent this way is shared unconditionally — no embargo demands, payment demands ' +
  'or agreements are attached to it — and it is not accepted unless you agree to that';

/** Everything that can be checked before the transaction: acceptance, message, programme, contact, receipt. */
export async function prepareIncident(context: AppContext, db: Executor, actor: Actor, input: NewIncident, source: IncidentSource = 'web'): Promise<PreparedIncident> {
  if (input.acceptUnconditional !== true) {
    throw new AppError('validation_failed', UNCONDITIONAL_REQUIRED, [{ field: '/accept_unconditional', message: 'must be true: information sent this way is shared unconditionally' }]);
  }
  const settings = await readIncidentSettings(db);
  if (input.statementVersion !== undefined && input.statementVersion !== settings.statementVersion) {
    throw new AppError('conflict', `The statement you accepted has changed (now version ${settings.statementVersion}); read it again before sending`, [
      { field: '/statementVersion', message: `current version is ${settings.statementVersion}` },
    ]);
  }
  const inspected = await inspectEncryptedMessage(input.message, '/message', context.config.incidentMaxBytes);
  const recipients = await organisationRecipients(db, inspected, '/message');
  const program = input.program ? await getVisibleProgram(db, actor, input.program) : null;

  const signedIn = actor.kind === 'user';
  const method: ContactMethod = input.contact?.method ?? (signedIn || source === 'mail' ? 'none' : 'receipt');
  if (!['none', 'email', 'receipt'].includes(method)) throw invalid('/contact/method', 'must be none, email or receipt');
  if (signedIn && method === 'receipt') throw invalid('/contact/method', 'you are signed in: follow the incident from your account (receipts are for reporters without one)');
  let email: string | null = null;
  if (method === 'email') {
    const given = input.contact?.email ?? (signedIn ? actor.email : undefined);
    if (!given) throw invalid('/contact/email', 'is required for contact by email');
    email = normaliseEmail(given, '/contact/email');
  } else if (input.contact?.email !== undefined) throw invalid('/contact/email', 'only with method "email"');
  let publicKey: string | null = null;
  if (input.contact?.publicKey !== undefined) publicKey = (await readReporterPublicKey(input.contact.publicKey, '/contact/publicKey', context.clock.now())).armor();

  const receipt = !signedIn && source === 'web' && method !== 'none' ? generateReceipt() : null;
  return {
    source,
    ciphertext: inspected.bytes,
    inspected,
    recipients,
    program: program ? { id: program.id, slug: program.slug, name: program.name, policyVersion: program.policy_version } : null,
    reporterId: signedIn ? actor.userId : null,
    contactMethod: method,
    contactEmail: email,
    contactPublicKey: publicKey,
    receipt,
    receiptHash: receipt ? await hashReceipt(receipt) : null,
    statementVersion: settings.statementVersion,
    settings,
  };
}

type ArrivalFields = Pick<
  IncidentRow,
  'program_id' | 'reporter_id' | 'source' | 'size' | 'encrypted_to' | 'contact_method' | 'contact_email' | 'contact_public_key' | 'terms_version' | 'program_policy_version' | 'report_id'
>;

/** A new incident as it arrives: state new, and due at once for its first alarm (raiseDueAlarms after commit, incident-alarms.ts). */
function newIncidentRow(now: string, fields: ArrivalFields): IncidentRow {
  return {
    id: newId(),
    ...fields,
    state: 'new',
    received_at: now,
    reply_key: null,
    accepted_at: now,
    acknowledged_at: null,
    acknowledged_by: null,
    alarm_count: 0,
    last_alarm_at: null,
    next_alarm_at: now,
    closed_at: null,
    closed_by: null,
    unsealed_at: null,
    unsealed_by: null,
    retention_warned_at: null,
    last_message_at: now,
    updated_at: now,
  };
}

/** Writes a prepared incident with its first message, receipt and audit event, due for its first alarm (raiseDueAlarms after commit). */
export async function storeIncident(context: AppContext, trx: Executor, actor: Actor, prepared: PreparedIncident): Promise<StoredIncident> {
  if (!prepared.storageKey) throw new Error('store the ciphertext (withStoredCiphertexts) before the transaction');
  const now = iso(context.clock.now());
  const row = newIncidentRow(now, {
    program_id: prepared.program?.id ?? null,
    reporter_id: prepared.reporterId,
    source: prepared.source,
    size: prepared.inspected.size,
    encrypted_to: JSON.stringify(prepared.recipients),
    contact_method: prepared.contactMethod,
    contact_email: prepared.contactEmail ? context.secrets.seal(prepared.contactEmail) : null,
    contact_public_key: prepared.contactPublicKey ? context.secrets.seal(prepared.contactPublicKey) : null,
    terms_version: prepared.statementVersion,
    program_policy_version: prepared.program?.policyVersion ?? null,
    report_id: null,
  });
  await trx.insertInto('incidents').values(row).execute();
  await trx
    .insertInto('incident_messages')
    .values({ id: newId(), incident_id: row.id, author: 'reporter', author_id: prepared.reporterId, storage_key: prepared.storageKey, size: prepared.inspected.size, created_at: now })
    .execute();
  let receipt = prepared.receipt;
  let receiptHash = prepared.receiptHash;
  let receiptExpiresAt: string | null = null;
  if (receipt && receiptHash) {
    // 10^8 lookup ids: a clash is rare, and then a fresh receipt is made.
    for (let tries = 0; await trx.selectFrom('incident_receipts').select('lookup_id').where('lookup_id', '=', receipt.lookupId).executeTakeFirst(); tries++) {
      if (tries > 5) throw new Error('could not find a free receipt lookup id');
      receipt = generateReceipt();
      receiptHash = await hashReceipt(receipt);
    }
    receiptExpiresAt = iso(new Date(context.clock.now().getTime() + prepared.settings.receiptValidityDays * 86_400_000));
    await trx
      .insertInto('incident_receipts')
      .values({ lookup_id: receipt.lookupId, incident_id: row.id, secret_hash: receiptHash, created_at: now, expires_at: receiptExpiresAt, last_used_at: null, failures: 0, locked_until: null })
      .execute();
  }
  await recordAudit(context, trx, auditActor(actor), {
    action: 'incident.received',
    objectType: 'incident',
    objectId: row.id,
    data: {
      source: row.source,
      programId: row.program_id,
      size: row.size,
      contactMethod: row.contact_method,
      reporterKey: row.contact_public_key !== null,
      receipt: receipt !== null,
      encryptedTo: prepared.recipients.map((r) => r.fingerprint),
      statementVersion: row.terms_version,
      programPolicyVersion: row.program_policy_version,
    },
  });
  return { row, receipt: receipt?.text ?? null, receiptExpiresAt };
}

export async function submitIncident(context: AppContext, actor: Actor, input: NewIncident): Promise<StoredIncident> {
  const prepared = await prepareIncident(context, context.db, actor, input);
  const stored = await withStoredCiphertexts(context, [prepared.ciphertext], ([storageKey]) =>
    inGroupCommit(context.db, context.engine, (trx) => storeIncident(context, trx, actor, { ...prepared, storageKey })),
  );
  await raiseDueAlarms(context);
  return stored;
}

/**
 * Plain mail filed as an open report (src/mail-intake/intake.ts) is recorded as an incident naming
 * that report, in the transaction that files it, so the on-call rota is alarmed as for a sealed
 * one (raiseDueAlarms after commit). It holds no message and no contact: the report has what was
 * sent, and replies reach the sender through the report (mail-intake-replies.ts). As with sealed
 * mail, the statement in force is recorded as accepted.
 */
export async function recordOpenMailIncident(context: AppContext, trx: Executor, actor: Actor, report: { id: string; program_id: string; policy_version: number }): Promise<IncidentRow> {
  const settings = await readIncidentSettings(trx);
  const row = newIncidentRow(iso(context.clock.now()), {
    program_id: report.program_id,
    reporter_id: null,
    source: 'mail',
    size: 0,
    encrypted_to: '[]',
    contact_method: 'none',
    contact_email: null,
    contact_public_key: null,
    terms_version: settings.statementVersion,
    program_policy_version: report.policy_version,
    report_id: report.id,
  });
  await trx.insertInto('incidents').values(row).execute();
  await recordAudit(context, trx, actor, {
    action: 'incident.received',
    objectType: 'incident',
    objectId: row.id,
    data: { source: 'mail', sealed: false, programId: row.program_id, reportId: report.id, statementVersion: row.terms_version, programPolicyVersion: row.program_policy_version },
  });
  return row;
}

/** 409 for what only a sealed incident has (encrypted messages, a reporter key, unsealing). */
function assertSealed(row: IncidentRow, why: string): void {
  if (!isSealed(row)) throw new AppError('conflict', `This incident came in by mail unencrypted and is open already, as report ${row.report_id}: ${why}`);
}

async function messageCounts(db: Executor, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('incident_messages')
    .select((eb) => ['incident_id', eb.fn.countAll<number>().as('n')])
    .where('incident_id', 'in', ids)
    .groupBy('incident_id')
    .execute();
  return new Map(rows.map((row) => [row.incident_id, Number(row.n)]));
}

async function present(db: Executor, rows: IncidentRow[], settings: IncidentSettings, staff: boolean): Promise<IncidentView[]> {
  const [programs, counts] = await Promise.all([programRefs(db, rows.map((r) => r.program_id)), messageCounts(db, rows.map((r) => r.id))]);
  return rows.map((row) => presentIncident(row, row.program_id ? (programs.get(row.program_id) ?? null) : null, counts.get(row.id) ?? 0, settings, staff));
}

export interface IncidentFilter {
  state?: IncidentRow['state'] | undefined;
  after?: string | undefined;
  limit: number;
}

const encodeCursor = (row: { received_at: string; id: string }) => encodeKeysetCursor(row.received_at, row.id);

function decodeCursor(cursor: string): { receivedAt: string; id: string } {
  const { at, id } = decodeKeysetCursor(cursor);
  return { receivedAt: at, id };
}

/** Metadata, newest first: staff (triagers, leads, auditors) every incident, anyone else their own. */
export async function listIncidents(db: Executor, actor: Actor, filter: IncidentFilter): Promise<{ items: IncidentView[]; next: string | null }> {
  assertCanListIncidents(actor);
  let query = db.selectFrom('incidents').selectAll().orderBy('received_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1);
  const all = canListAllIncidents(actor);
  if (!all) query = query.where('reporter_id', '=', actorId(actor));
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.after) {
    const cursor = decodeCursor(filter.after);
    query = query.where(({ eb, or, and }) => or([eb('received_at', '<', cursor.receivedAt), and([eb('received_at', '=', cursor.receivedAt), eb('id', '<', cursor.id)])]));
  }
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  return { items: await present(db, page, await readIncidentSettings(db), all), next: rows.length > filter.limit ? encodeCursor(page[page.length - 1]!) : null };
}

/** The incident, or 404. With `lock` (a writer's engine) the row is locked until the transaction ends on PostgreSQL. */
async function findIncident(db: Executor, id: string, lock?: Engine): Promise<IncidentRow> {
  const query = db.selectFrom('incidents').selectAll().where('id', '=', id);
  const row = isId(id) ? await (lock ? forUpdate(query, lock) : query).executeTakeFirst() : undefined;
  if (!row) throw notFound('Incident');
  return row;
}

function messagesOf(db: Executor, id: string): Promise<IncidentMessageRow[]> {
  return db.selectFrom('incident_messages').selectAll().where('incident_id', '=', id).orderBy('created_at').orderBy('id').execute();
}

async function detail(context: AppContext, db: Executor, row: IncidentRow, staff: boolean): Promise<IncidentDetail> {
  const messages = await messagesOf(db, row.id);
  const [view] = await present(db, [row], await readIncidentSettings(db), staff);
  const open = (sealed: string | null) => (sealed === null ? null : context.secrets.open(sealed));
  const armoured = await Promise.all(messages.map((m) => readCiphertext(context, m.storage_key)));
  return {
    ...view!,
    messages: messages.length,
    items: messages.map((m, i) => presentMessage(m, armoured[i]!, staff)),
    ...(staff ? { contact: { email: open(row.contact_email), publicKey: open(row.contact_public_key) } } : {}),
  };
}

/**
 * One incident with its sealed messages (ciphertext). Every reading is an audit event
 * (`incident.sealed_read`), written before the content is returned; reading a plain-mail incident,
 * which holds nothing sealed, is `incident.read`.
 */
export async function readIncident(context: AppContext, actor: Actor, id: string): Promise<IncidentDetail> {
  return context.db.transaction().execute(async (trx) => {
    const row = await findIncident(trx, id);
    assertCanReadIncident(actor, row);
    const result = await detail(context, trx, row, canActOnIncidents(actor));
    await recordAudit(context, trx, actor, {
      action: isSealed(row) ? 'incident.sealed_read' : 'incident.read',
      objectType: 'incident',
      objectId: row.id,
      data: { messages: result.items.length, owner: isIncidentOwner(actor, row) },
    });
    return result;
  });
}

/** Key ids of the reporter's stored public key (replies must be encrypted to it). */
async function reporterKeyIds(context: AppContext, row: IncidentRow): Promise<{ ids: string[]; fingerprint: string } | null> {
  if (!row.contact_public_key) return null;
  const openpgp = await loadOpenPgp();
  const key = await openpgp.readKey({ armoredKey: context.secrets.open(row.contact_public_key) });
  return { ids: keyIdsOfKey(key), fingerprint: key.getFingerprint().toUpperCase() };
}

export interface MessageAdded {
  id: string;
  author: 'reporter' | 'staff';
  createdAt: string;
}

/**
 * A message on an incident. From staff (triagers, leads) it is a reply: an encrypted message,
 * which must be encrypted to the reporter's key when they gave one. From the reporter (the
 * signed-in owner, or a receipt holder) it is more information, encrypted to the organisation
 * key like the submission. Either way it is stored as ciphertext.
 */
export async function addIncidentMessage(context: AppContext, actor: Actor, id: string, message: string, via: 'account' | 'receipt' = 'account'): Promise<MessageAdded> {
  const row = await findIncident(context.db, id);
  if (via === 'account') assertCanWriteOnIncident(actor, row);
  assertSealed(row, 'answer on the report (public replies there are mailed to the sender)');
  const staff = via === 'account' && canActOnIncidents(actor) && !isIncidentOwner(actor, row);
  const inspected = await inspectEncryptedMessage(message, '/message', context.config.incidentMaxBytes);
  if (staff) {
    const reporterKey = await reporterKeyIds(context, row);
    if (reporterKey && !inspected.keyIds.some((keyId) => reporterKey.ids.includes(keyId))) {
      throw new AppError('unknown_recipient', `message: is not encrypted to the reporter's key (${reporterKey.fingerprint}); they could not read it`, [
        { field: '/message', message: "not encrypted to the reporter's key" },
      ]);
    }
  } else {
    await organisationRecipients(context.db, inspected, '/message');
  }
  return withStoredCiphertexts(context, [inspected.bytes], ([storageKey]) => context.db.transaction().execute(async (trx) => {
    const current = await findIncident(trx, id);
    const now = iso(context.clock.now());
    const messageId = newId();
    const author = staff ? 'staff' : 'reporter';
    await trx.insertInto('incident_messages').values({ id: messageId, incident_id: current.id, author, author_id: actorId(actor), storage_key: storageKey!, size: inspected.size, created_at: now }).execute();
    // More information from the reporter reopens a closed incident (and so stops its retention clock).
    const reopen = author === 'reporter' && current.state === 'closed';
    await trx
      .updateTable('incidents')
      .set({ last_message_at: now, updated_at: now, ...(reopen ? { state: 'acknowledged', closed_at: null, closed_by: null, retention_warned_at: null } : {}) })
      .where('id', '=', current.id)
      .execute();
    await recordAudit(context, trx, auditActor(actor), {
      action: 'incident.message_added',
      objectType: 'incident',
      objectId: current.id,
      data: { messageId, author, size: inspected.size, via, reopened: reopen },
    });
    if (author === 'staff') await tellReporter(context, trx, current, message);
    else await tellStaff(context, trx, current);
    return { id: messageId, author, createdAt: now };
  }));
}

/**
 * A staff reply reaches the reporter: mailed-in incidents get the armoured reply itself by mail
 * (it is ciphertext); reporters who gave an address get a notice that a reply is waiting, with
 * no content; a signed-in reporter without an address reads it in their account.
 */
async function tellReporter(context: AppContext, trx: Executor, incident: IncidentRow, armoured: string): Promise<void> {
  const email = incident.contact_email ? context.secrets.open(incident.contact_email) : null;
  if (!email) return;
  const org = await organisationName(context, trx);
  if (incident.source === 'mail') {
    await sendMail(context, trx, { to: email, subject: `Re: your report to ${org} [incident ${shortRef(incident.id)}]`, text: `${armoured.trim()}\n` });
    return;
  }
  const where = incident.reporter_id ? `Sign in to read it: ${incidentUrl(context.config.publicUrl, incident.id)}` : `Read it with your receipt: ${followUpUrl(context.config.publicUrl)}`;
  await sendMail(context, trx, {
    to: email,
    subject: `[${org}] A reply to your report is waiting`,
    text: `The security team of ${org} replied to the report you sent on ${incident.received_at.slice(0, 10)}.\n\nThe reply is not in this mail. ${where}\n`,
  });
}

async function tellStaff(context: AppContext, trx: Executor, incident: IncidentRow): Promise<void> {
  const settings = await readIncidentSettings(trx);
  for (const to of await alarmRecipients(trx, settings)) {
    await sendMail(context, trx, {
      to,
      subject: `[cvdesk] New information on incident ${shortRef(incident.id)}`,
      text: `The reporter of the incident received at ${incident.received_at} added an encrypted message.\n\nIt is not in this mail. Read it in cvdesk: ${incidentUrl(context.config.publicUrl, incident.id)}\n`,
    });
  }
}

/**
 * Stops the alarms: someone has it. Acknowledging a closed incident reopens it (and stops its
 * retention clock).
 */
export async function acknowledgeIncident(context: AppContext, trx: Executor, actor: Actor, id: string): Promise<IncidentView> {
  const row = await findIncident(trx, id);
  assertCanActOnIncident(actor, row);
  if (row.state === 'acknowledged') throw new AppError('conflict', `This incident was acknowledged already (by ${row.acknowledged_by} at ${row.acknowledged_at})`);
  const now = iso(context.clock.now());
  const reopened = row.state === 'closed';
  const changes = {
    state: 'acknowledged' as const,
    acknowledged_at: row.acknowledged_at ?? now,
    acknowledged_by: row.acknowledged_by ?? actorLabel(actor),
    next_alarm_at: null,
    updated_at: now,
    ...(reopened ? { closed_at: null, closed_by: null, retention_warned_at: null } : {}),
  };
  await trx.updateTable('incidents').set(changes).where('id', '=', row.id).execute();
  await recordAudit(context, trx, actor, { action: reopened ? 'incident.reopened' : 'incident.acknowledged', objectType: 'incident', objectId: row.id, data: { alarms: row.alarm_count } });
  return (await present(trx, [{ ...row, ...changes }], await readIncidentSettings(trx), true))[0]!;
}

/** Closed: no more alarms; unless it was unsealed, retention will delete it in time. */
export async function closeIncident(context: AppContext, trx: Executor, actor: Actor, id: string, reason: string | undefined): Promise<IncidentView> {
  const row = await findIncident(trx, id);
  assertCanActOnIncident(actor, row);
  if (row.state === 'closed') throw new AppError('conflict', 'This incident is closed already');
  const text = reason?.trim() ?? '';
  if (text.length > 2000) throw invalid('/reason', 'must be at most 2000 characters');
  const now = iso(context.clock.now());
  const changes = {
    state: 'closed' as const,
    closed_at: now,
    closed_by: actorLabel(actor),
    acknowledged_at: row.acknowledged_at ?? now,
    acknowledged_by: row.acknowledged_by ?? actorLabel(actor),
    next_alarm_at: null,
    updated_at: now,
  };
  await trx.updateTable('incidents').set(changes).where('id', '=', row.id).execute();
  await recordAudit(context, trx, actor, { action: 'incident.closed', objectType: 'incident', objectId: row.id, data: { reason: text || null } });
  return (await present(trx, [{ ...row, ...changes }], await readIncidentSettings(trx), true))[0]!;
}

export interface UnsealInput {
  /** Why the sealed report becomes an open one: kept in the audit log. */
  reason: string;
  /** What the triager decrypted in the browser and chose to open, as a report. */
  report: Omit<NewReport, 'program' | 'policyVersion' | 'collaborators'> & { program?: string | undefined };
}

/**
 * Turns (what a triager chose of) a sealed incident into an open report, through the report
 * service, in the incident's programme (or the one named). The sealed original stays sealed and
 * linked. A signed-in reporter becomes the report's reporter, so they follow it like any report;
 * otherwise the triager files it. Audited with who and why.
 */
export async function unsealIncident(context: AppContext, trx: Executor, actor: Actor, id: string, input: UnsealInput): Promise<{ incident: IncidentView; reportId: string }> {
  const row = await findIncident(trx, id);
  assertCanActOnIncident(actor, row);
  assertSealed(row, 'there is nothing to unseal');
  if (row.unsealed_at) throw new AppError('conflict', `This incident was unsealed already (report ${row.report_id})`);
  const reason = (input.reason ?? '').trim();
  if (!reason) throw invalid('/reason', 'say why this incident is unsealed: it is kept in the audit log');
  if (reason.length > 2000) throw invalid('/reason', 'must be at most 2000 characters');
  const program = input.report.program ?? row.program_id;
  if (!program) throw invalid('/report/program', 'is required: the incident names no programme');
  let report;
  try {
    report = await submitReport(context, trx, actor, { ...input.report, program });
  } catch (error) {
    // The report's field errors name fields under /report.
    if (error instanceof AppError && error.code === 'validation_failed') {
      throw new AppError('validation_failed', error.message, error.details.map((d) => ({ ...d, field: `/report${d.field ?? ''}` })));
    }
    throw error;
  }
  let reporterId = report.reporter_id;
  if (row.reporter_id && row.reporter_id !== report.reporter_id) {
    const reporter = await findUserById(trx, row.reporter_id);
    if (reporter && reporter.disabled_at === null) {
      await trx.updateTable('reports').set({ reporter_id: reporter.id }).where('id', '=', report.id).execute();
      reporterId = reporter.id;
    }
  }
  const now = iso(context.clock.now());
  const changes = {
    unsealed_at: now,
    unsealed_by: actorLabel(actor),
    report_id: report.id,
    state: row.state === 'new' ? ('acknowledged' as const) : row.state,
    acknowledged_at: row.acknowledged_at ?? now,
    acknowledged_by: row.acknowledged_by ?? actorLabel(actor),
    next_alarm_at: null,
    updated_at: now,
  };
  await trx.updateTable('incidents').set(changes).where('id', '=', row.id).execute();
  await recordAudit(context, trx, actor, { action: 'incident.unsealed', objectType: 'incident', objectId: row.id, data: { reason, reportId: report.id, programId: report.program_id, reporterId } });
  const [incident] = await present(trx, [{ ...row, ...changes }], await readIncidentSettings(trx), true);
  return { incident: incident!, reportId: report.id };
}

export interface ProtectedPrivateKey {
  fingerprint: string;
  status: string;
  uid: string;
  /** Armoured, encrypted with the organisation passphrase: unlock it in the browser. */
  privateKey: string;
  publicKey: string;
}

/**
 * The passphrase-protected private key (the current one, or one named by fingerprint, e.g. a
 * previous key an old incident was encrypted to), for the staff browser to unlock locally. The
 * passphrase never reaches the server. Every fetch is audited.
 */
export async function fetchProtectedPrivateKey(context: AppContext, actor: Actor, which: 'current' | string): Promise<ProtectedPrivateKey> {
  assertCanFetchPrivateKey(actor);
  return context.db.transaction().execute(async (trx) => {
    const row =
      which === 'current'
        ? await findCurrentKey(trx)
        : await trx.selectFrom('openpgp_keys').selectAll().where('fingerprint', '=', normaliseFingerprint(which, 'params:/fingerprint')).executeTakeFirst();
    if (!row) throw notFound(which === 'current' ? 'A current OpenPGP key' : 'Key');
    await recordAudit(context, trx, actor, { action: 'key.private_key_fetched', objectType: 'openpgp_key', objectId: row.id, data: { fingerprint: row.fingerprint, status: row.status } });
    return { fingerprint: row.fingerprint, status: row.status, uid: row.user_id, privateKey: row.private_key, publicKey: row.public_key };
  });
}

/** The reporter's view through a follow-up token: the incident's state and every message, and their reply key. */
export async function followUpView(context: AppContext, token: string | undefined): Promise<IncidentDetail> {
  const row = await incidentForToken(context, token);
  const result = await detail(context, context.db, row, false);
  return { ...result, replyKey: row.reply_key ? context.secrets.open(row.reply_key) : null };
}

export async function addFollowUpMessage(context: AppContext, token: string | undefined, message: string): Promise<MessageAdded> {
  const row = await incidentForToken(context, token);
  return addIncidentMessage(context, { kind: 'anonymous' }, row.id, message, 'receipt');
}

/**
 * Keeps the reporter's reply key: their private key protected by a passphrase (the /report page
 * uses the receipt code), so a reporter without a key of their own can read encrypted replies
 * wherever they come back. Its public part becomes the reporter key replies must be encrypted
 * to; if the reporter gave a public key already, the reply key must be that key.
 */
export async function setReplyKey(context: AppContext, token: string | undefined, armoredKey: string): Promise<{ fingerprint: string }> {
  const row = await incidentForToken(context, token);
  const key = await readProtectedReplyKey(armoredKey, '/privateKey', context.clock.now());
  const fingerprint = key.getFingerprint().toUpperCase();
  const existing = await reporterKeyIds(context, row);
  if (existing && existing.fingerprint !== fingerprint) {
    throw new AppError('conflict', `privateKey: is not the key you gave with your report (${existing.fingerprint})`, [{ field: '/privateKey', message: 'a different key' }]);
  }
  await context.db.transaction().execute(async (trx) => {
    const now = iso(context.clock.now());
    await trx
      .updateTable('incidents')
      .set({ reply_key: context.secrets.seal(key.armor()), contact_public_key: context.secrets.seal(key.toPublic().armor()), updated_at: now })
      .where('id', '=', row.id)
      .execute();
    await recordAudit(context, trx, { kind: 'anonymous' }, { action: 'incident.reply_key_set', objectType: 'incident', objectId: row.id, data: { replaced: row.reply_key !== null } });
  });
  return { fingerprint };
}

/**
 * Staff give the reporter's public key when the reporter did not (a mailed-in report whose key was
 * inside the encryption, or sent separately): replies are then encrypted to it too, so the reporter
 * can read them. A key the reporter gave cannot be replaced, nor one given for a reporter who holds
 * a receipt (they give their own with it) (409): replies must not be redirected to someone else's
 * key. Audited with the fingerprint.
 */
export async function setReporterPublicKey(context: AppContext, actor: Actor, id: string, armoredKey: string): Promise<{ fingerprint: string }> {
  return context.db.transaction().execute(async (trx) => {
    // Locked (PostgreSQL): two staff giving a key at once take turns, and the second finds the first's.
    const row = await findIncident(trx, id, context.engine);
    assertCanActOnIncident(actor, row);
    assertSealed(row, 'replies to it are not encrypted');
    if (await trx.selectFrom('incident_receipts').select('lookup_id').where('incident_id', '=', row.id).executeTakeFirst()) {
      throw new AppError('conflict', 'publicKey: the reporter follows this incident with a receipt and gives their own key there', [{ field: '/publicKey', message: 'the reporter has a receipt' }]);
    }
    const existing = await reporterKeyIds(context, row);
    if (existing) {
      throw new AppError('conflict', `publicKey: the reporter already gave a key (${existing.fingerprint}); it cannot be replaced`, [{ field: '/publicKey', message: 'the reporter gave a key' }]);
    }
    const key = await readReporterPublicKey(armoredKey, '/publicKey', context.clock.now());
    const fingerprint = key.getFingerprint().toUpperCase();
    const now = iso(context.clock.now());
    await trx.updateTable('incidents').set({ contact_public_key: context.secrets.seal(key.armor()), updated_at: now }).where('id', '=', row.id).execute();
    await recordAudit(context, trx, actor, { action: 'incident.reporter_key_set', objectType: 'incident', objectId: row.id, data: { fingerprint } });
    return { fingerprint };
  });
}

export interface IntakeInfo {
  statement: { version: number; text: string };
  maxMessageBytes: number;
  receiptValidityDays: number;
  /** The key to encrypt to (also at /pgp-key.txt); null while the organisation has none. */
  key: { fingerprint: string; uid: string; publicKey: string } | null;
}

/** What the /report page needs before encrypting: the statement to accept, limits, the key. */
export async function incidentIntakeInfo(context: AppContext): Promise<IntakeInfo> {
  const [settings, key] = await Promise.all([readIncidentSettings(context.db), findCurrentKey(context.db)]);
  return {
    statement: { version: settings.statementVersion, text: settings.statement },
    maxMessageBytes: context.config.incidentMaxBytes,
    receiptValidityDays: settings.receiptValidityDays,
    key: key ? { fingerprint: key.fingerprint, uid: key.user_id, publicKey: key.public_key } : null,
  };
}
