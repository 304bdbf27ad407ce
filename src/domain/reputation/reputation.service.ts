import type { AppContext } from '../../context.js';
import { lockKeyForUpdate, type Executor } from '../../db/dialect.js';
import { AppError, invalid } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { addDays, iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorLabel, isStaffActor, type Actor } from '../auth/actor.js';
import type { ProgramRow } from '../programs/program.js';
import { listVisiblePrograms } from '../programs/program.service.js';
import type { ReportRow } from '../reports/report.js';
import { reportParticipants } from '../rewards/collaborators.js';
import { splitAmount, type Participant } from '../rewards/reward.js';
import { assertCanConfigureReputation } from './reputation.policy.js';
import {
  DEFAULT_POINTS,
  LIMIT_WINDOW_DAYS,
  OUTCOMES,
  POINTS_RANGE,
  outcomeOfState,
  outcomeReason,
  presentEntry,
  type EntryOutcome,
  type Outcome,
  type PointsTable,
  type ReputationEntryRow,
  type ReputationEntryView,
} from './reputation.js';

// ---------------------------------------------------------------- points per outcome

/** The deployment's points per outcome: stored values over the defaults. */
export async function readPoints(db: Executor): Promise<PointsTable> {
  const rows = await db.selectFrom('reputation_points').select(['outcome', 'points']).execute();
  const points: PointsTable = { ...DEFAULT_POINTS };
  for (const row of rows) if ((OUTCOMES as readonly string[]).includes(row.outcome)) points[row.outcome as Outcome] = row.points;
  return points;
}

/**
 * Changes some outcomes' points (leads). Entries already recorded keep the points they were given;
 * the new values apply to outcomes recorded from now on. One audit event lists what changed.
 */
export async function changePoints(context: AppContext, trx: Executor, actor: Actor, patch: Partial<PointsTable>): Promise<PointsTable> {
  assertCanConfigureReputation(actor);
  const current = await readPoints(trx);
  const changes: Record<string, { from: number; to: number }> = {};
  for (const [outcome, points] of Object.entries(patch)) {
    if (!(OUTCOMES as readonly string[]).includes(outcome)) throw invalid(`/${outcome}`, 'is not an outcome');
    if (points === undefined) continue;
    if (!Number.isInteger(points) || points < POINTS_RANGE.min || points > POINTS_RANGE.max) throw invalid(`/${outcome}`, `must be a whole number from ${POINTS_RANGE.min} to ${POINTS_RANGE.max}`);
    if (current[outcome as Outcome] === points) continue;
    changes[outcome] = { from: current[outcome as Outcome], to: points };
  }
  if (Object.keys(changes).length === 0) return current;
  const now = iso(context.clock.now());
  for (const [outcome, { to }] of Object.entries(changes)) {
    await trx
      .insertInto('reputation_points')
      .values({ outcome, points: to, updated_at: now, updated_by: actorLabel(actor) })
      .onConflict((oc) => oc.column('outcome').doUpdateSet({ points: to, updated_at: now, updated_by: actorLabel(actor) }))
      .execute();
  }
  await recordAudit(context, trx, actor, { action: 'reputation.points_changed', objectType: 'reputation', objectId: null, data: { changes } });
  return readPoints(trx);
}

// ---------------------------------------------------------------- entries

function liveEntriesForReport(db: Executor, reportId: string): Promise<ReputationEntryRow[]> {
  return db.selectFrom('reputation_entries').selectAll().where('report_id', '=', reportId).where('superseded_at', 'is', null).execute();
}

/** When the report became public (its first move to `disclosed`), or null. */
async function disclosedAt(db: Executor, reportId: string | null): Promise<string | null> {
  if (!reportId) return null;
  const events = await db.selectFrom('report_events').select(['data', 'created_at']).where('report_id', '=', reportId).where('kind', '=', 'state_change').orderBy('created_at').orderBy('id').execute();
  for (const event of events) {
    const data = JSON.parse(event.data) as { to?: string };
    if (data.to === 'disclosed') return event.created_at;
  }
  return null;
}

/** Whether any of a duplicate's people (submitter, collaborators) is one of the original's. */
async function sharesPeopleWithOriginal(db: Executor, participants: readonly Participant[], originalId: string | null): Promise<boolean> {
  if (!originalId) return false;
  const original = await db.selectFrom('reports').select(['id', 'reporter_id']).where('id', '=', originalId).executeTakeFirst();
  if (!original) return false;
  const originalPeople = new Set((await reportParticipants(db, original)).map((p) => p.userId));
  return participants.some((p) => originalPeople.has(p.userId));
}

/**
 * Brings a report's reputation entries in line with its state, after a state change in the same
 * transaction. A closed report has one live entry per person (the submitter and each collaborator,
 * points split like rewards: collaborators' parts rounded towards zero, the rest to the
 * submitter); a new outcome supersedes the previous entries instead of adding to them, the same
 * outcome again changes nothing, and reopening withdraws them. So a report reopened and closed
 * again never counts twice.
 */
export async function applyReportOutcome(context: AppContext, trx: Executor, actor: Actor, report: ReportRow): Promise<void> {
  const stateOutcome = outcomeOfState(report.state);
  const live = await liveEntriesForReport(trx, report.id);
  const now = iso(context.clock.now());
  const supersede = async () => {
    if (live.length) await trx.updateTable('reputation_entries').set({ superseded_at: now }).where('id', 'in', live.map((e) => e.id)).execute();
  };
  if (stateOutcome === null) {
    if (live.length === 0) return;
    await supersede();
    await recordAudit(context, trx, actor, { action: 'reputation.withdrawn', objectType: 'report', objectId: report.id, data: { entries: live.map((e) => ({ id: e.id, userId: e.user_id, points: e.points })) } });
    return;
  }
  const participants = await reportParticipants(trx, report);
  let outcome: EntryOutcome = stateOutcome;
  if (stateOutcome === 'duplicate') {
    if (await sharesPeopleWithOriginal(trx, participants, report.duplicate_of)) outcome = 'duplicate_of_own';
    else {
      const originalPublicAt = await disclosedAt(trx, report.duplicate_of);
      if (originalPublicAt !== null && originalPublicAt <= report.created_at) outcome = 'duplicate_after_disclosure';
    }
  }
  const points = outcome === 'duplicate_of_own' ? 0 : (await readPoints(trx))[outcome];
  // Penalties fall on the submitter alone: collaborators are named without their consent, so
  // naming someone must never be a way to cost them reputation.
  const parts = points < 0 ? [{ userId: report.reporter_id, amount: points, share: 100 }] : splitAmount(points, participants);
  const unchanged =
    live.length === parts.length && parts.every((part) => live.some((e) => e.user_id === part.userId && e.outcome === outcome && e.points === part.amount && e.share === part.share));
  if (unchanged) return;
  await supersede();
  const rows: ReputationEntryRow[] = parts.map((part) => ({
    id: newId(),
    user_id: part.userId,
    report_id: report.id,
    program_id: report.program_id,
    outcome,
    points: part.amount,
    share: part.share,
    reason: outcomeReason(outcome, part.share),
    created_at: now,
    superseded_at: null,
  }));
  await trx.insertInto('reputation_entries').values(rows).execute();
  await recordAudit(context, trx, actor, {
    action: 'reputation.recorded',
    objectType: 'report',
    objectId: report.id,
    data: { outcome, entries: rows.map((r) => ({ id: r.id, userId: r.user_id, points: r.points })), ...(live.length ? { replaced: live.map((e) => e.id) } : {}) },
  });
}

/** A person's reputation: the sum of their live entries. */
export async function reputationTotal(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('reputation_entries')
    .select((eb) => eb.fn.sum<number | string | null>('points').as('total'))
    .where('user_id', '=', userId)
    .where('superseded_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

export interface MyReputation {
  total: number;
  /** Newest first; superseded entries are listed (they no longer count) so the total can be checked. */
  entries: ReputationEntryView[];
  /** The programmes (of those the person may see) whose low-signal limit holds them at this total. */
  limits: (SubmissionLimit & { program: { id: string; slug: string; name: string } })[];
}

export async function myReputation(db: Executor, actor: Actor, limit = 500): Promise<MyReputation> {
  if (actor.kind !== 'user') return { total: 0, entries: [], limits: [] };
  const [total, rows, visible] = await Promise.all([
    reputationTotal(db, actor.userId),
    db.selectFrom('reputation_entries').selectAll().where('user_id', '=', actor.userId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute(),
    listVisiblePrograms(db, actor),
  ]);
  // Staff are never limited (assertWithinSubmissionLimit).
  const limits = isStaffActor(actor) || visible.length === 0 ? [] : await db.selectFrom('program_submission_limits').selectAll().where('reputation_below', '>', total).execute();
  const programs = new Map(visible.map((program) => [program.id, program]));
  return {
    total,
    entries: rows.map(presentEntry),
    limits: limits.flatMap((row) => {
      const program = programs.get(row.program_id);
      return program ? [{ program: { id: program.id, slug: program.slug, name: program.name }, reputationBelow: row.reputation_below, maxReports: row.max_reports, windowDays: LIMIT_WINDOW_DAYS }] : [];
    }),
  };
}

// ---------------------------------------------------------------- low-signal limits

export interface SubmissionLimit {
  /** Reporters whose reputation is below this… */
  reputationBelow: number;
  /** …may file at most this many reports to the programme… */
  maxReports: number;
  /** …per this many days. */
  windowDays: number;
}

export async function getSubmissionLimit(db: Executor, programId: string): Promise<SubmissionLimit | null> {
  const row = await db.selectFrom('program_submission_limits').selectAll().where('program_id', '=', programId).executeTakeFirst();
  return row ? { reputationBelow: row.reputation_below, maxReports: row.max_reports, windowDays: LIMIT_WINDOW_DAYS } : null;
}

export async function setSubmissionLimit(context: AppContext, trx: Executor, actor: Actor, program: ProgramRow, input: { reputationBelow: number; maxReports: number }): Promise<SubmissionLimit> {
  assertCanConfigureReputation(actor);
  if (!Number.isInteger(input.reputationBelow) || Math.abs(input.reputationBelow) > 1_000_000) throw invalid('/reputationBelow', 'must be a whole number');
  if (!Number.isInteger(input.maxReports) || input.maxReports < 0 || input.maxReports > 10_000) throw invalid('/maxReports', 'must be a whole number from 0 to 10000');
  const now = iso(context.clock.now());
  const values = { reputation_below: input.reputationBelow, max_reports: input.maxReports, updated_at: now, updated_by: actorLabel(actor) };
  await trx
    .insertInto('program_submission_limits')
    .values({ program_id: program.id, ...values })
    .onConflict((oc) => oc.column('program_id').doUpdateSet(values))
    .execute();
  await recordAudit(context, trx, actor, { action: 'program.submission_limit_set', objectType: 'program', objectId: program.id, data: { reputationBelow: input.reputationBelow, maxReports: input.maxReports } });
  return { reputationBelow: input.reputationBelow, maxReports: input.maxReports, windowDays: LIMIT_WINDOW_DAYS };
}

export async function clearSubmissionLimit(context: AppContext, trx: Executor, actor: Actor, program: ProgramRow): Promise<void> {
  assertCanConfigureReputation(actor);
  const result = await trx.deleteFrom('program_submission_limits').where('program_id', '=', program.id).executeTakeFirst();
  if (Number(result.numDeletedRows) > 0) await recordAudit(context, trx, actor, { action: 'program.submission_limit_cleared', objectType: 'program', objectId: program.id });
}

/**
 * Refuses a submission with 429 `rate_limited` when the programme limits low-signal reporters,
 * the submitter's reputation is below its threshold, and they have filed the allowed number of
 * reports to it in the last 30 days. Staff are not limited. Retry-After says when the oldest of
 * those reports leaves the window.
 */
export async function assertWithinSubmissionLimit(context: AppContext, trx: Executor, actor: Actor, program: ProgramRow): Promise<void> {
  if (actor.kind !== 'user' || isStaffActor(actor)) return;
  const limit = await getSubmissionLimit(trx, program.id);
  if (!limit) return;
  const reputation = await reputationTotal(trx, actor.userId);
  if (reputation >= limit.reputationBelow) return;
  // Held until the submission commits: parallel submissions from one reporter are counted one after another.
  await lockKeyForUpdate(trx, context.engine, 'submission_limit', `${program.id}/${actor.userId}`);
  const now = context.clock.now();
  const recent = await trx
    .selectFrom('reports')
    .select('created_at')
    .where('program_id', '=', program.id)
    .where('reporter_id', '=', actor.userId)
    .where('created_at', '>=', iso(addDays(now, -limit.windowDays)))
    .orderBy('created_at')
    .execute();
  if (recent.length < limit.maxReports) return;
  // The report whose leaving the window brings the count below the limit.
  const freeing = recent[recent.length - limit.maxReports];
  const retryAt = freeing ? addDays(new Date(freeing.created_at), limit.windowDays) : undefined;
  const retrySeconds = retryAt ? Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000)) : undefined;
  throw new AppError(
    'rate_limited',
    `This programme accepts at most ${limit.maxReports} report${limit.maxReports === 1 ? '' : 's'} per ${limit.windowDays} days from reporters with reputation below ${limit.reputationBelow}; ` +
      `your reputation is ${reputation} and you have filed ${recent.length} in that time.` +
      (retryAt ? ` You can file again from ${iso(retryAt)}.` : ''),
    [],
    retrySeconds ? { 'Retry-After': String(retrySeconds) } : {},
  );
}
