import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { forUpdate, type Executor } from '../../db/dialect.js';
import { AppError, notFound } from '../../shared/errors.js';
import { isId, newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import type { ImportSummary } from './finding-import.js';
import { suppressionKeys } from './finding-keys.js';
import { candidateProvenance, countedOrigin, findingsWithProvenance, type CandidateProvenance } from './finding-origin.js';
import { assertCanApprove, assertCanManageSuppressions, assertCanReadFindings, assertCanReview } from './finding.policy.js';
import type { CandidateState, FindingCandidateTable, SuppressionKind } from './finding.table.js';
import type { ComponentUse } from './component-use.js';
import type { Selectable } from 'kysely';

/**
 * Candidates after import: the review queue, a candidate with its findings, the review gate
 * (approve / reject, with suppression rules learned from rejections), draft case groups,
 * suppression rules, imports and the dashboard.
 */

export type CandidateRow = Selectable<FindingCandidateTable>;

export const CANDIDATE_STATES = ['pending', 'approved', 'rejected'] as const;
/** Why a candidate is not reported: false positives and won't-report decisions teach suppression rules. */
export const REJECTION_REASONS = ['false_positive', 'wont_report', 'duplicate', 'out_of_scope'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];
export const SUPPRESSION_SCOPES = ['fingerprint', 'root_cause', 'rule_target', 'none'] as const;
export type SuppressionScope = (typeof SUPPRESSION_SCOPES)[number];

export interface CandidateView {
  id: string;
  state: CandidateState;
  title: string;
  projectKey: string;
  target: string;
  purl: string | null;
  repositoryUrl: string | null;
  product: string | null;
  versions: string[] | null;
  commitRange: string | null;
  rule: string;
  cwe: number | null;
  sink: string;
  severity: number;
  cvssVector: string | null;
  confidence: number;
  downloads: number | null;
  findings: number;
  priority: number;
  origin: 'automated' | 'person';
  rejectionReason: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  componentInUse: ComponentUse[] | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

export function presentCandidate(row: CandidateRow): CandidateView {
  return {
    id: row.id,
    state: row.state,
    title: row.title,
    projectKey: row.project_key,
    target: row.target,
    purl: row.purl,
    repositoryUrl: row.repository_url,
    product: row.product,
    versions: row.versions ? (JSON.parse(row.versions) as string[]) : null,
    commitRange: row.commit_range,
    rule: row.rule_id,
    cwe: row.cwe,
    sink: row.sink,
    severity: Number(row.severity),
    cvssVector: row.cvss_vector,
    confidence: Number(row.confidence),
    downloads: row.downloads === null ? null : Number(row.downloads),
    findings: Number(row.finding_count),
    priority: Number(row.priority),
    origin: row.origin,
    rejectionReason: row.rejection_reason,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    componentInUse: row.component_in_use ? (JSON.parse(row.component_in_use) as ComponentUse[]) : null,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
  };
}

export interface QueueFilter {
  state?: CandidateState | 'all' | undefined;
  source?: string | undefined;
  rule?: string | undefined;
  project?: string | undefined;
  minSeverity?: number | undefined;
  inUse?: boolean | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** The review queue: highest severity × confidence × reach first (finding-keys.ts priorityOf). */
export async function listCandidates(db: Executor, actor: Actor, filter: QueueFilter): Promise<{ items: CandidateView[]; total: number }> {
  assertCanReadFindings(actor);
  let query = db.selectFrom('finding_candidates');
  const state = filter.state ?? 'pending';
  if (state !== 'all') query = query.where('state', '=', state);
  if (filter.rule) {
    const cwe = /^cwe-?(\d{1,5})$/i.exec(filter.rule);
    query = cwe ? query.where('cwe', '=', Number(cwe[1])) : query.where('rule_id', '=', filter.rule);
  }
  if (filter.project) query = query.where('project_key', '=', filter.project);
  if (filter.minSeverity !== undefined) query = query.where('severity', '>=', filter.minSeverity);
  if (filter.inUse !== undefined) query = query.where('component_in_use', filter.inUse ? 'is not' : 'is', null);
  if (filter.source) {
    const source = filter.source;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('findings')
          .innerJoin('finding_sources', 'finding_sources.id', 'findings.source_id')
          .select(sql.lit(1).as('one'))
          .whereRef('findings.candidate_id', '=', 'finding_candidates.id')
          .where('finding_sources.name', '=', source),
      ),
    );
  }
  const total = await query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy('priority', 'desc')
    .orderBy('id')
    .limit(Math.min(filter.limit ?? 50, 200))
    .offset(filter.offset ?? 0)
    .execute();
  return { items: rows.map(presentCandidate), total: Number(total.n) };
}

async function loadCandidate(db: Executor, id: string): Promise<CandidateRow> {
  if (!isId(id)) throw notFound('Candidate');
  const row = await db.selectFrom('finding_candidates').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Candidate');
  return row;
}

export async function getCandidate(db: Executor, actor: Actor, id: string) {
  assertCanReadFindings(actor);
  const row = await loadCandidate(db, id);
  const findings = await findingsWithProvenance(db)
    .select([
      'findings.fingerprint',
      'findings.finder_name',
      'findings.finder_user_id',
      'findings.rule_id',
      'findings.cwe',
      'findings.severity',
      'findings.confidence',
      'findings.location',
      'findings.message',
      'findings.details',
      'findings.created_at',
    ])
    .where('candidate_id', '=', id)
    .orderBy('findings.created_at')
    .orderBy('findings.fingerprint')
    .limit(100)
    .execute();
  const reviews = await db.selectFrom('finding_reviews').selectAll().where('candidate_id', '=', id).orderBy('created_at').execute();
  const provenance = await candidateProvenance(db, id);
  let approvalBlock: string | null = null;
  try {
    assertCanApprove(actor, provenance);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    approvalBlock = error.message;
  }
  return {
    // The gate's origin, from the findings' provenance now (the stored one serves the queue).
    ...presentCandidate({ ...row, origin: provenance.origin }),
    originReasons: provenance.reasons,
    impact: row.impact,
    reproduction: row.reproduction,
    canApprove: approvalBlock === null && row.state !== 'approved',
    approvalBlock,
    authors: [...new Set([...provenance.finderIds, ...provenance.importerIds])],
    items: findings.map((f) => {
      const counted = countedOrigin({ finderKind: f.finder_kind, source: f.source, importedBy: f.imported_by, automation: f.automation, registrationRetiredAt: f.retired_at, registrationUploader: f.uploader });
      return {
        fingerprint: f.fingerprint,
        source: f.source,
        finder: { kind: f.finder_kind, name: f.finder_name, userId: f.finder_user_id },
        countedAs: counted.origin,
        why: counted.why,
        importedBy: f.imported_by,
        rule: f.rule_id,
        cwe: f.cwe,
        severity: Number(f.severity),
        confidence: Number(f.confidence),
        location: f.location,
        message: f.message,
        details: JSON.parse(f.details) as Record<string, unknown>,
        createdAt: f.created_at,
      };
    }),
    reviews: reviews.map((r) => ({ id: r.id, reviewer: r.reviewer_label, reviewerId: r.reviewer_id, decision: r.decision, reason: r.reason, note: r.note, createdAt: r.created_at })),
  };
}

export interface ReviewInput {
  decision: 'approve' | 'reject';
  reason?: RejectionReason | undefined;
  note?: string | undefined;
  /** For rejections as false positive or won't report: what later imports suppress (default fingerprint). */
  suppress?: SuppressionScope | undefined;
}

/**
 * The review gate. Approving needs a triager or lead; a candidate found by a person (as
 * finding-origin.ts counts it, from the findings' provenance at this moment) needs one who neither
 * found nor imported it. Rejecting as a false positive or won't-report records suppression rules.
 */
export async function reviewCandidate(context: AppContext, trx: Executor, actor: Actor, id: string, input: ReviewInput) {
  assertCanReview(actor);
  const row = isId(id) ? await forUpdate(trx.selectFrom('finding_candidates').selectAll().where('id', '=', id), context.engine).executeTakeFirst() : undefined;
  if (!row) throw notFound('Candidate');
  const now = iso(context.clock.now());
  const note = input.note?.trim() ? input.note.trim().slice(0, 4000) : null;
  let provenance: CandidateProvenance | null = null;
  if (input.decision === 'approve') {
    provenance = await candidateProvenance(trx, id);
    assertCanApprove(actor, provenance);
    if (row.state === 'approved') throw new AppError('invalid_transition', 'The candidate is already approved');
    if (input.reason !== undefined || (input.suppress !== undefined && input.suppress !== 'none')) {
      throw new AppError('validation_failed', 'reason and suppress go with a rejection only', [{ field: '/reason', message: 'only with decision "reject"' }]);
    }
  } else {
    if (!input.reason) throw new AppError('validation_failed', 'reason: is required to reject (false_positive, wont_report, duplicate, out_of_scope)', [{ field: '/reason', message: 'is required' }]);
    if (row.state === 'rejected') throw new AppError('invalid_transition', 'The candidate is already rejected');
  }
  const decision = input.decision === 'approve' ? 'approved' : 'rejected';
  await trx
    .updateTable('finding_candidates')
    .set({ state: decision, rejection_reason: decision === 'rejected' ? input.reason! : null, decided_at: now, decided_by: actorLabel(actor), updated_at: now })
    .where('id', '=', id)
    .execute();
  await trx.insertInto('finding_reviews').values({ id: newId(), candidate_id: id, reviewer_id: actor.userId, reviewer_label: actorLabel(actor), decision, reason: input.reason ?? null, note, created_at: now }).execute();
  let suppressions = 0;
  if (decision === 'rejected' && (input.reason === 'false_positive' || input.reason === 'wont_report')) {
    suppressions = await learnSuppressions(trx, actor, row, input.suppress ?? 'fingerprint', input.reason, note, now);
  }
  await recordAudit(context, trx, actor, {
    action: `finding_candidate.${decision}`,
    objectType: 'finding_candidate',
    objectId: id,
    data: { from: row.state, origin: provenance?.origin ?? row.origin, originReasons: provenance?.reasons ?? null, reason: input.reason ?? null, suppress: decision === 'rejected' ? (input.suppress ?? 'fingerprint') : null, suppressions },
  });
  return { ...presentCandidate({ ...row, origin: provenance?.origin ?? row.origin, state: decision, rejection_reason: input.reason ?? null, decided_at: now, decided_by: actorLabel(actor) }), suppressionsCreated: suppressions };
}

async function learnSuppressions(trx: Executor, actor: Actor, row: CandidateRow, scope: SuppressionScope, reason: string, note: string | null, now: string): Promise<number> {
  if (scope === 'none') return 0;
  const base = { project_key: row.project_key, rule_id: row.rule_id, reason, note, candidate_id: row.id, created_by: actorLabel(actor), created_at: now, hits: 0, last_hit_at: null };
  let rules: { kind: SuppressionKind; match_key: string }[];
  if (scope === 'root_cause') rules = [{ kind: 'root_cause', match_key: suppressionKeys.rootCause(row.root_key) }];
  else if (scope === 'rule_target') rules = [{ kind: 'rule_target', match_key: suppressionKeys.ruleTarget(row.project_key, row.rule_id) }];
  else {
    const prints = await trx.selectFrom('findings').select('fingerprint').where('candidate_id', '=', row.id).limit(10_000).execute();
    rules = prints.map((p) => ({ kind: 'fingerprint' as const, match_key: suppressionKeys.fingerprint(p.fingerprint) }));
  }
  let created = 0;
  for (let i = 0; i < rules.length; i += 200) {
    const chunk = rules.slice(i, i + 200).map((r) => ({ id: newId(), ...r, ...base }));
    const inserted = await trx.insertInto('finding_suppressions').values(chunk).onConflict((oc) => oc.column('match_key').doNothing()).returning('id').execute();
    created += inserted.length;
  }
  return created;
}

/**
 * Draft case groups: candidates that are not rejected, grouped by vendor/project (project key).
 * Cases are built from these.
 */
export async function listDraftGroups(db: Executor, actor: Actor, options: { state?: CandidateState | 'open' | undefined } = {}) {
  assertCanReadFindings(actor);
  let query = db.selectFrom('finding_candidates');
  const state = options.state ?? 'open';
  query = state === 'open' ? query.where('state', '!=', 'rejected') : query.where('state', '=', state);
  const rows = await query
    .select((eb) => [
      'project_key',
      eb.fn.countAll<number | string>().as('candidates'),
      eb.fn.sum<number | string>('finding_count').as('findings'),
      eb.fn.max('severity').as('max_severity'),
      eb.fn.max('priority').as('max_priority'),
      eb.fn.sum<number | string>(sql`case when state = 'approved' then 1 else 0 end`).as('approved'),
      eb.fn.min('target').as('target'),
    ])
    .groupBy('project_key')
    .orderBy('max_priority', 'desc')
    .limit(1000)
    .execute();
  return rows.map((r) => ({
    projectKey: r.project_key,
    target: r.target,
    candidates: Number(r.candidates),
    approved: Number(r.approved),
    findings: Number(r.findings),
    maxSeverity: Number(r.max_severity),
    maxPriority: Number(r.max_priority),
  }));
}

export async function listSuppressions(db: Executor, actor: Actor, filter: { project?: string | undefined; limit?: number | undefined; offset?: number | undefined }) {
  assertCanReadFindings(actor);
  let query = db.selectFrom('finding_suppressions').selectAll();
  if (filter.project) query = query.where('project_key', '=', filter.project);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id').limit(Math.min(filter.limit ?? 100, 500)).offset(filter.offset ?? 0).execute();
  return rows.map((r) => ({ id: r.id, kind: r.kind, projectKey: r.project_key, rule: r.rule_id, reason: r.reason, note: r.note, candidateId: r.candidate_id, createdBy: r.created_by, createdAt: r.created_at, hits: Number(r.hits), lastHitAt: r.last_hit_at }));
}

export async function deleteSuppression(context: AppContext, trx: Executor, actor: Actor, id: string): Promise<void> {
  assertCanManageSuppressions(actor);
  const row = isId(id) ? await trx.selectFrom('finding_suppressions').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw notFound('Suppression rule');
  await trx.deleteFrom('finding_suppressions').where('id', '=', id).execute();
  await recordAudit(context, trx, actor, { action: 'finding_suppression.deleted', objectType: 'finding_suppression', objectId: id, data: { kind: row.kind, reason: row.reason, project: row.project_key, rule: row.rule_id } });
}

export async function listImports(db: Executor, actor: Actor, filter: { source?: string | undefined; limit?: number | undefined }) {
  assertCanReadFindings(actor);
  let query = db.selectFrom('finding_imports').innerJoin('finding_sources', 'finding_sources.id', 'finding_imports.source_id').selectAll('finding_imports').select('finding_sources.name as source');
  if (filter.source) query = query.where('finding_sources.name', '=', filter.source);
  const rows = await query.orderBy('finding_imports.started_at', 'desc').orderBy('finding_imports.id').limit(Math.min(filter.limit ?? 50, 200)).execute();
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    format: r.format,
    filename: r.filename,
    sha256: r.sha256,
    bytes: Number(r.bytes),
    state: r.state,
    read: Number(r.read),
    created: Number(r.created),
    duplicates: Number(r.duplicates),
    suppressed: Number(r.suppressed),
    rejected: Number(r.rejected),
    candidatesCreated: Number(r.candidates_created),
    problems: JSON.parse(r.problems) as Pick<ImportSummary, 'rejections' | 'suppressedBy'>,
    error: r.error,
    importedBy: r.imported_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  }));
}
