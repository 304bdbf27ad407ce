import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { randomToken, sha256 } from '../../security/random.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { isId, newId } from '../../shared/ids.js';
import { addDays, iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import { findVendorById } from '../vendors/vendor.repository.js';
import { bodyText, caseRef, CASE_LIMITS, isOpen, parseJsonArray, presentEmbargo, type CaseRow, type ParticipantRow, type VulnerabilityStatus } from './case.js';
import { appendLog } from './case-log.js';
import { assertCanWriteCases } from './case.policy.js';
import { caseForUpdate, caseOrThrow, participantOrThrow } from './case.repository.js';
import { addStatement, markAcknowledged, presentStatement, setParticipantStatus } from './case.service.js';
import { rendered } from '../markdown/render-markdown.js';
import { readSettings } from '../settings/settings.service.js';

/**
 * The vendor portal: a participant reaches its part of a case through a link carrying a token
 * (`cvp_` + 32 random bytes), no account. Only the token's SHA-256 is stored; tokens expire, can
 * be revoked, and every use is audited. The SPA reads the token from the link once and then sends
 * it in the `X-Portal-Token` header (never in a query string). Failed lookups are limited per
 * client address (the routes) and across the process (here).
 */

export const PORTAL_TOKEN_PREFIX = 'cvp_';
export const PORTAL_TOKEN_DAYS = 60;
export const PORTAL_MAX_DAYS = 365;
/** Wrong tokens accepted across the process per minute before every lookup is refused for a while. */
const GLOBAL_FAILURES_PER_MINUTE = 300;

export const portalUrl = (context: AppContext, token: string) => `${context.config.publicUrl}/portal/${token}`;

export async function issuePortalToken(context: AppContext, trx: Executor, actor: Actor, participant: ParticipantRow, days = PORTAL_TOKEN_DAYS): Promise<{ token: string; expiresAt: string; url: string; id: string }> {
  if (!Number.isInteger(days) || days < 1 || days > PORTAL_MAX_DAYS) throw invalid('/days', `must be a whole number from 1 to ${PORTAL_MAX_DAYS}`);
  const token = `${PORTAL_TOKEN_PREFIX}${randomToken(32)}`;
  const id = newId();
  const now = context.clock.now();
  const expiresAt = iso(addDays(now, days));
  await trx.insertInto('case_portal_tokens').values({ id, participant_id: participant.id, token_hash: sha256(token), created_at: iso(now), created_by: actorLabel(actor), expires_at: expiresAt, revoked_at: null, last_used_at: null, uses: 0 }).execute();
  await appendLog(context, trx, { caseId: participant.case_id, participantId: participant.id, kind: 'portal_link_issued', channel: 'system', direction: 'internal', summary: `Portal link issued (valid until ${expiresAt})`, actor: actorLabel(actor), data: { tokenId: id, expiresAt } });
  await recordAudit(context, trx, actor, { action: 'case.portal_link_issued', objectType: 'case', objectId: participant.case_id, data: { participantId: participant.id, tokenId: id, expiresAt } });
  return { token, expiresAt, url: portalUrl(context, token), id };
}

/** Staff make a link to hand over another way (a phone call, the vendor's own ticket system). */
export async function issuePortalLinkAsStaff(context: AppContext, trx: Executor, actor: Actor, caseId: string, participantId: string, days?: number) {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  if (!isOpen(row.state) && row.state !== 'disclosed') throw new AppError('invalid_transition', 'The case is closed');
  return issuePortalToken(context, trx, actor, await participantOrThrow(trx, row.id, participantId), days);
}

export async function listPortalTokens(db: Executor, caseId: string) {
  const rows = await db
    .selectFrom('case_portal_tokens')
    .innerJoin('case_participants', 'case_participants.id', 'case_portal_tokens.participant_id')
    .select(['case_portal_tokens.id', 'case_portal_tokens.participant_id', 'case_portal_tokens.created_at', 'case_portal_tokens.created_by', 'case_portal_tokens.expires_at', 'case_portal_tokens.revoked_at', 'case_portal_tokens.last_used_at', 'case_portal_tokens.uses'])
    .where('case_participants.case_id', '=', caseId)
    .orderBy('case_portal_tokens.created_at')
    .execute();
  return rows.map((r) => ({ id: r.id, participantId: r.participant_id, createdAt: r.created_at, createdBy: r.created_by, expiresAt: r.expires_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at, uses: Number(r.uses) }));
}

export async function revokePortalToken(context: AppContext, trx: Executor, actor: Actor, caseId: string, tokenId: string): Promise<void> {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  const token = isId(tokenId)
    ? await trx
        .selectFrom('case_portal_tokens')
        .innerJoin('case_participants', 'case_participants.id', 'case_portal_tokens.participant_id')
        .select(['case_portal_tokens.id', 'case_portal_tokens.participant_id', 'case_portal_tokens.revoked_at'])
        .where('case_participants.case_id', '=', row.id)
        .where('case_portal_tokens.id', '=', tokenId)
        .executeTakeFirst()
    : undefined;
  if (!token) throw notFound('Portal link');
  if (token.revoked_at) return;
  await trx.updateTable('case_portal_tokens').set({ revoked_at: iso(context.clock.now()) }).where('id', '=', token.id).execute();
  await appendLog(context, trx, { caseId: row.id, participantId: token.participant_id, kind: 'portal_link_revoked', channel: 'staff', direction: 'internal', summary: 'Portal link revoked', actor: actorLabel(actor), data: { tokenId: token.id } });
  await recordAudit(context, trx, actor, { action: 'case.portal_link_revoked', objectType: 'case', objectId: row.id, data: { participantId: token.participant_id, tokenId: token.id } });
}

// ---------------------------------------------------------------------------------------------
// Resolving a token
// ---------------------------------------------------------------------------------------------

class FailureWindow {
  private readonly hits: number[] = [];
  constructor(private readonly max: number) {}
  full(now: number): boolean {
    while (this.hits.length > 0 && this.hits[0]! <= now - 60_000) this.hits.shift();
    return this.hits.length >= this.max;
  }
  add(now: number): void {
    this.hits.push(now);
  }
}
const failures = new WeakMap<AppContext['config'], FailureWindow>();

/** Who holds a valid portal token: acts as `portal:<participant>` in the audit log. */
export interface PortalSession {
  participant: ParticipantRow;
  caseRow: CaseRow;
  tokenId: string;
  actor: Actor;
}

const portalRefusal = () => new AppError('token_invalid', 'This portal link is not valid: it may have expired or been revoked. Ask the sender for a new one.');

/**
 * The participant a token belongs to, while it is neither expired nor revoked; each use is
 * counted and audited (in its own committed transaction, before the request's work).
 */
export async function openPortal(context: AppContext, token: string | undefined, action: string): Promise<PortalSession> {
  let window = failures.get(context.config);
  if (!window) failures.set(context.config, (window = new FailureWindow(GLOBAL_FAILURES_PER_MINUTE)));
  if (window.full(Date.now())) throw new AppError('rate_limited', 'Too many invalid portal links right now; try again in a minute', [], { 'retry-after': '60' });
  const fail = () => {
    window!.add(Date.now());
    return portalRefusal();
  };
  if (!token || !token.startsWith(PORTAL_TOKEN_PREFIX) || token.length > 100) throw fail();
  const row = await context.db.selectFrom('case_portal_tokens').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  const now = context.clock.now();
  if (!row || row.revoked_at || new Date(row.expires_at) <= now) throw fail();
  const participant = await context.db.selectFrom('case_participants').selectAll().where('id', '=', row.participant_id).executeTakeFirstOrThrow();
  const caseRow = await caseOrThrow(context.db, participant.case_id);
  if (caseRow.state === 'closed') throw portalRefusal();
  const actor: Actor = { kind: 'system', label: `portal:${participant.id}` };
  await context.db.transaction().execute(async (trx) => {
    await trx.updateTable('case_portal_tokens').set((eb) => ({ uses: eb('uses', '+', 1), last_used_at: iso(now) })).where('id', '=', row.id).execute();
    await recordAudit(context, trx, actor, { action: 'case.portal_used', objectType: 'case', objectId: caseRow.id, data: { participantId: participant.id, tokenId: row.id, action } });
    if (!row.last_used_at) {
      await appendLog(context, trx, { caseId: caseRow.id, participantId: participant.id, kind: 'portal_opened', channel: 'portal', direction: 'in', summary: 'The portal link was opened for the first time', actor: actor.label, data: { tokenId: row.id } });
    }
  });
  return { participant, caseRow, tokenId: row.id, actor };
}

// ---------------------------------------------------------------------------------------------
// What the participant sees: its own row, what was shared with it, its own messages and
// statements, and statements others marked as shared. Never other participants' rows.
// ---------------------------------------------------------------------------------------------

export async function portalView(context: AppContext, session: PortalSession) {
  const { participant, caseRow } = session;
  const db = context.db;
  const vendor = await findVendorById(db, participant.vendor_id);
  const shared = await db
    .selectFrom('case_participant_status')
    .innerJoin('case_vulnerabilities', 'case_vulnerabilities.id', 'case_participant_status.vulnerability_id')
    .select(['case_vulnerabilities.id', 'case_vulnerabilities.title', 'case_vulnerabilities.summary', 'case_vulnerabilities.product', 'case_vulnerabilities.versions', 'case_vulnerabilities.cwe', 'case_vulnerabilities.cvss_vectors', 'case_participant_status.status', 'case_participant_status.changed_at'])
    .where('case_participant_status.participant_id', '=', participant.id)
    .orderBy('case_vulnerabilities.position')
    .execute();
  const sharedIds = new Set(shared.map((v) => v.id));
  const statements = await db
    .selectFrom('case_statements')
    .selectAll()
    .where('case_id', '=', caseRow.id)
    .where((eb) => eb.or([eb('participant_id', '=', participant.id), eb('shared', '=', 1)]))
    .orderBy('created_at')
    .execute();
  const messages = await db
    .selectFrom('case_log')
    .select(['id', 'kind', 'direction', 'summary', 'body', 'occurred_at', 'channel'])
    .where('case_id', '=', caseRow.id)
    .where('participant_id', '=', participant.id)
    .where('kind', 'in', ['message', 'reply_received', 'notice_sent', 'extension_requested', 'extension_decided', 'acknowledged'])
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
  const extensions = await db.selectFrom('case_extension_requests').selectAll().where('participant_id', '=', participant.id).orderBy('created_at').execute();
  const settings = await readSettings(context, db);
  return {
    case: {
      ref: caseRef(caseRow.id),
      title: caseRow.title,
      summary: rendered(caseRow.summary),
      state: caseRow.state,
      embargo: presentEmbargo(caseRow.embargo_end_at, caseRow.embargo_zone),
      organisation: settings.organisationName,
    },
    participant: { id: participant.id, name: vendor?.name ?? '', role: participant.role, acknowledgedAt: participant.acknowledged_at },
    vulnerabilities: shared.map((v) => ({
      id: v.id,
      title: v.title,
      summary: rendered(v.summary),
      product: v.product,
      versions: parseJsonArray(v.versions),
      cwe: v.cwe === null ? null : Number(v.cwe),
      cvssVectors: parseJsonArray(v.cvss_vectors),
      status: v.status as VulnerabilityStatus,
      statusChangedAt: v.changed_at,
    })),
    // Statements about vulnerabilities not shared with this participant stay hidden even when marked shared.
    // Who wrote a shared statement is not shown beyond "another participant": participants do not learn of each other here.
    statements: statements
      .filter((s) => !s.vulnerability_id || sharedIds.has(s.vulnerability_id))
      .map((s) => {
        const view = presentStatement(s);
        const own = s.participant_id === participant.id;
        const from: 'you' | 'another participant' | 'coordinator' = own ? 'you' : s.participant_id ? 'another participant' : 'coordinator';
        return { id: view.id, vulnerabilityId: view.vulnerabilityId, body: view.body, shared: view.shared, createdAt: view.createdAt, own, from };
      }),
    messages: messages.map((m) => ({ id: m.id, kind: m.kind, from: m.direction === 'in' ? 'you' : 'coordinator', summary: m.summary, body: m.kind === 'notice_sent' ? null : m.body, at: m.occurred_at })),
    extensions: extensions.map((e) => ({ id: e.id, requestedUntil: e.requested_until, reason: e.reason, state: e.state, decidedAt: e.decided_at, note: e.decision_note })),
  };
}

/** Portal writes run on a locked case row, and never on a closed case. */
async function portalWrite<T>(context: AppContext, session: PortalSession, work: (trx: Executor, caseRow: CaseRow, participant: ParticipantRow) => Promise<T>): Promise<T> {
  return context.db.transaction().execute(async (trx) => {
    const caseRow = await caseForUpdate(trx, context.engine, session.caseRow.id);
    if (caseRow.state === 'closed') throw new AppError('invalid_transition', 'The case is closed');
    const participant = await participantOrThrow(trx, caseRow.id, session.participant.id);
    return work(trx, caseRow, participant);
  });
}

export function portalAcknowledge(context: AppContext, session: PortalSession) {
  return portalWrite(context, session, (trx, caseRow, participant) => markAcknowledged(context, trx, session.actor, caseRow, participant, 'portal'));
}

export function portalSetStatus(context: AppContext, session: PortalSession, vulnerabilityId: string, status: 'affected' | 'not_affected' | 'fixed') {
  return portalWrite(context, session, (trx, caseRow, participant) => setParticipantStatus(context, trx, session.actor, caseRow, participant, vulnerabilityId, status, 'portal'));
}

export function portalStatement(context: AppContext, session: PortalSession, input: { body: string; vulnerabilityId?: string | null | undefined }) {
  return portalWrite(context, session, async (trx, caseRow, participant) => {
    if (input.vulnerabilityId) {
      const shared = await trx.selectFrom('case_participant_status').select('vulnerability_id').where('participant_id', '=', participant.id).where('vulnerability_id', '=', isId(input.vulnerabilityId) ? input.vulnerabilityId : '00000000-0000-4000-8000-000000000000').executeTakeFirst();
      if (!shared) throw notFound('Vulnerability');
    }
    // What a participant states is for the coordinators; staff decide whether to share it with the others.
    return addStatement(context, trx, session.actor, caseRow, { body: input.body, shared: false, participantId: participant.id, vulnerabilityId: input.vulnerabilityId ?? null }, 'portal');
  });
}

export function portalMessage(context: AppContext, session: PortalSession, text: string) {
  return portalWrite(context, session, async (trx, caseRow, participant) => {
    const body = bodyText(text, '/text', CASE_LIMITS.message);
    const id = await appendLog(context, trx, { caseId: caseRow.id, participantId: participant.id, kind: 'message', channel: 'portal', direction: 'in', summary: body.split('\n')[0]!.slice(0, 200), body, actor: actorLabel(session.actor) });
    await recordAudit(context, trx, session.actor, { action: 'case.portal_message', objectType: 'case', objectId: caseRow.id, data: { participantId: participant.id, logId: id } });
    return id;
  });
}

export function portalRequestExtension(context: AppContext, session: PortalSession, input: { until: string; reason: string }) {
  return portalWrite(context, session, async (trx, caseRow, participant) => {
    const until = Date.parse(input.until);
    if (Number.isNaN(until)) throw invalid('/until', 'is not a date-time');
    const now = context.clock.now().getTime();
    if (until <= now) throw invalid('/until', 'must be in the future');
    if (until > now + PORTAL_MAX_DAYS * 86_400_000) throw invalid('/until', `at most ${PORTAL_MAX_DAYS} days ahead`);
    const reason = bodyText(input.reason, '/reason', CASE_LIMITS.reason);
    const pending = await trx.selectFrom('case_extension_requests').select('id').where('participant_id', '=', participant.id).where('state', '=', 'pending').executeTakeFirst();
    if (pending) throw new AppError('conflict', 'You have a request for more time waiting for an answer already');
    const id = newId();
    const requestedUntil = new Date(until).toISOString();
    await trx.insertInto('case_extension_requests').values({ id, case_id: caseRow.id, participant_id: participant.id, requested_until: requestedUntil, reason, state: 'pending', decided_by: null, decided_at: null, decision_note: null, created_at: iso(context.clock.now()) }).execute();
    await appendLog(context, trx, { caseId: caseRow.id, participantId: participant.id, kind: 'extension_requested', channel: 'portal', direction: 'in', summary: `More time requested, until ${requestedUntil}`, body: reason, actor: actorLabel(session.actor), data: { requestId: id, until: requestedUntil } });
    await recordAudit(context, trx, session.actor, { action: 'case.extension_requested', objectType: 'case', objectId: caseRow.id, data: { participantId: participant.id, requestId: id, until: requestedUntil } });
    return { id, requestedUntil };
  });
}
