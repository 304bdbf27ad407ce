import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { isId, newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { draftAdvisoryFromOutboundCase } from '../advisories/advisory.service.js';
import type { AdvisoryContentInput } from '../advisories/advisory.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorId, actorLabel, type Actor } from '../auth/actor.js';
import { composeCnaContainer } from '../cve-records/record-composer.js';
import type { CnaPublishedContainer, ProviderMetadata, VulnerabilityFacts } from '../cve-records/cve-record.js';
import { bodyText, CASE_LIMITS, isOpen, parseJsonArray, type CaseState } from './case.js';
import { appendLog } from './case-log.js';
import { assertConditionAllowed, CONDITION_LABELS, policyOrThrow } from './case-policies.js';
import { assertCanReadCases, assertCanWriteCases } from './case.policy.js';
import { caseForUpdate, caseOrThrow, caseVulnerabilities, vulnerabilityOrThrow } from './case.repository.js';
import { changeState } from './case.service.js';

/**
 * Disclosure decisions (recorded with the policy condition that justified them and the evidence),
 * extension requests, state changes, and what a disclosed case hands on: the draft advisory
 * (advisories area) and CVE facts (cve-records area).
 */

export async function recordDecision(context: AppContext, trx: Executor, actor: Actor, caseId: string, input: { condition: string; evidence: string; discloseAt?: string | null | undefined }) {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  if (!isOpen(row.state)) throw new AppError('invalid_transition', `A decision is recorded on an open case; this one is ${row.state}`);
  const policy = policyOrThrow(row.policy);
  const condition = assertConditionAllowed(policy, input.condition);
  const evidence = bodyText(input.evidence, '/evidence', CASE_LIMITS.evidence);
  if (evidence.length < 10) throw invalid('/evidence', 'say what shows the condition holds (at least 10 characters)');
  let discloseAt: string | null = null;
  if (input.discloseAt) {
    const at = Date.parse(input.discloseAt);
    if (Number.isNaN(at)) throw invalid('/discloseAt', 'is not a date-time');
    discloseAt = new Date(at).toISOString();
  }
  const id = newId();
  const decidedAt = iso(context.clock.now());
  await trx.insertInto('case_decisions').values({ id, case_id: row.id, condition, evidence, disclose_at: discloseAt, decided_by: actorLabel(actor), decided_by_id: actorId(actor), decided_at: decidedAt }).execute();
  await appendLog(context, trx, { caseId: row.id, kind: 'decision', channel: 'staff', direction: 'internal', summary: `Disclosure decided: ${CONDITION_LABELS[condition]}`, body: evidence, actor: actorLabel(actor), data: { decisionId: id, condition, discloseAt } });
  await recordAudit(context, trx, actor, { action: 'case.decision_recorded', objectType: 'case', objectId: row.id, data: { decisionId: id, condition, policy: policy.key, discloseAt } });
  return { id, condition, evidence, discloseAt, decidedBy: actorLabel(actor), decidedAt };
}

export async function decideExtension(context: AppContext, trx: Executor, actor: Actor, caseId: string, requestId: string, input: { accept: boolean; note?: string | undefined }) {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  const request = isId(requestId) ? await trx.selectFrom('case_extension_requests').selectAll().where('case_id', '=', row.id).where('id', '=', requestId).executeTakeFirst() : undefined;
  if (!request) throw notFound('Extension request');
  if (request.state !== 'pending') throw new AppError('conflict', `This request was ${request.state} already`);
  const note = input.note ? bodyText(input.note, '/note', CASE_LIMITS.reason) : null;
  const state = input.accept ? 'accepted' : 'declined';
  await trx.updateTable('case_extension_requests').set({ state, decided_by: actorLabel(actor), decided_at: iso(context.clock.now()), decision_note: note }).where('id', '=', request.id).execute();
  await appendLog(context, trx, { caseId: row.id, participantId: request.participant_id, kind: 'extension_decided', channel: 'portal', direction: 'out', summary: `Request for more time until ${request.requested_until} ${state}`, body: note, actor: actorLabel(actor), data: { requestId: request.id, state } });
  await recordAudit(context, trx, actor, { action: 'case.extension_decided', objectType: 'case', objectId: row.id, data: { requestId: request.id, state, until: request.requested_until } });
  return { id: request.id, state };
}

/**
 * Moves a case. `disclosed` needs a recorded decision and prepares the advisory draft in the same
 * transaction; `notifying` comes from the first notice, not by hand.
 */
export async function transitionCase(context: AppContext, trx: Executor, actor: Actor, caseId: string, to: CaseState, reason: string) {
  assertCanWriteCases(actor);
  const row = await caseForUpdate(trx, context.engine, caseId);
  const text = reason.trim().slice(0, 2000);
  if (to === 'notifying') throw new AppError('invalid_transition', 'A case becomes notifying when its first notice is sent');
  if (to === 'disclosed') {
    const decision = await trx.selectFrom('case_decisions').select('id').where('case_id', '=', row.id).executeTakeFirst();
    if (!decision) throw new AppError('invalid_transition', 'Record the disclosure decision (with the condition that justifies it) before disclosing');
  }
  if (to === 'closed' && !text) throw invalid('/reason', 'say why the case is closed');
  await changeState(context, trx, actor, row, to, text);
  let advisoryId: string | null = null;
  if (to === 'disclosed') advisoryId = await prepareAdvisory(context, trx, actor, row.id);
  return { state: to, advisoryId };
}

// ---------------------------------------------------------------------------------------------
// What a disclosed case hands on
// ---------------------------------------------------------------------------------------------

/**
 * Versions are written freely on a case ("2.4.0", "< 2.4.1", "<= 1.9"); an advisory wants single
 * versions or ranges: `< X` becomes fixed in X, `<= X` last affected X (SEMVER ranges, so X must
 * be a semantic version); anything else is left to the advisory's editor.
 */
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
export function versionOrRange(text: string): string | { introduced: string; fixed: string | null; lastAffected: string | null } | null {
  const value = text.trim();
  const range = /^(<=?)\s*([^\s|<>=!,]+)$/.exec(value);
  if (range) return range[1] === '<' ? { introduced: '0', fixed: range[2]!, lastAffected: null } : { introduced: '0', fixed: null, lastAffected: range[2]! };
  return /^[^\s|<>=!,]+$/.test(value) ? value : null;
}

/** The structured facts of a case for its advisory: only what may be published (credits with consent). */
export async function caseAdvisoryFacts(db: Executor, caseId: string): Promise<AdvisoryContentInput> {
  const row = await caseOrThrow(db, caseId);
  const vulnerabilities = await caseVulnerabilities(db, row.id);
  const participants = await db
    .selectFrom('case_participants')
    .innerJoin('vendors', 'vendors.id', 'case_participants.vendor_id')
    .select(['case_participants.id', 'vendors.name'])
    .where('case_participants.case_id', '=', row.id)
    .where('case_participants.role', '=', 'vendor')
    .orderBy('case_participants.added_at')
    .execute();
  const statuses = participants.length ? await db.selectFrom('case_participant_status').selectAll().where('participant_id', 'in', participants.map((p) => p.id)).execute() : [];
  const credits = await db.selectFrom('case_credits').selectAll().where('case_id', '=', row.id).where('consent_to_name', '=', 1).orderBy('created_at').execute();
  const products = new Map<string, { vendor: string; product: string; status: 'affected' | 'not_affected'; versions: string[]; ranges: { type: 'SEMVER'; introduced: string; fixed: string | null; lastAffected: string | null; repo: null }[] }>();
  for (const v of vulnerabilities) {
    for (const p of participants) {
      const status = statuses.find((s) => s.participant_id === p.id && s.vulnerability_id === v.id)?.status;
      if (!status) continue;
      const key = `${p.name}\u0000${v.product}`;
      const entry = products.get(key) ?? { vendor: p.name, product: v.product, status: 'not_affected' as const, versions: [], ranges: [] };
      if (status !== 'not_affected') entry.status = 'affected';
      for (const text of parseJsonArray(v.versions)) {
        const version = versionOrRange(text);
        if (typeof version === 'string') {
          if (!entry.versions.includes(version)) entry.versions.push(version);
        } else if (version && SEMVER.test(version.fixed ?? version.lastAffected ?? '')) entry.ranges.push({ type: 'SEMVER', repo: null, ...version });
      }
      products.set(key, entry);
    }
  }
  return {
    kind: 'security_advisory',
    title: row.title,
    summary: row.summary || vulnerabilities.map((v) => v.title).join('; '),
    products: [...products.values()].map((p) => ({ vendor: p.vendor, product: p.product, status: p.status, versions: p.versions, ranges: p.ranges, ecosystem: null, packageName: null, purl: null, justification: p.status === 'not_affected' ? 'component_not_present' : null })),
    vulnerabilities: vulnerabilities.map((v) => ({ title: v.title, description: v.summary || v.title, cve: null, cwes: v.cwe === null ? [] : [Number(v.cwe)], cvss: parseJsonArray(v.cvss_vectors) })),
    references: [],
    credits: credits.map((c) => ({ name: c.name, kind: c.kind === 'automated' ? 'system' : 'person', consent: true, userId: null })),
  };
}

/**
 * The integration point with the advisories area: the disclosed case's facts become a draft
 * advisory (advisories' draftAdvisoryFromOutboundCase), linked from the case.
 */
async function prepareAdvisory(context: AppContext, trx: Executor, actor: Actor, caseId: string): Promise<string> {
  const content = await caseAdvisoryFacts(trx, caseId);
  const advisory = await draftAdvisoryFromOutboundCase(context, trx, actor, { id: caseId, url: `${context.config.publicUrl}/cases/${caseId}`, content });
  await trx.updateTable('cases').set({ advisory_id: advisory.id }).where('id', '=', caseId).execute();
  await appendLog(context, trx, { caseId, kind: 'note', channel: 'system', direction: 'internal', summary: 'Draft advisory prepared', actor: actorLabel(actor), data: { advisoryId: advisory.id } });
  return advisory.id;
}

/**
 * A vulnerability of the case as CVE facts, composed into a CNA container by the cve-records
 * area's composer (the integration point with the CNA module: the container can be imported as a
 * draft record). Credits only with consent; affected products from the vendors' statuses.
 */
export async function caseCveFacts(db: Executor, actor: Actor, caseId: string, vulnerabilityId: string, provider: ProviderMetadata): Promise<{ facts: VulnerabilityFacts; container: CnaPublishedContainer }> {
  assertCanReadCases(actor);
  const row = await caseOrThrow(db, caseId);
  const v = await vulnerabilityOrThrow(db, row.id, vulnerabilityId);
  const advisory = await caseAdvisoryFacts(db, row.id);
  const vendors = (advisory.products ?? []).filter((p) => p.product === v.product);
  const versions = parseJsonArray(v.versions);
  const facts: VulnerabilityFacts = {
    title: v.title.slice(0, 256),
    descriptions: [{ lang: 'en', value: (v.summary || v.title).slice(0, 4000) }],
    affected: (vendors.length ? vendors : [{ vendor: 'unknown', product: v.product, status: 'affected' as const }]).map((p) => ({
      vendor: p.vendor ?? 'unknown',
      product: v.product,
      defaultStatus: 'unknown',
      ...(versions.length ? { versions: versions.map((version) => ({ version, status: p.status === 'not_affected' ? 'unaffected' : 'affected' })) } : {}),
    })) as VulnerabilityFacts['affected'],
    cweIds: v.cwe === null ? [] : [Number(v.cwe)],
    cvssVectors: parseJsonArray(v.cvss_vectors),
    references: [],
    credits: (advisory.credits ?? []).map((c) => ({ name: c.name ?? '', type: c.kind === 'system' ? 'tool' : 'finder', consent: true, lang: 'en' })) as VulnerabilityFacts['credits'],
    timeline: [{ time: row.created_at, lang: 'en', value: 'Case opened' }, ...(row.disclosed_at ? [{ time: row.disclosed_at, lang: 'en', value: 'Disclosed' }] : [])],
    solutions: [],
    workarounds: [],
    tags: [],
    ...(row.disclosed_at ? { datePublic: row.disclosed_at } : {}),
    provider,
  };
  return { facts, container: composeCnaContainer(facts) };
}

export async function listDecisions(db: Executor, caseId: string) {
  const rows = await db.selectFrom('case_decisions').selectAll().where('case_id', '=', caseId).orderBy('decided_at').execute();
  return rows.map((r) => ({ id: r.id, condition: r.condition, evidence: r.evidence, discloseAt: r.disclose_at, decidedBy: r.decided_by, decidedAt: r.decided_at }));
}


