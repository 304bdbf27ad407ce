import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { iso } from '../../shared/time.js';
import type { Duration, ProgramRow, ResponseTargets } from '../programs/program.js';
import { OPEN_STATES } from './report-state.js';
import type { ReportRow } from './report.js';

export const SLA_METRICS = ['first_response', 'triage', 'resolution'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

const TARGET_OF: Record<SlaMetric, keyof ResponseTargets> = { first_response: 'firstResponse', triage: 'triage', resolution: 'resolution' };
const MET_AT: Record<SlaMetric, 'first_response_at' | 'triaged_at' | 'resolved_at'> = { first_response: 'first_response_at', triage: 'triaged_at', resolution: 'resolved_at' };
const DUE_AT: Record<SlaMetric, 'first_response_due_at' | 'triage_due_at' | 'resolution_due_at'> = {
  first_response: 'first_response_due_at',
  triage: 'triage_due_at',
  resolution: 'resolution_due_at',
};

const HOUR = 3_600_000;
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

/** Due times for a report submitted now under the programme's current targets. */
export function dueTimes(program: Pick<ProgramRow, 'response_targets' | 'business_days'>, submittedAt: Date): Pick<ReportRow, 'first_response_due_at' | 'triage_due_at' | 'resolution_due_at'> {
  const targets = JSON.parse(program.response_targets) as ResponseTargets;
  const due = (metric: SlaMetric) => {
    const target = targets[TARGET_OF[metric]];
    return target ? iso(dueAfter(submittedAt, target, program.business_days === 1)) : null;
  };
  return { first_response_due_at: due('first_response'), triage_due_at: due('triage'), resolution_due_at: due('resolution') };
}

export interface SlaClock {
  metric: SlaMetric;
  dueAt: string;
  metAt: string | null;
  /** met: done in time; missed: done late; pending: not done, not yet due; breached: not done and overdue; void: closed without it. */
  state: 'met' | 'missed' | 'pending' | 'breached' | 'void';
}

/** The report's clocks, for its page and the inbox. */
export function slaClocks(report: ReportRow, now: Date): SlaClock[] {
  const open = OPEN_STATES.includes(report.state);
  return SLA_METRICS.flatMap((metric): SlaClock[] => {
    const dueAt = report[DUE_AT[metric]];
    if (!dueAt) return [];
    const metAt = report[MET_AT[metric]];
    const state = metAt ? (metAt <= dueAt ? 'met' : 'missed') : !open && metric !== 'first_response' ? 'void' : iso(now) > dueAt ? 'breached' : 'pending';
    return [{ metric, dueAt, metAt, state }];
  });
}

/**
 * SQL for "some clock is breached now", portable: due times are ISO strings, which compare in
 * time order. Resolution and triage only run while the report is open.
 */
export function breachedCondition(now: Date) {
  const at = iso(now);
  const open = sql.join(OPEN_STATES.map((s) => sql.lit(s)));
  return sql<boolean>`(
    (first_response_at is null and first_response_due_at < ${at} and state in (${open}))
    or (triaged_at is null and triage_due_at < ${at} and state in (${open}))
    or (resolved_at is null and resolution_due_at < ${at} and state in (${open}))
  )`;
}

/** Records breaches not yet noticed and returns them (each is noticed once). */
export async function noticeNewBreaches(context: AppContext, trx: Executor): Promise<{ report: ReportRow; metric: SlaMetric; dueAt: string }[]> {
  const now = context.clock.now();
  const candidates = await trx.selectFrom('reports').selectAll().where(breachedCondition(now)).limit(500).execute();
  const found: { report: ReportRow; metric: SlaMetric; dueAt: string }[] = [];
  for (const report of candidates) {
    for (const clock of slaClocks(report, now).filter((c) => c.state === 'breached')) {
      const inserted = await trx
        .insertInto('sla_breaches')
        .values({ report_id: report.id, metric: clock.metric, due_at: clock.dueAt, noticed_at: iso(now) })
        .onConflict((oc) => oc.columns(['report_id', 'metric']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) found.push({ report, metric: clock.metric, dueAt: clock.dueAt });
    }
  }
  return found;
}

export interface MonthlySla {
  month: string;
  submitted: number;
  firstResponseHours: { median: number | null; p90: number | null };
  triageHours: { median: number | null; p90: number | null };
  resolutionHours: { median: number | null; p90: number | null };
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

/**
 * Per month (UTC) of submission: medians and 90th percentiles of the hours to each milestone,
 * breaches, and the open backlog at each month's end.
 */
export async function slaDashboard(db: Executor, programId: string, months: number, now: Date): Promise<MonthlySla[]> {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1), 1));
  const rows = await db
    .selectFrom('reports')
    .select(['id', 'created_at', 'first_response_at', 'triaged_at', 'resolved_at', 'state', 'updated_at'])
    .where('program_id', '=', programId)
    .where('created_at', '>=', iso(start))
    .execute();
  const breaches = await db
    .selectFrom('sla_breaches')
    .innerJoin('reports', 'reports.id', 'sla_breaches.report_id')
    .select(['sla_breaches.noticed_at'])
    .where('reports.program_id', '=', programId)
    .where('sla_breaches.noticed_at', '>=', iso(start))
    .execute();
  // The backlog counts every report of the programme, also those submitted before the window.
  const lifetimes = await db
    .selectFrom('reports')
    .select(['created_at', 'state', 'updated_at', 'resolved_at'])
    .where('program_id', '=', programId)
    .where('created_at', '<', iso(now))
    .execute();
  const result: MonthlySla[] = [];
  for (let i = 0; i < months; i++) {
    const from = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1));
    const to = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i + 1, 1));
    const inMonth = rows.filter((r) => r.created_at >= iso(from) && r.created_at < iso(to));
    const hours = (key: 'first_response_at' | 'triaged_at' | 'resolved_at') =>
      inMonth.filter((r) => r[key]).map((r) => (new Date(r[key]!).getTime() - new Date(r.created_at).getTime()) / HOUR);
    const end = to < now ? to : now;
    // A report counts as open at `end` if submitted before it and not closed by then (closing time: resolved_at, or its last update when closed otherwise).
    const openAtEnd = lifetimes.filter((r) => {
      if (r.created_at >= iso(end)) return false;
      if (OPEN_STATES.includes(r.state)) return true;
      const closedAt = r.resolved_at ?? r.updated_at;
      return closedAt > iso(end);
    }).length;
    result.push({
      month: iso(from).slice(0, 7),
      submitted: inMonth.length,
      firstResponseHours: { median: percentile(hours('first_response_at'), 50), p90: percentile(hours('first_response_at'), 90) },
      triageHours: { median: percentile(hours('triaged_at'), 50), p90: percentile(hours('triaged_at'), 90) },
      resolutionHours: { median: percentile(hours('resolved_at'), 50), p90: percentile(hours('resolved_at'), 90) },
      breaches: breaches.filter((b) => b.noticed_at >= iso(from) && b.noticed_at < iso(to)).length,
      openAtEnd,
    });
  }
  return result;
}
