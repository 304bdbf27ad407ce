import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { iso } from '../../shared/time.js';
import type { Duration, ProgramRow, ResponseTargets } from '../programs/program.js';
import { OPEN_STATES, type ReportState } from './report-state.js';
import type { ReportRow } from './report.js';

export const SLA_METRICS = ['first_response', 'triage', 'bounty', 'resolution'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];
/** The metrics whose stop is a column of the report; the bounty clock stops at the first reward (rewards table). */
type ColumnMetric = Exclude<SlaMetric, 'bounty'>;

const TARGET_OF: Record<SlaMetric, keyof ResponseTargets> = { first_response: 'firstResponse', triage: 'triage', bounty: 'bounty', resolution: 'resolution' };
const MET_AT: Record<ColumnMetric, 'first_response_at' | 'triaged_at' | 'resolved_at'> = { first_response: 'first_response_at', triage: 'triaged_at', resolution: 'resolved_at' };
const DUE_AT: Record<SlaMetric, 'first_response_due_at' | 'triage_due_at' | 'bounty_due_at' | 'resolution_due_at'> = {
  first_response: 'first_response_due_at',
  triage: 'triage_due_at',
  bounty: 'bounty_due_at',
  resolution: 'resolution_due_at',
};
/**
 * The states in which each clock runs (and can be breached). A bounty is still owed on a resolved
 * report (resolved reports can be rewarded); a report closed otherwise stops every clock but the
 * first response's, which must be answered all the same.
 */
const RUNNING: Record<SlaMetric, readonly ReportState[]> = {
  first_response: OPEN_STATES,
  triage: OPEN_STATES,
  bounty: [...OPEN_STATES, 'resolved'],
  resolution: OPEN_STATES,
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const isWeekend = (date: Date) => date.getUTCDay() === 0 || date.getUTCDay() === 6;

/**
 * The moment a target falls due. In business days (UTC), Saturdays and Sundays do not count:
 * a 2-day target set on Friday falls due on Tuesday; an 8-hour target set on Friday 20:00 on
 * Monday 04:00.
 */
export function dueAfter(start: Date, duration: Duration, businessDays: boolean): Date {
  const hours = duration.unit === 'days' ? duration.value * 24 : duration.value;
  if (!businessDays) return new Date(start.getTime() + hours * HOUR);
  let remaining = hours * HOUR;
  let cursor = start.getTime();
  while (remaining > 0) {
    const date = new Date(cursor);
    const nextMidnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1);
    if (isWeekend(date)) {
      cursor = nextMidnight;
      continue;
    }
    const step = Math.min(remaining, nextMidnight - cursor);
    cursor += step;
    remaining -= step;
  }
  return new Date(cursor);
}

/** Weekday time (UTC) from a fixed Monday to `t`, in ms: the difference of two readings is the business time between them. */
function businessClock(t: number): number {
  const day = Math.floor(t / DAY);
  const sinceMonday = day + 3; // 1970-01-01 was a Thursday: day -3 was a Monday
  const week = Math.floor(sinceMonday / 7);
  const weekday = sinceMonday - week * 7; // 0 Monday … 6 Sunday
  return (week * 5 + Math.min(weekday, 5)) * DAY + (weekday < 5 ? t - day * DAY : 0);
}

/**
 * Hours between two moments in the programme's clock: calendar time, or in business days the
 * weekday time only (the inverse of `dueAfter`, so a report answered exactly at its due time took
 * exactly its target). A business day is 24 hours of a weekday, as in the targets.
 */
export function elapsedHours(from: string | Date, to: string | Date, businessDays: boolean): number {
  const a = new Date(from).getTime();
  const b = new Date(to).getTime();
  return (businessDays ? businessClock(b) - businessClock(a) : b - a) / HOUR;
}

/** Whether the programme measures this metric: a bounty only in bounty programmes (a VDP pays none). */
export const measures = (program: Pick<ProgramRow, 'kind'>, metric: SlaMetric) => metric !== 'bounty' || program.kind === 'bounty';

/** Due times for a report submitted now under the programme's current targets. */
export function dueTimes(
  program: Pick<ProgramRow, 'response_targets' | 'business_days' | 'kind'>,
  submittedAt: Date,
): Pick<ReportRow, 'first_response_due_at' | 'triage_due_at' | 'bounty_due_at' | 'resolution_due_at'> {
  const targets = JSON.parse(program.response_targets) as ResponseTargets;
  const due = (metric: SlaMetric) => {
    const target = targets[TARGET_OF[metric]];
    return target && measures(program, metric) ? iso(dueAfter(submittedAt, target, program.business_days === 1)) : null;
  };
  return { first_response_due_at: due('first_response'), triage_due_at: due('triage'), bounty_due_at: due('bounty'), resolution_due_at: due('resolution') };
}

/**
 * When each report's bounty clock stopped: its first reward that stands (a cancelled one was
 * withdrawn, so it does not count), for the reports named, or those of a programme submitted
 * since a time. One grouped query.
 */
async function firstStandingRewards(db: Executor, reports: readonly string[] | { programId: string; since: string }): Promise<Map<string, string>> {
  const ids =
    'programId' in reports ? db.selectFrom('reports').select('id').where('program_id', '=', reports.programId).where('created_at', '>=', reports.since) : [...reports];
  const rows = await db
    .selectFrom('rewards')
    .select(['report_id', (eb) => eb.fn.min('created_at').as('awarded_at')])
    .where('report_id', 'in', ids)
    .where('state', '<>', 'cancelled')
    .groupBy('report_id')
    .execute();
  return new Map(rows.map((row) => [row.report_id, String(row.awarded_at)]));
}

/** `firstStandingRewards` for a page or batch of reports (at most a few hundred ids). */
export async function bountyAwardedAt(db: Executor, reportIds: readonly string[]): Promise<Map<string, string>> {
  return reportIds.length === 0 ? new Map() : firstStandingRewards(db, reportIds);
}

/** The same for every report of a programme submitted since `since` (for the figures). */
export function bountyAwardedSince(db: Executor, programId: string, since: string): Promise<Map<string, string>> {
  return firstStandingRewards(db, { programId, since });
}

type ClockFields = Pick<ReportRow, 'state' | 'created_at' | 'first_response_at' | 'triaged_at' | 'resolved_at'>;
const metAt = (report: ClockFields, metric: SlaMetric, bountyAt: string | null | undefined) => (metric === 'bounty' ? (bountyAt ?? null) : report[MET_AT[metric]]);

export interface SlaClock {
  metric: SlaMetric;
  dueAt: string;
  metAt: string | null;
  /** met: done in time; missed: done late; pending: not done, not yet due; breached: not done and overdue; void: closed without it. */
  state: 'met' | 'missed' | 'pending' | 'breached' | 'void';
}

/**
 * The report's clocks, for its page and the inbox. `bountyAt` is when its first standing reward
 * was made (`bountyAwardedAt`), null for none; left undefined, the bounty clock is not shown
 * (the caller did not look it up).
 */
export function slaClocks(report: ReportRow, now: Date, bountyAt?: string | null): SlaClock[] {
  return SLA_METRICS.flatMap((metric): SlaClock[] => {
    const dueAt = report[DUE_AT[metric]];
    if (!dueAt || (metric === 'bounty' && bountyAt === undefined)) return [];
    const met = metAt(report, metric, bountyAt);
    const running = RUNNING[metric].includes(report.state);
    const state = met ? (met <= dueAt ? 'met' : 'missed') : !running && metric !== 'first_response' ? 'void' : iso(now) > dueAt ? 'breached' : 'pending';
    return [{ metric, dueAt, metAt: met, state }];
  });
}

/**
 * How long a report took to reach a step, in hours of the programme's clock; while that clock
 * still runs, its age now: it has waited at least that long, and leaving it out would make the
 * figures look better than what reporters live through. Null when it was closed without the step.
 */
export function waitedHours(report: ClockFields, metric: SlaMetric, bountyAt: string | null | undefined, now: Date, businessDays: boolean): number | null {
  const met = metAt(report, metric, bountyAt);
  if (met) return elapsedHours(report.created_at, met, businessDays);
  if (!RUNNING[metric].includes(report.state)) return null;
  return Math.max(0, elapsedHours(report.created_at, now, businessDays));
}

const statesSql = (states: readonly ReportState[]) => sql.join(states.map((s) => sql.lit(s)));

/** SQL for "this metric's clock is breached now" on a row of `reports`; portable: due times are ISO strings, which compare in time order. */
function metricBreachedSql(metric: SlaMetric, at: string) {
  const running = sql`reports.state in (${statesSql(RUNNING[metric])})`;
  const due = sql.ref(`reports.${DUE_AT[metric]}`);
  if (metric === 'bounty') {
    // The rewards_report index (report_id, created_at) answers this per breached row.
    return sql<boolean>`(${due} < ${at} and ${running} and not exists (select 1 from rewards where rewards.report_id = reports.id and rewards.state <> 'cancelled'))`;
  }
  return sql<boolean>`(${sql.ref(`reports.${MET_AT[metric]}`)} is null and ${due} < ${at} and ${running})`;
}

/** SQL for "some clock is breached now" (the inbox's filter). */
export function breachedCondition(now: Date) {
  const at = iso(now);
  return sql<boolean>`(${sql.join(SLA_METRICS.map((metric) => metricBreachedSql(metric, at)), sql` or `)})`;
}

/** SQL for "some clock is breached now and that breach was not noticed yet". */
function unnoticedBreachCondition(now: Date) {
  const at = iso(now);
  const unnoticed = (metric: SlaMetric) =>
    sql<boolean>`(${metricBreachedSql(metric, at)} and not exists (select 1 from sla_breaches where sla_breaches.report_id = reports.id and sla_breaches.metric = ${sql.lit(metric)}))`;
  return sql<boolean>`(${sql.join(SLA_METRICS.map(unnoticed), sql` or `)})`;
}

const NOTICE_BATCH = 500;

export interface NoticedBreach {
  report: ReportRow;
  metric: SlaMetric;
  dueAt: string;
}

/**
 * Records every breach not yet noticed and returns them (each is noticed once). Reads in batches
 * of reports by id (keyset), taking only reports with a breach not yet in sla_breaches, so however
 * many are overdue at once all are noticed in one run.
 */
export async function noticeNewBreaches(context: AppContext, trx: Executor): Promise<NoticedBreach[]> {
  const now = context.clock.now();
  const found: NoticedBreach[] = [];
  let after: string | null = null;
  for (;;) {
    let query = trx.selectFrom('reports').selectAll().where(unnoticedBreachCondition(now)).orderBy('id').limit(NOTICE_BATCH);
    if (after !== null) query = query.where('id', '>', after);
    const batch = await query.execute();
    if (batch.length === 0) break;
    const awarded = await bountyAwardedAt(trx, batch.filter((r) => r.bounty_due_at !== null).map((r) => r.id));
    const breaches = batch.flatMap((report) =>
      slaClocks(report, now, awarded.get(report.id) ?? null)
        .filter((clock) => clock.state === 'breached')
        .map((clock) => ({ report, metric: clock.metric, dueAt: clock.dueAt })),
    );
    if (breaches.length > 0) {
      const inserted = await trx
        .insertInto('sla_breaches')
        .values(breaches.map((b) => ({ report_id: b.report.id, metric: b.metric, due_at: b.dueAt, noticed_at: iso(now) })))
        .onConflict((oc) => oc.columns(['report_id', 'metric']).doNothing())
        .returning(['report_id', 'metric'])
        .execute();
      const fresh = new Set(inserted.map((row) => `${row.report_id}/${row.metric}`));
      found.push(...breaches.filter((b) => fresh.has(`${b.report.id}/${b.metric}`)));
    }
    if (batch.length < NOTICE_BATCH) break;
    after = batch[batch.length - 1]!.id;
  }
  return found;
}

export interface HoursStat {
  median: number | null;
  p90: number | null;
}

export interface MonthlySla {
  month: string;
  submitted: number;
  firstResponseHours: HoursStat;
  triageHours: HoursStat;
  /** Bounty programmes only (null figures in a VDP). */
  bountyHours: HoursStat;
  resolutionHours: HoursStat;
  breaches: number;
  /** Reports open at the end of the month. */
  openAtEnd: number;
}

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[index]! * 10) / 10;
}

const STAT_KEY: Record<SlaMetric, 'firstResponseHours' | 'triageHours' | 'bountyHours' | 'resolutionHours'> = {
  first_response: 'firstResponseHours',
  triage: 'triageHours',
  bounty: 'bountyHours',
  resolution: 'resolutionHours',
};

/** Each report's state changes in order, as moves into an open state or out of one (the timeline's `state_change` events). */
async function openingsAndClosings(db: Executor, programId: string): Promise<Map<string, { at: string; open: boolean }[]>> {
  const changes = await db
    .selectFrom('report_events')
    .innerJoin('reports', 'reports.id', 'report_events.report_id')
    .select(['report_events.report_id', 'report_events.data', 'report_events.created_at'])
    .where('reports.program_id', '=', programId)
    .where('report_events.kind', '=', 'state_change')
    .orderBy('report_events.created_at')
    .orderBy('report_events.seq')
    .execute();
  const history = new Map<string, { at: string; open: boolean }[]>();
  for (const change of changes) {
    const to = (JSON.parse(change.data ?? '{}') as { to?: string }).to;
    if (!to) continue;
    const steps = history.get(change.report_id) ?? [];
    steps.push({ at: change.created_at, open: (OPEN_STATES as readonly string[]).includes(to) });
    history.set(change.report_id, steps);
  }
  return history;
}

/**
 * Per month (UTC) of submission: medians and 90th percentiles of the hours to each milestone in
 * the programme's clock (business hours when it counts business days), reports still waiting
 * counted at their age now (`waitedHours`); breaches, and the open backlog at each month's end.
 */
export async function slaDashboard(db: Executor, program: Pick<ProgramRow, 'id' | 'kind' | 'business_days'>, months: number, now: Date): Promise<MonthlySla[]> {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
  const businessDays = program.business_days === 1;
  const rows = await db
    .selectFrom('reports')
    .select(['id', 'created_at', 'first_response_at', 'triaged_at', 'resolved_at', 'state', 'updated_at'])
    .where('program_id', '=', program.id)
    .where('created_at', '>=', iso(start))
    .execute();
  const awarded = program.kind === 'bounty' ? await bountyAwardedSince(db, program.id, iso(start)) : new Map<string, string>();
  const breaches = await db
    .selectFrom('sla_breaches')
    .innerJoin('reports', 'reports.id', 'sla_breaches.report_id')
    .select(['sla_breaches.noticed_at'])
    .where('reports.program_id', '=', program.id)
    .where('sla_breaches.noticed_at', '>=', iso(start))
    .execute();
  // The backlog counts every report of the programme, also those submitted before the window,
  // open or not at each month's end by its state changes: a report closed and then reopened is
  // open again from its reopening.
  const lifetimes = await db
    .selectFrom('reports')
    .select(['id', 'created_at', 'state', 'updated_at', 'resolved_at'])
    .where('program_id', '=', program.id)
    .where('created_at', '<', iso(now))
    .execute();
  const history = await openingsAndClosings(db, program.id);
  const openAt = (report: (typeof lifetimes)[number], end: string): boolean => {
    if (report.created_at >= end) return false;
    const steps = history.get(report.id);
    // No recorded state change (a report written in its state): closed at its resolution or last update.
    if (!steps) return OPEN_STATES.includes(report.state) || (report.resolved_at ?? report.updated_at) > end;
    let open = true;
    for (const step of steps) {
      if (step.at >= end) break;
      open = step.open;
    }
    return open;
  };
  const result: MonthlySla[] = [];
  for (let i = 0; i < months; i++) {
    const from = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1));
    const to = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i + 1, 1));
    const inMonth = rows.filter((r) => r.created_at >= iso(from) && r.created_at < iso(to));
    const stat = (metric: SlaMetric): HoursStat => {
      if (!measures(program, metric)) return { median: null, p90: null };
      const hours = inMonth.map((r) => waitedHours(r, metric, awarded.get(r.id) ?? null, now, businessDays)).filter((h): h is number => h !== null);
      return { median: percentile(hours, 50), p90: percentile(hours, 90) };
    };
    const end = iso(to < now ? to : now);
    const openAtEnd = lifetimes.filter((r) => openAt(r, end)).length;
    const stats = Object.fromEntries(SLA_METRICS.map((metric) => [STAT_KEY[metric], stat(metric)])) as Record<(typeof STAT_KEY)[SlaMetric], HoursStat>;
    result.push({
      month: iso(from).slice(0, 7),
      submitted: inMonth.length,
      ...stats,
      breaches: breaches.filter((b) => b.noticed_at >= iso(from) && b.noticed_at < iso(to)).length,
      openAtEnd,
    });
  }
  return result;
}
