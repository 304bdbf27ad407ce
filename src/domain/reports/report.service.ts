import type { AppContext } from '../../context.js';
import { forUpdate, type Engine, type Executor } from '../../db/dialect.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorId, actorLabel, systemActor, type Actor, type UserActor } from '../auth/actor.js';
import { attachToReport, listReportAttachments, presentAttachment } from '../attachments/attachment.service.js';
import { findUserById } from '../users/user.repository.js';
import { isStaff } from '../../shared/roles.js';
import { userRoles } from '../users/user.js';
import { getVisibleProgram } from '../programs/program.service.js';
import { findAssets, findExclusions } from '../programs/program.repository.js';
import type { AssetRow } from '../programs/program.js';
import { matchScopeAsset } from '../programs/program-scope.js';
import { checkCweId } from '../cwe/cwe-catalogue.js';
import { assetScopeNote, withAssetNote } from './report-scope.js';
import { publishReportEvent } from './report-events.js';
import { assertCanComment, assertCanReadReport, assertCanSubmit, assertCanTriage, canReadAllReports, canTriage } from './report.policy.js';
import { MAX_EVENTS_PER_REPORT, countEvents, findAsset, findEvents, findReport, insertEvent } from './report.repository.js';
import { scoreReportVectors, suggestedPriority } from './report-severity.js';
import { CLOSING_STATES, assertTransition, type ReportState } from './report-state.js';
import { bountyAwardedAt, dueTimes, slaClocks } from './report-sla.js';
import { REPORT_LIMITS, cleanLabels, presentEvent, presentReport, type ReportEventRow, type ReportRow, type ReportView, type ScoredVector } from './report.js';
import { addCollaborators, isReportCollaborator, type CollaboratorInput } from '../rewards/collaborators.js';
import { applyReportOutcome, assertWithinSubmissionLimit } from '../reputation/reputation.service.js';

/** States of a report that cannot be the original of a duplicate: thrown out as no report at all. */
const INVALID_ORIGINAL_STATES: readonly ReportState[] = ['spam', 'not_applicable'];

export interface NewReport {
  program: string;
  title: string;
  description: string;
  steps?: string | undefined;
  impact?: string | undefined;
  /** An asset id from the programme's scope. */
  asset?: string | undefined;
  /** Free text when the asset is not listed ("other"). */
  assetOther?: string | undefined;
  /** An out-of-scope category (exclusion id) the reporter chose. */
  category?: string | undefined;
  cwe?: number | undefined;
  cvss?: string[] | undefined;
  /** The policy version the reporter read; refused if the policy has changed since. */
  policyVersion?: number | undefined;
  /** Ids of the reporter's pending uploads, attached in the same transaction. */
  attachments?: string[] | undefined;
  /** People who worked on it, with their percentage of its rewards (rewards/collaborators.ts). */
  collaborators?: CollaboratorInput[] | undefined;
}

function requireText(value: string, field: string, max: number, required = true): string {
  const text = value.replace(/\r\n/g, '\n');
  if (required && !text.trim()) throw invalid(field, 'must not be empty');
  if (text.length > max) throw invalid(field, `must be at most ${max} characters`);
  if (/\u0000/.test(text)) throw invalid(field, 'must not contain NUL characters');
  return text;
}

/**
 * Files a report. Out-of-scope assets and categories are accepted but flagged, with the reason
 * stored. Report, timeline, attachments and audit event are one transaction, which also queues
 * the report's indexing and announcement (report-intake.ts): whoever commits it then calls
 * `processReportIntake` before answering.
 */
export async function submitReport(context: AppContext, trx: Executor, actor: Actor, input: NewReport): Promise<ReportRow> {
  assertCanSubmit(actor);
  const program = await getVisibleProgram(trx, actor, input.program);
  await assertWithinSubmissionLimit(context, trx, actor, program);
  if (input.policyVersion !== undefined && input.policyVersion !== program.policy_version) {
    throw new AppError('conflict', `The programme's policy changed (now version ${program.policy_version}); read it again before submitting`, [
      { field: '/policyVersion', message: `current version is ${program.policy_version}` },
    ]);
  }
  const title = requireText(input.title, '/title', REPORT_LIMITS.title).trim();
  const description = requireText(input.description, '/description', REPORT_LIMITS.text);
  const steps = requireText(input.steps ?? '', '/steps', REPORT_LIMITS.text, false);
  const impact = requireText(input.impact ?? '', '/impact', REPORT_LIMITS.impact, false);
  const outOfScope: string[] = [];
  // Only a submission naming an asset reads the scope (most do not: keep the hot path lean).
  const assets = input.asset || input.assetOther ? await findAssets(trx, program.id) : [];
  let asset: AssetRow | undefined;
  if (input.asset) {
    asset = assets.find((a) => a.id === input.asset);
    if (!asset) throw invalid('/asset', "is not one of this programme's assets; use assetOther for anything else");
  }
  const assetOther = input.assetOther === undefined ? null : requireText(input.assetOther, '/assetOther', REPORT_LIMITS.assetOther).trim();
  if (asset && assetOther) throw invalid('/assetOther', 'give either asset or assetOther, not both');
  // An "other" the scope covers (listed, on a listed host, under a wildcard) is filed against that
  // asset; the reporter's words are kept beside it.
  if (assetOther) asset = matchScopeAsset(assets, assetOther);
  const assetNote = assetScopeNote(asset, assetOther);
  if (assetNote) outOfScope.push(assetNote);
  if (input.category) {
    const exclusion = (await findExclusions(trx, program.id)).find((e) => e.id === input.category);
    if (!exclusion) throw invalid('/category', "is not one of this programme's out-of-scope categories");
    outOfScope.push(`Out of scope: ${exclusion.name}.${exclusion.redirect_url ? ` Use ${exclusion.redirect_url} instead.` : ''}`);
  }
  const cwe = input.cwe === undefined ? null : checkCweId(input.cwe, '/cwe');
  const { scored, severity, score } = scoreReportVectors(input.cvss ?? []);
  const now = iso(context.clock.now());
  const row: ReportRow = {
    id: newId(),
    program_id: program.id,
    reporter_id: (actor as { userId: string }).userId,
    title,
    description,
    steps,
    impact,
    asset_id: asset?.id ?? null,
    asset_other: assetOther,
    cwe,
    cvss_vectors: JSON.stringify(scored),
    severity,
    score,
    priority: suggestedPriority(score),
    state: 'new',
    assignee_id: null,
    labels: '[]',
    out_of_scope: outOfScope.length ? outOfScope.join(' ') : null,
    policy_version: program.policy_version,
    duplicate_of: null,
    close_reason: null,
    created_at: now,
    updated_at: now,
    first_response_at: null,
    triaged_at: null,
    resolved_at: null,
    ...dueTimes(program, context.clock.now()),
    needs_info_since: null,
    needs_info_warned_at: null,
    retest_state: null,
    retest_requested_at: null,
  };
  await trx.insertInto('reports').values(row).execute();
  await insertEvent(trx, { report_id: row.id, kind: 'submitted', internal: 0, author_id: actorId(actor), author_label: actorLabel(actor), body: null, data: JSON.stringify({ policyVersion: row.policy_version }), created_at: now }, { first: true });
  const attached = await attachToReport(context, trx, actor as UserActor, row.id, input.attachments ?? []);
  await addCollaborators(context, trx, actor, row, program, input.collaborators ?? []);
  await recordAudit(context, trx, actor, {
    action: 'report.submitted',
    objectType: 'report',
    objectId: row.id,
    data: { programId: program.id, outOfScope: row.out_of_scope !== null, attachments: attached.map((a) => a.id) },
  });
  await publishReportEvent(context, trx, actor, { type: 'report.created', report: row });
  return row;
}

/**
 * The report `actor` may read, or 404. Writers pass their engine as `lock`: on PostgreSQL the row
 * is then locked until their transaction ends, so concurrent changes to one report take turns and
 * each checks its transition against the other's result (SQLite has one writer at a time anyway).
 */
export async function getReportRow(db: Executor, actor: Actor, id: string, lock?: Engine): Promise<ReportRow> {
  const report = lock ? await forUpdate(db.selectFrom('reports').selectAll().where('id', '=', id), lock).executeTakeFirst() : await findReport(db, id);
  if (!report) throw notFound('Report');
  assertCanReadReport(actor, report, await isReportCollaborator(db, actor, report));
  return report;
}

export async function viewReport(context: AppContext, db: Executor, actor: Actor, report: ReportRow): Promise<ReportView> {
  const now = context.clock.now();
  // The bounty clock's reward is looked up only for a report that has one (a bounty programme's).
  const [asset, attachments, awarded] = await Promise.all([
    findAsset(db, report.asset_id),
    listReportAttachments(db, report.id),
    bountyAwardedAt(db, report.bounty_due_at === null ? [] : [report.id]),
  ]);
  return {
    ...presentReport(report, asset, canReadAllReports(actor)),
    attachments: attachments.map(presentAttachment),
    sla: slaClocks(report, now, awarded.get(report.id) ?? null),
    retestState: report.retest_state,
  };
}


/** The timeline; internal notes only for staff. */
export async function reportTimeline(db: Executor, actor: Actor, report: ReportRow, page: { afterSeq?: number | undefined; limit: number }) {
  const rows = await findEvents(db, report.id, canReadAllReports(actor), { ...(page.afterSeq !== undefined ? { afterSeq: page.afterSeq } : {}), limit: page.limit + 1 });
  const pageRows = rows.slice(0, page.limit);
  let viewer: { userId?: string; staffAuthors: Set<string> } | undefined;
  if (!canReadAllReports(actor)) {
    const authorIds = [...new Set(pageRows.map((r) => r.author_id).filter((id): id is string => id !== null))];
    const authors = authorIds.length ? await db.selectFrom('users').select(['id', 'roles']).where('id', 'in', authorIds).execute() : [];
    viewer = { ...(actor.kind === 'user' ? { userId: actor.userId } : {}), staffAuthors: new Set(authors.filter((a) => isStaff(userRoles(a))).map((a) => a.id)) };
  }
  const items = pageRows.map((row) => presentEvent(row, viewer));
  return { items, next: rows.length > page.limit ? (rows[page.limit - 1]!.seq ?? null) : null };
}

/** Public staff actions (reply, state or severity change) start the first-response clock's stop. */
async function touch(context: AppContext, trx: Executor, actor: Actor, report: ReportRow, changes: Partial<ReportRow>, publicStaffAction: boolean): Promise<ReportRow> {
  const now = iso(context.clock.now());
  const firstResponse = publicStaffAction && canTriage(actor) && report.first_response_at === null ? { first_response_at: now } : {};
  await trx.updateTable('reports').set({ ...changes, ...firstResponse, updated_at: now }).where('id', '=', report.id).execute();
  return { ...report, ...changes, ...firstResponse, updated_at: now };
}

export interface TransitionInput {
  to: ReportState;
  reason?: string | undefined;
  /** For `duplicate`: the original report. */
  duplicateOf?: string | undefined;
}

export async function transitionReport(context: AppContext, trx: Executor, actor: Actor, id: string, input: TransitionInput): Promise<ReportRow> {
  const report = await getReportRow(trx, actor, id, context.engine);
  assertCanTriage(actor, report);
  if (input.to === 'disclosed') {
    throw new AppError('invalid_transition', 'A report is disclosed through its disclosure (POST /api/v1/reports/:id/disclosure), under the programme\'s disclosure policy', [
      { field: '/to', message: 'use the disclosure flow' },
    ]);
  }
  assertTransition(report.state, input.to);
  const reason = input.reason === undefined ? undefined : requireText(input.reason, '/reason', REPORT_LIMITS.reason).trim();
  if (CLOSING_STATES.includes(input.to) && !reason) throw invalid('/reason', `moving to "${input.to}" needs a reason the reporter will read`);
  let duplicateOf: string | null = null;
  if (input.to === 'duplicate') {
    if (!input.duplicateOf) throw invalid('/duplicateOf', 'name the original report');
    const original = await findReport(trx, input.duplicateOf);
    if (!original || original.program_id !== report.program_id) throw invalid('/duplicateOf', 'must be a report of the same programme');
    if (original.id === report.id) throw invalid('/duplicateOf', 'a report cannot duplicate itself');
    if (original.duplicate_of) throw invalid('/duplicateOf', `that report is itself a duplicate of ${original.duplicate_of}; name the original`);
    // The first valid report is the one credited: the original came first and was not thrown out.
    if (original.created_at > report.created_at || (original.created_at === report.created_at && original.id > report.id)) {
      throw invalid('/duplicateOf', 'was submitted after this report: the earlier report is the original (mark that one as the duplicate instead)');
    }
    if (INVALID_ORIGINAL_STATES.includes(original.state)) {
      throw invalid('/duplicateOf', `was closed as ${original.state.replace(/_/g, ' ')}: an invalid report cannot be the original (reopen it first if that was a mistake)`);
    }
    duplicateOf = original.id;
  } else if (input.duplicateOf) throw invalid('/duplicateOf', 'only for the duplicate state');
  const now = iso(context.clock.now());
  const updated = await touch(
    context,
    trx,
    actor,
    report,
    {
      state: input.to,
      duplicate_of: input.to === 'duplicate' ? duplicateOf : input.to === 'new' ? null : report.duplicate_of,
      close_reason: CLOSING_STATES.includes(input.to) ? reason! : input.to === 'new' || input.to === 'triaged' ? null : report.close_reason,
      ...(input.to === 'triaged' && report.triaged_at === null ? { triaged_at: now } : {}),
      ...(input.to === 'resolved' ? { resolved_at: now, retest_state: null, retest_requested_at: null } : {}),
      needs_info_since: input.to === 'needs_more_info' ? now : null,
      needs_info_warned_at: null,
    },
    true,
  );
  await insertEvent(trx, {
    report_id: id,
    kind: 'state_change',
    internal: 0,
    author_id: actorId(actor),
    author_label: actorLabel(actor),
    body: reason ?? null,
    data: JSON.stringify({ from: report.state, to: input.to, ...(duplicateOf ? { duplicateOf } : {}) }),
    created_at: now,
  });
  await recordAudit(context, trx, actor, { action: 'report.state_changed', objectType: 'report', objectId: id, data: { from: report.state, to: input.to, ...(duplicateOf ? { duplicateOf } : {}) } });
  await applyReportOutcome(context, trx, actor, updated);
  await publishReportEvent(context, trx, actor, { type: 'report.state_changed', report: updated, from: report.state, to: input.to, reason: reason ?? null });
  return updated;
}

export interface CommentInput {
  body: string;
  internal: boolean;
}

/** Who closes reports left too long in `needs_more_info` (report-housekeeping.ts). */
export const STALE_POLICY_ACTOR = systemActor('stale report policy');

/** Whether the report's current closed state is the stale policy's doing (its latest state change). */
async function closedByStalePolicy(db: Executor, report: ReportRow): Promise<boolean> {
  if (report.state !== 'informative') return false;
  const last = await db
    .selectFrom('report_events')
    .select(['author_id', 'author_label'])
    .where('report_id', '=', report.id)
    .where('kind', '=', 'state_change')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last !== undefined && last.author_id === null && last.author_label === STALE_POLICY_ACTOR.label;
}

/**
 * A reply (visible to the reporter) or an internal note (staff only). A public reply by the
 * reporter or a collaborator puts a `needs_more_info` report back in the inbox as `new`, and
 * reopens one the stale policy closed for want of that answer (informative → new, as its close
 * reason promised).
 */
export async function addComment(context: AppContext, trx: Executor, actor: Actor, id: string, input: CommentInput): Promise<ReportEventRow> {
  const report = await getReportRow(trx, actor, id, context.engine);
  const collaborator = await isReportCollaborator(trx, actor, report);
  assertCanComment(actor, report, input.internal, collaborator);
  if (report.state === 'disclosed' && !input.internal) throw new AppError('conflict', 'This report is disclosed: its public record is closed. Staff can still add internal notes.');
  const body = requireText(input.body, '/body', REPORT_LIMITS.comment);
  if ((await countEvents(trx, id)) >= MAX_EVENTS_PER_REPORT) {
    throw new AppError('conflict', `This report has reached ${MAX_EVENTS_PER_REPORT} timeline entries; open a new report to go on`);
  }
  const now = iso(context.clock.now());
  const event = await insertEvent(trx, {
    report_id: id,
    kind: input.internal ? 'internal_note' : 'comment',
    internal: input.internal ? 1 : 0,
    author_id: actorId(actor),
    author_label: actorLabel(actor),
    body,
    data: '{}',
    created_at: now,
  });
  const participant = !input.internal && actor.kind === 'user' && (actor.userId === report.reporter_id || collaborator);
  const answered = participant && (report.state === 'needs_more_info' || (await closedByStalePolicy(trx, report)));
  const reopen = { state: 'new' as const, needs_info_since: null, needs_info_warned_at: null, close_reason: null };
  const updated = await touch(context, trx, actor, report, answered ? reopen : {}, !input.internal);
  if (answered) {
    await insertEvent(trx, { report_id: id, kind: 'state_change', internal: 0, author_id: actorId(actor), author_label: actorLabel(actor), body: null, data: JSON.stringify({ from: report.state, to: 'new' }), created_at: now });
    // A closed report may carry reputation for its outcome; an open one carries none.
    if (report.state !== 'needs_more_info') await applyReportOutcome(context, trx, actor, updated);
    await publishReportEvent(context, trx, actor, { type: 'report.state_changed', report: updated, from: report.state, to: 'new', reason: null });
  }
  await recordAudit(context, trx, actor, { action: input.internal ? 'report.note_added' : 'report.comment_added', objectType: 'report', objectId: id, data: { eventId: event.id } });
  await publishReportEvent(context, trx, actor, { type: 'report.comment_added', report: updated, eventId: event.id, internal: input.internal, body, byStaff: canTriage(actor) });
  return event;
}

export interface TriageChanges {
  assigneeId?: string | null | undefined;
  priority?: ReportRow['priority'] | undefined;
  labels?: string[] | undefined;
  cvss?: string[] | undefined;
  cwe?: number | null | undefined;
  /** The scope asset the report is filed against (one of its programme's). */
  assetId?: string | undefined;
}

/** Whether scored vectors are the ones the report holds, in any order (both normalised by scoring). */
function sameVectors(scored: readonly ScoredVector[], stored: ReportRow['cvss_vectors']): boolean {
  const key = (vectors: readonly { vector: string }[]) => JSON.stringify(vectors.map((v) => v.vector).sort());
  return key(scored) === key(JSON.parse(stored) as ScoredVector[]);
}

/** Whether staff ever set the report's priority themselves (the timeline's priority events not marked suggested). */
async function priorityChosenByHand(db: Executor, reportId: string): Promise<boolean> {
  const events = await db.selectFrom('report_events').select('data').where('report_id', '=', reportId).where('kind', '=', 'priority').execute();
  return events.some((event) => (JSON.parse(event.data ?? '{}') as { suggested?: boolean }).suggested !== true);
}

/** Assignment, priority, labels, severity, weakness and asset: staff-side changes, each on the timeline. */
export async function updateTriage(context: AppContext, trx: Executor, actor: Actor, id: string, changes: TriageChanges): Promise<ReportRow> {
  const report = await getReportRow(trx, actor, id, context.engine);
  assertCanTriage(actor, report);
  const now = iso(context.clock.now());
  const set: Partial<ReportRow> = {};
  const event = (kind: ReportEventRow['kind'], internal: boolean, data: object) =>
    insertEvent(trx, { report_id: id, kind, internal: internal ? 1 : 0, author_id: actorId(actor), author_label: actorLabel(actor), body: null, data: JSON.stringify(data), created_at: now });
  if (changes.assigneeId !== undefined) {
    if (changes.assigneeId !== null) {
      const assignee = await findUserById(trx, changes.assigneeId);
      if (!assignee || assignee.disabled_at !== null || !userRoles(assignee).some((r) => r === 'triager' || r === 'lead')) {
        throw invalid('/assigneeId', 'must be an active triager or lead');
      }
    }
    if (changes.assigneeId !== report.assignee_id) {
      set.assignee_id = changes.assigneeId;
      await event('assignment', true, { from: report.assignee_id, to: changes.assigneeId });
    }
  }
  if (changes.priority !== undefined) {
    set.priority = changes.priority;
    await event('priority', true, { from: report.priority, to: changes.priority });
  }
  if (changes.labels !== undefined) {
    const labels = cleanLabels(changes.labels);
    if (labels.length > REPORT_LIMITS.labels) throw invalid('/labels', `at most ${REPORT_LIMITS.labels} labels`);
    if (labels.some((l) => l.length > REPORT_LIMITS.label)) throw invalid('/labels', `each label at most ${REPORT_LIMITS.label} characters`);
    if (JSON.stringify(labels) !== report.labels) {
      set.labels = JSON.stringify(labels);
      await event('labels', true, { labels });
    }
  }
  // Only a real change of the vectors is a severity change (the form sends both fields on every
  // save): it alone is announced, and counts as a first response.
  const scoring = changes.cvss !== undefined ? scoreReportVectors(changes.cvss) : undefined;
  const severityChanged = scoring !== undefined && !sameVectors(scoring.scored, report.cvss_vectors);
  if (scoring && severityChanged) {
    Object.assign(set, { cvss_vectors: JSON.stringify(scoring.scored), severity: scoring.severity, score: scoring.score });
    // A priority nobody chose (never set by hand: no priority event but the suggested ones) follows
    // the new score; one that staff set — even to the value suggested — is theirs to change.
    if (changes.priority === undefined && !(await priorityChosenByHand(trx, id))) {
      const next = suggestedPriority(scoring.score);
      if (next !== report.priority) {
        set.priority = next;
        await event('priority', true, { from: report.priority, to: next, suggested: true });
      }
    }
    await event('severity_change', false, { from: { severity: report.severity, score: report.score }, to: { severity: scoring.severity, score: scoring.score } });
  }
  const cwe = changes.cwe === undefined || changes.cwe === null ? changes.cwe : checkCweId(changes.cwe, '/cwe');
  if (cwe !== undefined && cwe !== report.cwe) {
    set.cwe = cwe;
    await event('weakness_change', false, { from: report.cwe, to: cwe });
  }
  let assetChange: { from: string | null; to: string } | undefined;
  if (changes.assetId !== undefined) {
    const assets = await findAssets(trx, report.program_id);
    const asset = assets.find((a) => a.id === changes.assetId);
    if (!asset) throw invalid('/assetId', "is not one of the assets of this report's programme");
    if (asset.id !== report.asset_id) {
      const previous = assets.find((a) => a.id === report.asset_id);
      set.asset_id = asset.id;
      // The flag's note on the old asset (or on an unlisted "other") gives way to the new asset's.
      set.out_of_scope = withAssetNote(report.out_of_scope, assetScopeNote(previous, report.asset_other), assetScopeNote(asset, null));
      const named = (a: AssetRow | undefined) => (a ? { id: a.id, identifier: a.identifier, inScope: a.in_scope === 1 } : report.asset_other ? { id: null, identifier: report.asset_other, inScope: false } : null);
      await event('asset_change', false, { from: named(previous), to: named(asset) });
      assetChange = { from: report.asset_id, to: asset.id };
    }
  }
  // Fields sent with the values the report has already (an unchanged severity form) change nothing.
  if (Object.keys(set).length === 0) return report;
  const updated = await touch(context, trx, actor, report, set, severityChanged);
  // The fields that changed (a priority given is always kept: it marks the priority as chosen).
  const fields = [
    ...(set.assignee_id !== undefined ? ['assigneeId'] : []),
    ...(changes.priority !== undefined ? ['priority'] : []),
    ...(set.labels !== undefined ? ['labels'] : []),
    ...(severityChanged ? ['cvss'] : []),
    ...(set.cwe !== undefined ? ['cwe'] : []),
    ...(assetChange ? ['assetId'] : []),
  ];
  await recordAudit(context, trx, actor, { action: 'report.triage_changed', objectType: 'report', objectId: id, data: { fields, ...(assetChange ? { asset: assetChange } : {}) } });
  if (severityChanged) await publishReportEvent(context, trx, actor, { type: 'report.severity_changed', report: updated });
  if (set.assignee_id !== undefined) await publishReportEvent(context, trx, actor, { type: 'report.assigned', report: updated, assigneeId: set.assignee_id });
  return updated;
}
