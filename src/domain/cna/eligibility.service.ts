import type { Selectable } from 'kysely';
import type { AppContext } from '../../context.js';
import { forUpdate, type Executor } from '../../db/dialect.js';
import { nextSeq } from './sequence.js';
import { AppError, invalid } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import { assignCveId } from '../cve-ids/cve-id-pool.js';
import type { CnaTag } from '../cve-records/cve-record-schema.js';
import type { VulnerabilityFacts } from '../cve-records/cve-record.js';
import { assertCveIdFree, presentCveRecord, resolveRecord, updateCveRecordDraft, type CveRecordView } from '../cve-records/cve-record.service.js';
import { findCveRecord, updateCveRecord, type CveRecordRow } from '../cve-records/cve-record.repository.js';
import { assertCanActAsCna, assertCanReadCnaWork } from './cna.policy.js';
import { readCnaProfile } from './cna-profile.service.js';
import type { CnaEligibilityDecisionTable } from './cna.table.js';
import { deriveEligibility, parseAnswers, type EligibilityAnswers, type EligibilityOutcome, type EligibilityReason } from './eligibility.js';

export interface EligibilityDecisionView {
  id: string;
  recordId: string;
  answers: EligibilityAnswers;
  outcome: EligibilityOutcome;
  reasons: EligibilityReason[];
  referTo: string | null;
  rationale: string;
  decidedBy: string;
  decidedAt: string;
}

type DecisionRow = Selectable<CnaEligibilityDecisionTable>;

function present(row: DecisionRow): EligibilityDecisionView {
  const stored = JSON.parse(row.reasons) as { reasons: EligibilityReason[]; referTo: string | null };
  return {
    id: row.id,
    recordId: row.record_id,
    answers: JSON.parse(row.answers) as EligibilityAnswers,
    outcome: row.outcome,
    reasons: stored.reasons,
    referTo: stored.referTo,
    rationale: row.rationale,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
  };
}

async function latestDecision(db: Executor, recordId: string): Promise<DecisionRow | undefined> {
  return db.selectFrom('cna_eligibility_decisions').selectAll().where('record_id', '=', recordId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** Every decision on a record, newest first (the first one counts). */
export async function listEligibilityDecisions(context: AppContext, db: Executor, actor: Actor, key: string): Promise<EligibilityDecisionView[]> {
  assertCanReadCnaWork(actor);
  const record = await resolveRecord(db, key);
  const rows = await db.selectFrom('cna_eligibility_decisions').selectAll().where('record_id', '=', record.id).orderBy('seq', 'desc').limit(100).execute();
  return rows.map(present);
}

/**
 * Records an eligibility decision: the questionnaire's answers, the outcome they derive and the
 * person's rationale, with who and when, audited. A new decision supersedes the previous one.
 */
export async function decideEligibility(context: AppContext, trx: Executor, actor: Actor, key: string, input: { answers: unknown; rationale: unknown }): Promise<EligibilityDecisionView> {
  assertCanActAsCna(actor);
  const record = await resolveRecord(trx, key);
  await forUpdate(trx.selectFrom('cve_records').select('id').where('id', '=', record.id), context.engine).execute();
  const profile = await readCnaProfile(context, trx);
  const answers = parseAnswers(input.answers, profile);
  if (typeof input.rationale !== 'string' || !input.rationale.trim()) throw invalid('/rationale', 'give the rationale for the decision');
  if (input.rationale.length > 10_000) throw invalid('/rationale', 'must be at most 10000 characters');
  const verdict = deriveEligibility(answers, profile);
  const row: DecisionRow = {
    id: newId(),
    record_id: record.id,
    seq: (await nextSeq(trx, 'cna_eligibility_decisions', record.id)),
    answers: JSON.stringify(answers),
    outcome: verdict.outcome,
    reasons: JSON.stringify({ reasons: verdict.reasons, referTo: verdict.referTo }),
    rationale: input.rationale.trim(),
    decided_by: actorLabel(actor),
    decided_at: iso(context.clock.now()),
  };
  await trx.insertInto('cna_eligibility_decisions').values(row).execute();
  await recordAudit(context, trx, actor, {
    action: 'cna.eligibility_decided',
    objectType: 'cve_record',
    objectId: record.id,
    data: { outcome: verdict.outcome, rules: verdict.reasons.map((r) => r.rule), referTo: verdict.referTo },
  });
  if (verdict.outcome === 'assign' && verdict.tags.length > 0) await carryTagsIntoRecord(context, trx, actor, record, verdict.tags);
  return present(row);
}

/** The tags the decision found (e.g. exclusively-hosted-service) go into the record, so nobody types them again. */
async function carryTagsIntoRecord(context: AppContext, trx: Executor, actor: Actor, record: CveRecordRow, tags: CnaTag[]): Promise<void> {
  if (record.facts) {
    const facts = JSON.parse(record.facts) as VulnerabilityFacts;
    const merged = [...new Set([...facts.tags, ...tags])];
    if (merged.length !== facts.tags.length) await updateCveRecordDraft(context, trx, actor, record.id, { facts: { ...facts, tags: merged } });
    return;
  }
  const container = JSON.parse(record.container) as { tags?: string[] };
  const merged = [...new Set([...(container.tags ?? []), ...tags])];
  if (merged.length !== (container.tags ?? []).length) await updateCveRecordDraft(context, trx, actor, record.id, { container: { ...container, tags: merged } });
}

/**
 * Gives the record a CVE ID from the pool, only when the latest decision is `assign`: the pool
 * (domain/cve-ids) picks the ID and records what it is for; the record takes it in the same transaction.
 */
export async function assignIdToRecord(context: AppContext, trx: Executor, actor: Actor, key: string, input: { cveId?: string | undefined } = {}): Promise<CveRecordView> {
  assertCanActAsCna(actor);
  const record = await resolveRecord(trx, key);
  if (record.cve_id) throw new AppError('conflict', `the record already has ${record.cve_id}`, [{ field: '/cveId', message: 'already assigned' }]);
  if (record.state !== 'draft') throw new AppError('invalid_transition', 'only a draft takes an ID from the pool');
  const decision = await latestDecision(trx, record.id);
  if (!decision) throw new AppError('not_eligible', 'decide eligibility first: an ID is assigned only to an eligible vulnerability', [{ field: '/eligibility', message: 'no decision yet' }]);
  if (decision.outcome !== 'assign') throw new AppError('not_eligible', `the eligibility decision is ${decision.outcome.replace(/_/g, ' ')}: no ID is assigned`, [{ field: '/eligibility', message: decision.outcome }]);
  const subject = record.subject_kind && record.subject_id ? { kind: record.subject_kind, ref: record.subject_id } : { kind: 'text', ref: `CVE record ${record.id}` };
  const assigned = await assignCveId(context, trx, actor, { ...(input.cveId !== undefined ? { cveId: input.cveId } : {}), subject });
  await assertCveIdFree(trx, assigned.cveId, '/cveId');
  await updateCveRecord(trx, record.id, { cve_id: assigned.cveId, updated_at: iso(context.clock.now()) });
  await recordAudit(context, trx, actor, { action: 'cve_record.id_assigned', objectType: 'cve_record', objectId: record.id, data: { cveId: assigned.cveId } });
  return presentCveRecord((await findCveRecord(trx, record.id))!, context.clock.now());
}
