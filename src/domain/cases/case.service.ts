import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { isId, newId } from '../../shared/ids.js';
import { hasArmouredMessage } from '../../shared/openpgp-armour.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import { scoreVector } from '../cvss/cvss.js';
import { checkCweId, cweById } from '../cwe/cwe-catalogue.js';
import { rendered, type Rendered } from '../markdown/render-markdown.js';
import { findUserById } from '../users/user.repository.js';
import { userRoles } from '../users/user.js';
import { findVendorById, vendorIdByRepository } from '../vendors/vendor.repository.js';
import { matchVendorsForPurls } from '../vendors/vendor.service.js';
import {
  assertTransition,
  bodyText,
  CASE_LIMITS,
  CASE_TRANSITIONS,
  embargoInstant,
  oneLine,
  OPEN_STATES,
  parseJsonArray,
  presentEmbargo,
  type CaseRow,
  type CaseState,
  type CreditKind,
  type EmbargoInput,
  type EmbargoView,
  type ParticipantRole,
  type ParticipantRow,
  type VulnerabilityRow,
  type VulnerabilityStatus,
} from './case.js';
import { appendLog } from './case-log.js';
import { DEFAULT_POLICY, policyOrThrow } from './case-policies.js';
import { assertCanReadCases, assertCanWriteCases } from './case.policy.js';
import { caseForUpdate, caseOrThrow, participantOrThrow, vulnerabilityOrThrow } from './case.repository.js';

export interface VulnerabilityInput {
  title: string;
  summary?: string | undefined;
  product: string;
  versions?: string[] | undefined;
  cwe?: number | null | undefined;
  cvssVectors?: string[] | undefined;
  candidateId?: string | null | undefined;
}

export interface ParticipantInput {
  vendorId: string;
  role?: ParticipantRole | undefined;
  /** A mail contact of the vendor; default its preferred mail contact. */
  contactId?: string | null | undefined;
  /** Vulnerabilities shared with it; default all of the case's. */
  vulnerabilityIds?: string[] | undefined;
}

export interface CreditInput {
  kind: CreditKind;
  name: string;
  consentToName: boolean;
}

export interface CaseInput {
  title: string;
  summary?: string | undefined;
  policy?: string | undefined;
  ownerId?: string | undefined;
  embargo?: EmbargoInput | null | undefined;
  vulnerabilities?: VulnerabilityInput[] | undefined;
  participants?: ParticipantInput[] | undefined;
  credits?: CreditInput[] | undefined;
}

const now = (context: AppContext) => iso(context.clock.now());

async function checkOwner(db: Executor, ownerId: string, field: string): Promise<string> {
  const user = isId(ownerId) ? await findUserById(db, ownerId) : undefined;
  if (!user || user.disabled_at) throw invalid(field, 'is not an active account');
  if (!userRoles(user).some((r) => r === 'triager' || r === 'lead')) throw invalid(field, 'a case owner must be a triager or a lead');
  return user.id;
}

/** The acting staff member owns new cases unless someone else is named; the operator must name one. */
async function ownerFor(db: Executor, actor: Actor, ownerId: string | undefined): Promise<string> {
  if (ownerId) return checkOwner(db, ownerId, '/ownerId');
  if (actor.kind === 'user') return checkOwner(db, actor.userId, '/ownerId');
  throw invalid('/ownerId', 'name the staff member who owns the case');
}

export function checkVulnerability(input: VulnerabilityInput, field: string) {
  const versions = (input.versions ?? []).map((v, i) => oneLine(v, `${field}/versions/${i}`, CASE_LIMITS.version));
  if (versions.length > CASE_LIMITS.versions) throw invalid(`${field}/versions`, `at most ${CASE_LIMITS.versions} entries`);
  let cwe: number | null = null;
  if (input.cwe !== undefined && input.cwe !== null) {
    cwe = checkCweId(input.cwe, `${field}/cwe`);
  }
  const vectors = input.cvssVectors ?? [];
  if (vectors.length > CASE_LIMITS.cvssVectors) throw invalid(`${field}/cvssVectors`, `at most ${CASE_LIMITS.cvssVectors} vectors`);
  const cvss = vectors.map((v, i) => scoreVector(v, { field: `${field}/cvssVectors/${i}` }).vector);
  if (new Set(cvss.map((v) => v.split('/')[0])).size !== cvss.length) throw invalid(`${field}/cvssVectors`, 'at most one vector per CVSS version');
  const candidateId = input.candidateId ? oneLine(input.candidateId, `${field}/candidateId`, 100) : null;
  return {
    title: oneLine(input.title, `${field}/title`, CASE_LIMITS.title),
    summary: bodyText(input.summary ?? '', `${field}/summary`, CASE_LIMITS.summary, { required: false }),
    product: oneLine(input.product, `${field}/product`, CASE_LIMITS.product),
    versions: JSON.stringify(versions),
    cwe,
    cvss_vectors: JSON.stringify(cvss),
    candidate_id: candidateId,
  };
}

async function insertVulnerability(context: AppContext, trx: Executor, caseId: string, input: VulnerabilityInput, field: string): Promise<VulnerabilityRow> {
  const count = await trx.selectFrom('case_vulnerabilities').select((eb) => eb.fn.countAll<number | string>().as('n')).where('case_id', '=', caseId).executeTakeFirstOrThrow();
  if (Number(count.n) >= CASE_LIMITS.vulnerabilities) throw invalid(field, `a case holds at most ${CASE_LIMITS.vulnerabilities} vulnerabilities`);
  const at = now(context);
  const row: VulnerabilityRow = { id: newId(), case_id: caseId, ...checkVulnerability(input, field), position: Number(count.n), created_at: at, updated_at: at };
  await trx.insertInto('case_vulnerabilities').values(row).execute();
  return row;
}

/** A mail contact of the vendor: the one named, else its preferred contact when that is mail, else its first mail contact that has not bounced. */
export async function mailContactFor(db: Executor, vendorId: string, contactId: string | null | undefined, field = '/contactId') {
  if (contactId) {
    const contact = isId(contactId) ? await db.selectFrom('vendor_contacts').selectAll().where('vendor_id', '=', vendorId).where('id', '=', contactId).executeTakeFirst() : undefined;
    if (!contact) throw invalid(field, "is not one of this vendor's contacts");
    if (contact.kind !== 'email') throw invalid(field, `is a ${contact.kind} contact: notices go by mail`);
    return contact;
  }
  const vendor = await findVendorById(db, vendorId);
  const contacts = await db.selectFrom('vendor_contacts').selectAll().where('vendor_id', '=', vendorId).where('kind', '=', 'email').orderBy('position').orderBy('created_at').execute();
  return contacts.find((c) => c.id === vendor?.preferred_contact_id) ?? contacts.find((c) => c.status !== 'bounced') ?? null;
}

async function insertParticipant(context: AppContext, trx: Executor, actor: Actor, caseRow: CaseRow, input: ParticipantInput, field: string): Promise<ParticipantRow> {
  const vendor = isId(input.vendorId) ? await findVendorById(trx, input.vendorId) : undefined;
  if (!vendor) throw invalid(`${field}/vendorId`, 'is not a vendor in the directory');
  const role: ParticipantRole = input.role ?? (vendor.kind === 'coordinator' ? 'coordinator' : 'vendor');
  const existing = await trx.selectFrom('case_participants').select('id').where('case_id', '=', caseRow.id).where('vendor_id', '=', vendor.id).executeTakeFirst();
  if (existing) throw new AppError('conflict', `${vendor.name} is already a participant of this case`, [{ field: `${field}/vendorId`, message: 'already a participant' }]);
  const count = await trx.selectFrom('case_participants').select((eb) => eb.fn.countAll<number | string>().as('n')).where('case_id', '=', caseRow.id).executeTakeFirstOrThrow();
  if (Number(count.n) >= CASE_LIMITS.participants) throw invalid(field, `a case has at most ${CASE_LIMITS.participants} participants`);
  const contact = input.contactId ? await mailContactFor(trx, vendor.id, input.contactId, `${field}/contactId`) : null;
  const at = now(context);
  const row: ParticipantRow = {
    id: newId(),
    case_id: caseRow.id,
    vendor_id: vendor.id,
    role,
    contact_id: contact?.id ?? null,
    // 128 random bits in lower-case hex: survives mail systems that fold the local part's case.
    reply_token: randomBytes(16).toString('hex'),
    acknowledged_at: null,
    first_notice_at: null,
    last_notice_at: null,
    notice_count: 0,
    escalated_at: null,
    added_at: at,
  };
  await trx.insertInto('case_participants').values(row).execute();
  const vulnerabilities = await trx.selectFrom('case_vulnerabilities').select('id').where('case_id', '=', caseRow.id).execute();
  const all = new Set(vulnerabilities.map((v) => v.id));
  const shared = input.vulnerabilityIds ?? [...all];
  for (const [index, id] of [...new Set(shared)].entries()) {
    if (!all.has(id)) throw invalid(`${field}/vulnerabilityIds/${index}`, 'is not a vulnerability of this case');
    await trx.insertInto('case_participant_status').values({ participant_id: row.id, vulnerability_id: id, status: 'unknown', changed_at: at, changed_by: actorLabel(actor) }).execute();
  }
  await appendLog(context, trx, { caseId: caseRow.id, participantId: row.id, kind: 'participant_added', channel: 'staff', direction: 'internal', summary: `${vendor.name} added as ${role}`, actor: actorLabel(actor), data: { vendorId: vendor.id, role, shared: shared.length } });
  return row;
}

async function insertCredit(context: AppContext, trx: Executor, caseId: string, input: CreditInput, field: string): Promise<void> {
  const at = now(context);
  await trx
    .insertInto('case_credits')
    .values({ id: newId(), case_id: caseId, kind: input.kind, name: oneLine(input.name, `${field}/name`, CASE_LIMITS.creditName), consent_to_name: input.consentToName ? 1 : 0, consent_recorded_at: input.consentToName ? at : null, created_at: at })
    .execute();
}

export async function createCase(context: AppContext, trx: Executor, actor: Actor, input: CaseInput, origin: { projectKey?: string } = {}): Promise<CaseRow> {
  assertCanWriteCases(actor);
  const policy = policyOrThrow(input.policy ?? DEFAULT_POLICY);
  const ownerId = await ownerFor(trx, actor, input.ownerId);
  const embargo = input.embargo ? embargoInstant(input.embargo) : null;
  if ((input.credits?.length ?? 0) > CASE_LIMITS.credits) throw invalid('/credits', `at most ${CASE_LIMITS.credits} credits`);
  const at = now(context);
  const row: CaseRow = {
    id: newId(),
    title: oneLine(input.title, '/title', CASE_LIMITS.title),
    summary: bodyText(input.summary ?? '', '/summary', CASE_LIMITS.summary, { required: false }),
    state: 'draft',
    owner_id: ownerId,
    policy: policy.key,
    embargo_end_at: embargo?.endsAt ?? null,
    embargo_zone: embargo?.zone ?? null,
    exploited_at: null,
    project_key: origin.projectKey ?? null,
    state_changed_at: at,
    disclosed_at: null,
    closed_at: null,
    advisory_id: null,
    created_by: actorLabel(actor),
    created_at: at,
    updated_at: at,
  };
  await trx.insertInto('cases').values(row).execute();
  for (const [index, vulnerability] of (input.vulnerabilities ?? []).entries()) await insertVulnerability(context, trx, row.id, vulnerability, `/vulnerabilities/${index}`);
  for (const [index, participant] of (input.participants ?? []).entries()) await insertParticipant(context, trx, actor, row, participant, `/participants/${index}`);
  for (const [index, credit] of (input.credits ?? []).entries()) await insertCredit(context, trx, row.id, credit, `/credits/${index}`);
  await appendLog(context, trx, { caseId: row.id, kind: 'case_created', channel: 'staff', direction: 'internal', summary: `Case created (${policy.name})`, actor: actorLabel(actor), data: origin.projectKey ? { projectKey: origin.projectKey } : {} });
  await recordAudit(context, trx, actor, { action: 'case.created', objectType: 'case', objectId: row.id, data: { policy: policy.key, vulnerabilities: input.vulnerabilities?.length ?? 0, participants: input.participants?.length ?? 0, ...(origin.projectKey ? { projectKey: origin.projectKey } : {}) } });
  return row;
}

/**
 * A case from a draft case group of the findings area: every approved candidate of the project
 * (the review gate: nothing unreviewed goes to a vendor) not already in a case becomes a
 * vulnerability, linked by candidate id; vendors the directory knows by the candidates' package
 * URLs or repositories become participants.
 */
export async function createCaseFromDraftGroup(context: AppContext, trx: Executor, actor: Actor, projectKey: string, input: Omit<CaseInput, 'vulnerabilities' | 'title'> & { title?: string | undefined }): Promise<CaseRow> {
  assertCanWriteCases(actor);
  const key = oneLine(projectKey, '/projectKey', 500);
  const candidates = await trx.selectFrom('finding_candidates').selectAll().where('project_key', '=', key).where('state', '=', 'approved').orderBy('priority', 'desc').orderBy('id').limit(CASE_LIMITS.vulnerabilities).execute();
  const used = new Set(
    candidates.length === 0
      ? []
      : (await trx.selectFrom('case_vulnerabilities').select('candidate_id').where('candidate_id', 'in', candidates.map((c) => c.id)).execute()).map((r) => r.candidate_id),
  );
  const fresh = candidates.filter((c) => !used.has(c.id));
  if (fresh.length === 0) {
    throw new AppError('conflict', candidates.length === 0 ? `No approved finding candidates for ${key.slice(0, 100)}: candidates must pass review before a case is made` : 'Every approved candidate of this group is in a case already', [{ field: '/projectKey', message: 'no approved candidates left' }]);
  }
  const vulnerabilities: VulnerabilityInput[] = fresh.map((c) => {
    const versions = c.versions ? parseJsonArray(c.versions).slice(0, CASE_LIMITS.versions) : [];
    let vectors: string[] = [];
    if (c.cvss_vector) {
      try {
        vectors = [scoreVector(c.cvss_vector).vector];
      } catch {
        vectors = [];
      }
    }
    const summary = [c.impact, c.reproduction ? `Reproduction:\n\n${c.reproduction}` : null, `Location: \`${c.sink}\` (rule ${c.rule_id})`].filter(Boolean).join('\n\n');
    return {
      title: c.title.replace(/[\0-\x1f\x7f]+/g, ' ').slice(0, CASE_LIMITS.title),
      summary: summary.slice(0, CASE_LIMITS.summary),
      product: (c.product ?? c.purl ?? c.repository_url ?? c.target).replace(/[\0-\x1f\x7f]+/g, ' ').slice(0, CASE_LIMITS.product),
      versions: versions.map((v) => v.replace(/[\0-\x1f\x7f]+/g, ' ').slice(0, CASE_LIMITS.version)).filter((v) => v.trim()),
      cwe: c.cwe && cweById(c.cwe) ? c.cwe : null,
      cvssVectors: vectors,
      candidateId: c.id,
    };
  });
  // The project's vendor, when the directory knows it by package URL or repository, joins at once.
  const named = new Set((input.participants ?? []).map((p) => p.vendorId));
  const found: ParticipantInput[] = [];
  for (const c of fresh) {
    let vendorId: string | undefined;
    if (c.purl) vendorId = (await matchVendorsForPurls(trx, actor, [c.purl]))[0]?.vendor?.id;
    if (!vendorId && c.repository_url) vendorId = await vendorIdByRepository(trx, c.repository_url);
    if (vendorId && !named.has(vendorId)) {
      named.add(vendorId);
      found.push({ vendorId });
    }
  }
  return createCase(context, trx, actor, { ...input, title: input.title ?? `${fresh[0]!.target}`.slice(0, CASE_LIMITS.title), vulnerabilities, participants: [...(input.participants ?? []), ...found] }, { projectKey: key });
}

export interface CaseChanges {
  title?: string | undefined;
  summary?: string | undefined;
  policy?: string | undefined;
  ownerId?: string | undefined;
  embargo?: EmbargoInput | null | undefined;
  /** When credible exploitation in the wild became known; null: not known. */
  exploitedAt?: string | null | undefined;
}

export async function updateCase(context: AppContext, trx: Executor, actor: Actor, id: string, changes: CaseChanges): Promise<CaseRow> {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, id);
  const set: Partial<CaseRow> = {};
  if (changes.title !== undefined) set.title = oneLine(changes.title, '/title', CASE_LIMITS.title);
  if (changes.summary !== undefined) set.summary = bodyText(changes.summary, '/summary', CASE_LIMITS.summary, { required: false });
  if (changes.policy !== undefined) set.policy = policyOrThrow(changes.policy).key;
  if (changes.ownerId !== undefined) set.owner_id = await checkOwner(trx, changes.ownerId, '/ownerId');
  if (changes.embargo !== undefined) {
    const embargo = changes.embargo ? embargoInstant(changes.embargo) : null;
    set.embargo_end_at = embargo?.endsAt ?? null;
    set.embargo_zone = embargo?.zone ?? null;
  }
  if (changes.exploitedAt !== undefined) {
    if (changes.exploitedAt !== null && Number.isNaN(Date.parse(changes.exploitedAt))) throw invalid('/exploitedAt', 'is not a date-time');
    set.exploited_at = changes.exploitedAt === null ? null : new Date(changes.exploitedAt).toISOString();
  }
  if (Object.keys(set).length === 0) return row;
  const updated = { ...row, ...set, updated_at: now(context) };
  await trx.updateTable('cases').set({ ...set, updated_at: updated.updated_at }).where('id', '=', row.id).execute();
  const changed = Object.keys(set);
  await appendLog(context, trx, { caseId: row.id, kind: 'note', channel: 'staff', direction: 'internal', summary: `Case changed: ${changed.join(', ')}`, actor: actorLabel(actor), data: { changed } });
  await recordAudit(context, trx, actor, { action: 'case.updated', objectType: 'case', objectId: row.id, data: { changed, ...(set.policy ? { policy: set.policy } : {}), ...(set.embargo_end_at !== undefined ? { embargoEndsAt: set.embargo_end_at } : {}) } });
  return updated;
}

export async function addVulnerability(context: AppContext, trx: Executor, actor: Actor, caseId: string, input: VulnerabilityInput): Promise<VulnerabilityRow> {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  const vulnerability = await insertVulnerability(context, trx, row.id, input, '');
  await trx.updateTable('cases').set({ updated_at: now(context) }).where('id', '=', row.id).execute();
  await recordAudit(context, trx, actor, { action: 'case.vulnerability_added', objectType: 'case', objectId: row.id, data: { vulnerabilityId: vulnerability.id } });
  return vulnerability;
}

export async function updateVulnerability(context: AppContext, trx: Executor, actor: Actor, caseId: string, vulnerabilityId: string, input: Partial<VulnerabilityInput>): Promise<VulnerabilityRow> {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  const current = await vulnerabilityOrThrow(trx, row.id, vulnerabilityId);
  const merged: VulnerabilityInput = {
    title: input.title ?? current.title,
    summary: input.summary ?? current.summary,
    product: input.product ?? current.product,
    versions: input.versions ?? parseJsonArray(current.versions),
    cwe: input.cwe === undefined ? current.cwe : input.cwe,
    cvssVectors: input.cvssVectors ?? parseJsonArray(current.cvss_vectors),
    candidateId: input.candidateId === undefined ? current.candidate_id : input.candidateId,
  };
  const checked = checkVulnerability(merged, '');
  const updated = { ...current, ...checked, updated_at: now(context) };
  await trx.updateTable('case_vulnerabilities').set({ ...checked, updated_at: updated.updated_at }).where('id', '=', current.id).execute();
  await recordAudit(context, trx, actor, { action: 'case.vulnerability_updated', objectType: 'case', objectId: row.id, data: { vulnerabilityId: current.id, changed: Object.keys(input) } });
  return updated;
}

export async function addParticipant(context: AppContext, trx: Executor, actor: Actor, caseId: string, input: ParticipantInput): Promise<ParticipantRow> {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  if (row.state === 'closed') throw new AppError('invalid_transition', 'A closed case takes no new participants');
  const participant = await insertParticipant(context, trx, actor, row, input, '');
  await recordAudit(context, trx, actor, { action: 'case.participant_added', objectType: 'case', objectId: row.id, data: { participantId: participant.id, vendorId: participant.vendor_id, role: participant.role } });
  return participant;
}

export interface ParticipantChanges {
  contactId?: string | null | undefined;
  /** Replaces what is shared with the participant (statuses of vulnerabilities kept stay as they are). */
  vulnerabilityIds?: string[] | undefined;
}

export async function updateParticipant(context: AppContext, trx: Executor, actor: Actor, caseId: string, participantId: string, changes: ParticipantChanges): Promise<ParticipantRow> {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  const participant = await participantOrThrow(trx, row.id, participantId);
  const set: Partial<ParticipantRow> = {};
  if (changes.contactId !== undefined) set.contact_id = changes.contactId === null ? null : (await mailContactFor(trx, participant.vendor_id, changes.contactId))!.id;
  if (changes.vulnerabilityIds) {
    const all = new Set((await trx.selectFrom('case_vulnerabilities').select('id').where('case_id', '=', row.id).execute()).map((v) => v.id));
    const wanted = [...new Set(changes.vulnerabilityIds)];
    wanted.forEach((id, i) => {
      if (!all.has(id)) throw invalid(`/vulnerabilityIds/${i}`, 'is not a vulnerability of this case');
    });
    const current = new Set((await trx.selectFrom('case_participant_status').select('vulnerability_id').where('participant_id', '=', participant.id).execute()).map((r) => r.vulnerability_id));
    const removed = [...current].filter((id) => !wanted.includes(id));
    if (removed.length) await trx.deleteFrom('case_participant_status').where('participant_id', '=', participant.id).where('vulnerability_id', 'in', removed).execute();
    for (const id of wanted.filter((id) => !current.has(id))) {
      await trx.insertInto('case_participant_status').values({ participant_id: participant.id, vulnerability_id: id, status: 'unknown', changed_at: now(context), changed_by: actorLabel(actor) }).execute();
    }
  }
  if (Object.keys(set).length) await trx.updateTable('case_participants').set(set).where('id', '=', participant.id).execute();
  await recordAudit(context, trx, actor, { action: 'case.participant_updated', objectType: 'case', objectId: row.id, data: { participantId: participant.id, changed: Object.keys(changes) } });
  return { ...participant, ...set };
}

/** One acknowledgement or fix time of a vendor on this case, measured from its first notice, for the vendor directory's response history. */
async function recordVendorResponse(trx: Executor, caseId: string, vendorId: string, firstNoticeAt: string, kind: 'acknowledgement' | 'fix', at: string): Promise<void> {
  const hours = Math.round(((Date.parse(at) - Date.parse(firstNoticeAt)) / 3_600_000) * 100) / 100;
  await trx.insertInto('vendor_response_times').values({ id: newId(), vendor_id: vendorId, kind, case_ref: caseId, contacted_at: firstNoticeAt, responded_at: at, hours, recorded_at: at }).execute();
}

/**
 * A participant's status for one vulnerability, set by staff (from a call, a mail read elsewhere)
 * or by the participant in the portal (`via`). Only vulnerabilities shared with it have one.
 */
export async function setParticipantStatus(
  context: AppContext,
  trx: Executor,
  actor: Actor,
  caseRow: CaseRow,
  participant: ParticipantRow,
  vulnerabilityId: string,
  status: VulnerabilityStatus,
  via: 'staff' | 'portal',
): Promise<void> {
  if (caseRow.state === 'closed') throw new AppError('invalid_transition', 'The case is closed');
  const current = await trx.selectFrom('case_participant_status').selectAll().where('participant_id', '=', participant.id).where('vulnerability_id', '=', isId(vulnerabilityId) ? vulnerabilityId : '00000000-0000-4000-8000-000000000000').executeTakeFirst();
  if (!current) throw notFound('Vulnerability');
  if (current.status === status) return;
  const at = now(context);
  const label = via === 'portal' ? `portal:${participant.id}` : actorLabel(actor);
  await trx.updateTable('case_participant_status').set({ status, changed_at: at, changed_by: label }).where('participant_id', '=', participant.id).where('vulnerability_id', '=', current.vulnerability_id).execute();
  const vulnerability = await vulnerabilityOrThrow(trx, caseRow.id, current.vulnerability_id);
  const vendor = await findVendorById(trx, participant.vendor_id);
  await appendLog(context, trx, {
    caseId: caseRow.id,
    participantId: participant.id,
    kind: 'status_changed',
    channel: via,
    direction: via === 'portal' ? 'in' : 'internal',
    summary: `${vendor?.name ?? 'Participant'}: ${vulnerability.title} ${current.status} → ${status}`,
    actor: label,
    data: { vulnerabilityId: vulnerability.id, from: current.status, to: status },
  });
  await recordAudit(context, trx, actor, { action: 'case.status_changed', objectType: 'case', objectId: caseRow.id, data: { participantId: participant.id, vulnerabilityId: vulnerability.id, from: current.status, to: status, via } });
  const fixRecorded = async () =>
    Boolean(await trx.selectFrom('vendor_response_times').select('id').where('vendor_id', '=', participant.vendor_id).where('case_ref', '=', caseRow.id).where('kind', '=', 'fix').executeTakeFirst());
  if (status === 'fixed' && participant.role === 'vendor' && participant.first_notice_at && !(await fixRecorded())) {
    // Fix times feed the vendor directory's response history (dashboards take medians); the first fix of a case counts.
    await recordVendorResponse(trx, caseRow.id, participant.vendor_id, participant.first_notice_at, 'fix', at);
  }
  // A status from the vendor itself is an answer: it counts as acknowledgement.
  if (via === 'portal' && !participant.acknowledged_at) await markAcknowledged(context, trx, actor, caseRow, participant, via);
}

export async function setStatusAsStaff(context: AppContext, trx: Executor, actor: Actor, caseId: string, participantId: string, vulnerabilityId: string, status: VulnerabilityStatus): Promise<void> {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  const participant = await participantOrThrow(trx, row.id, participantId);
  await setParticipantStatus(context, trx, actor, row, participant, vulnerabilityId, status, 'staff');
}

/** Records that a participant acknowledged the case (portal, a mailed reply read by staff, or staff on their behalf). */
export async function markAcknowledged(context: AppContext, trx: Executor, actor: Actor, caseRow: CaseRow, participant: ParticipantRow, via: 'staff' | 'portal' | 'mail'): Promise<void> {
  if (participant.acknowledged_at) return;
  const at = now(context);
  participant.acknowledged_at = at;
  await trx.updateTable('case_participants').set({ acknowledged_at: at }).where('id', '=', participant.id).execute();
  const vendor = await findVendorById(trx, participant.vendor_id);
  await appendLog(context, trx, { caseId: caseRow.id, participantId: participant.id, kind: 'acknowledged', channel: via, direction: via === 'staff' ? 'internal' : 'in', summary: `${vendor?.name ?? 'Participant'} acknowledged the case`, actor: via === 'portal' ? `portal:${participant.id}` : actorLabel(actor) });
  await recordAudit(context, trx, actor, { action: 'case.acknowledged', objectType: 'case', objectId: caseRow.id, data: { participantId: participant.id, via } });
  // Acknowledgement times feed the vendor directory's response history.
  if (participant.first_notice_at && participant.role === 'vendor') {
    await recordVendorResponse(trx, caseRow.id, participant.vendor_id, participant.first_notice_at, 'acknowledgement', at);
  }
  if (caseRow.state === 'notifying') await changeState(context, trx, actor, caseRow, 'coordinating', 'A participant acknowledged the case');
}

export async function acknowledgeAsStaff(context: AppContext, trx: Executor, actor: Actor, caseId: string, participantId: string): Promise<void> {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  const participant = await participantOrThrow(trx, row.id, participantId);
  await markAcknowledged(context, trx, actor, row, participant, 'staff');
}

export async function addStatement(
  context: AppContext,
  trx: Executor,
  actor: Actor,
  caseRow: CaseRow,
  input: { body: string; shared: boolean; participantId: string | null; vulnerabilityId?: string | null | undefined },
  via: 'staff' | 'portal',
): Promise<string> {
  const body = bodyText(input.body, '/body', CASE_LIMITS.statement);
  if (input.vulnerabilityId) await vulnerabilityOrThrow(trx, caseRow.id, input.vulnerabilityId);
  const id = newId();
  const author = via === 'portal' ? `portal:${input.participantId}` : actorLabel(actor);
  await trx.insertInto('case_statements').values({ id, case_id: caseRow.id, participant_id: input.participantId, vulnerability_id: input.vulnerabilityId ?? null, body, shared: input.shared ? 1 : 0, author, created_at: now(context) }).execute();
  await appendLog(context, trx, { caseId: caseRow.id, participantId: input.participantId, kind: 'statement', channel: via, direction: via === 'portal' ? 'in' : 'internal', summary: `Statement${input.shared ? ' (shared with all participants)' : ''}`, actor: author, data: { statementId: id } });
  await recordAudit(context, trx, actor, { action: 'case.statement_added', objectType: 'case', objectId: caseRow.id, data: { statementId: id, participantId: input.participantId, shared: input.shared, via } });
  return id;
}

export async function addStaffStatement(context: AppContext, trx: Executor, actor: Actor, caseId: string, input: { body: string; shared: boolean; vulnerabilityId?: string | null | undefined }): Promise<string> {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  return addStatement(context, trx, actor, row, { ...input, participantId: null }, 'staff');
}

/** Staff decide whether a statement (a participant's included) is shown to every participant of the case. */
export async function setStatementShared(context: AppContext, trx: Executor, actor: Actor, caseId: string, statementId: string, shared: boolean): Promise<void> {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  const statement = isId(statementId) ? await trx.selectFrom('case_statements').select(['id', 'participant_id']).where('case_id', '=', row.id).where('id', '=', statementId).executeTakeFirst() : undefined;
  if (!statement) throw notFound('Statement');
  await trx.updateTable('case_statements').set({ shared: shared ? 1 : 0 }).where('id', '=', statement.id).execute();
  await appendLog(context, trx, { caseId: row.id, participantId: statement.participant_id, kind: 'note', channel: 'staff', direction: 'internal', summary: shared ? 'Statement shared with every participant' : 'Statement no longer shared', actor: actorLabel(actor), data: { statementId: statement.id, shared } });
  await recordAudit(context, trx, actor, { action: 'case.statement_shared', objectType: 'case', objectId: row.id, data: { statementId: statement.id, shared } });
}

export async function addStaffNote(context: AppContext, trx: Executor, actor: Actor, caseId: string, input: { text: string; participantId?: string | null | undefined; channel?: 'staff' | 'mail' | undefined; direction?: 'in' | 'out' | 'internal' | undefined }): Promise<string> {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  if (input.participantId) await participantOrThrow(trx, row.id, input.participantId);
  const text = bodyText(input.text, '/text', CASE_LIMITS.message);
  const id = await appendLog(context, trx, { caseId: row.id, participantId: input.participantId ?? null, kind: 'note', channel: input.channel ?? 'staff', direction: input.direction ?? 'internal', summary: text.split('\n')[0]!.slice(0, 200), body: text, actor: actorLabel(actor) });
  await recordAudit(context, trx, actor, { action: 'case.note_added', objectType: 'case', objectId: row.id, data: { logId: id } });
  return id;
}

export async function changeState(context: AppContext, trx: Executor, actor: Actor, caseRow: CaseRow, to: CaseState, reason: string): Promise<void> {
  const from = caseRow.state as CaseState;
  assertTransition(from, to);
  const at = now(context);
  const set: Partial<CaseRow> = { state: to, state_changed_at: at, updated_at: at };
  if (to === 'disclosed') set.disclosed_at = at;
  if (to === 'closed') set.closed_at = at;
  await trx.updateTable('cases').set(set).where('id', '=', caseRow.id).execute();
  Object.assign(caseRow, set);
  await appendLog(context, trx, { caseId: caseRow.id, kind: 'state_changed', channel: 'staff', direction: 'internal', summary: `${from} → ${to}${reason ? `: ${reason.split('\n')[0]!.slice(0, 200)}` : ''}`, actor: actorLabel(actor), data: { from, to } });
  await recordAudit(context, trx, actor, { action: 'case.state_changed', objectType: 'case', objectId: caseRow.id, data: { from, to, reason: reason.slice(0, 500) } });
}

export async function addCredit(context: AppContext, trx: Executor, actor: Actor, caseId: string, input: CreditInput): Promise<void> {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  const count = await trx.selectFrom('case_credits').select((eb) => eb.fn.countAll<number | string>().as('n')).where('case_id', '=', row.id).executeTakeFirstOrThrow();
  if (Number(count.n) >= CASE_LIMITS.credits) throw invalid('/credits', `at most ${CASE_LIMITS.credits} credits`);
  await insertCredit(context, trx, row.id, input, '');
  await recordAudit(context, trx, actor, { action: 'case.credit_added', objectType: 'case', objectId: row.id, data: { kind: input.kind, consentToName: input.consentToName } });
}

export async function setCreditConsent(context: AppContext, trx: Executor, actor: Actor, caseId: string, creditId: string, consent: boolean): Promise<void> {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  const credit = isId(creditId) ? await trx.selectFrom('case_credits').select('id').where('case_id', '=', row.id).where('id', '=', creditId).executeTakeFirst() : undefined;
  if (!credit) throw notFound('Credit');
  await trx.updateTable('case_credits').set({ consent_to_name: consent ? 1 : 0, consent_recorded_at: now(context) }).where('id', '=', credit.id).execute();
  await recordAudit(context, trx, actor, { action: 'case.credit_consent', objectType: 'case', objectId: row.id, data: { creditId, consent } });
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

export interface CaseSummaryView {
  id: string;
  title: string;
  state: CaseState;
  policy: string;
  owner: { id: string; email: string; name: string } | null;
  vulnerabilities: number;
  participants: number;
  acknowledged: number;
  embargo: EmbargoView | null;
  createdAt: string;
  updatedAt: string;
  stateChangedAt: string;
  ageDays: number;
}

export interface CaseListFilter {
  state?: CaseState | 'open' | undefined;
  /** Cases at least this many days old. */
  minAgeDays?: number | undefined;
  maxAgeDays?: number | undefined;
  ownerId?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export async function listCases(context: AppContext, db: Executor, actor: Actor, filter: CaseListFilter): Promise<{ items: CaseSummaryView[]; total: number }> {
  assertCanReadCases(actor);
  const nowMs = context.clock.now().getTime();
  let query = db.selectFrom('cases');
  if (filter.state === 'open') query = query.where('cases.state', 'in', [...OPEN_STATES]);
  else if (filter.state) query = query.where('cases.state', '=', filter.state);
  if (filter.minAgeDays !== undefined) query = query.where('cases.created_at', '<=', iso(new Date(nowMs - filter.minAgeDays * 86_400_000)));
  if (filter.maxAgeDays !== undefined) query = query.where('cases.created_at', '>=', iso(new Date(nowMs - filter.maxAgeDays * 86_400_000)));
  if (filter.ownerId) query = query.where('cases.owner_id', '=', isId(filter.ownerId) ? filter.ownerId : '00000000-0000-4000-8000-000000000000');
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const [rows, count] = await Promise.all([
    query
      .leftJoin('users', 'users.id', 'cases.owner_id')
      .selectAll('cases')
      .select(['users.email as owner_email', 'users.name as owner_name'])
      .select((eb) => [
        eb.selectFrom('case_vulnerabilities').select((e) => e.fn.countAll<number | string>().as('n')).whereRef('case_vulnerabilities.case_id', '=', 'cases.id').as('vulnerability_count'),
        eb.selectFrom('case_participants').select((e) => e.fn.countAll<number | string>().as('n')).whereRef('case_participants.case_id', '=', 'cases.id').as('participant_count'),
        eb
          .selectFrom('case_participants')
          .select((e) => e.fn.countAll<number | string>().as('n'))
          .whereRef('case_participants.case_id', '=', 'cases.id')
          .where('case_participants.acknowledged_at', 'is not', null)
          .as('acknowledged_count'),
      ])
      .orderBy('cases.created_at', 'desc')
      .orderBy('cases.id')
      .limit(limit)
      .offset(Math.max(filter.offset ?? 0, 0))
      .execute(),
    query.select(sql<number | string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      state: r.state as CaseState,
      policy: r.policy,
      owner: r.owner_email ? { id: r.owner_id, email: r.owner_email, name: r.owner_name ?? '' } : null,
      vulnerabilities: Number(r.vulnerability_count ?? 0),
      participants: Number(r.participant_count ?? 0),
      acknowledged: Number(r.acknowledged_count ?? 0),
      embargo: presentEmbargo(r.embargo_end_at, r.embargo_zone),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      stateChangedAt: r.state_changed_at,
      ageDays: Math.floor((nowMs - Date.parse(r.created_at)) / 86_400_000),
    })),
  };
}

export function presentVulnerability(row: VulnerabilityRow) {
  return {
    id: row.id,
    title: row.title,
    summary: rendered(row.summary),
    product: row.product,
    versions: parseJsonArray(row.versions),
    cwe: row.cwe === null ? null : Number(row.cwe),
    cvssVectors: parseJsonArray(row.cvss_vectors),
    candidateId: row.candidate_id,
  };
}

export interface StatementView {
  id: string;
  participantId: string | null;
  vulnerabilityId: string | null;
  body: Rendered;
  shared: boolean;
  author: string;
  createdAt: string;
}

export function presentStatement(row: { id: string; participant_id: string | null; vulnerability_id: string | null; body: string; shared: number; author: string; created_at: string }): StatementView {
  return { id: row.id, participantId: row.participant_id, vulnerabilityId: row.vulnerability_id, body: rendered(row.body), shared: Number(row.shared) === 1, author: row.author, createdAt: row.created_at };
}

export async function getCaseRow(db: Executor, actor: Actor, id: string): Promise<CaseRow> {
  assertCanReadCases(actor);
  return caseOrThrow(db, id);
}

export function allowedTransitions(state: string): CaseState[] {
  return [...(CASE_TRANSITIONS[state as CaseState] ?? [])];
}

export async function listLog(db: Executor, actor: Actor, caseId: string, page: { limit?: number | undefined; offset?: number | undefined } = {}) {
  assertCanReadCases(actor);
  const row = await caseOrThrow(db, caseId);
  const rows = await db
    .selectFrom('case_log')
    .selectAll()
    .where('case_id', '=', row.id)
    .orderBy('occurred_at')
    .orderBy('id')
    .limit(Math.min(Math.max(page.limit ?? 500, 1), 1000))
    .offset(Math.max(page.offset ?? 0, 0))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    participantId: r.participant_id,
    kind: r.kind,
    channel: r.channel,
    direction: r.direction,
    summary: r.summary,
    body: r.body,
    encrypted: hasArmouredMessage(r.body),
    data: JSON.parse(r.data) as Record<string, unknown>,
    actor: r.actor,
    occurredAt: r.occurred_at,
  }));
}
