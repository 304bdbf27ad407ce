import { sql } from 'kysely';
import type { Executor } from '../../db/dialect.js';
import { addDays, iso, type Clock } from '../../shared/time.js';
import type { Actor } from '../auth/actor.js';
import { assertCanReadFindings } from './finding.policy.js';
import { CANDIDATE_STATES } from './finding.service.js';

/**
 * Findings per source and per finder (tool, AI agent or person) with their review outcomes, and
 * the same over time. The false-positive rate of a source is the share of its reviewed candidates
 * (approved or rejected) that were rejected as false positives.
 */

export interface OutcomeRow {
  name: string;
  findings: number;
  candidates: number;
  pending: number;
  approved: number;
  falsePositive: number;
  otherRejected: number;
  /** null until something of it was reviewed. */
  falsePositiveRate: number | null;
}

function tally(rows: { name: string; state: string; reason: string | null; candidates: number | string; findings: number | string }[]): OutcomeRow[] {
  const byName = new Map<string, OutcomeRow>();
  for (const row of rows) {
    const entry = byName.get(row.name) ?? { name: row.name, findings: 0, candidates: 0, pending: 0, approved: 0, falsePositive: 0, otherRejected: 0, falsePositiveRate: null };
    const candidates = Number(row.candidates);
    entry.findings += Number(row.findings);
    entry.candidates += candidates;
    if (row.state === 'pending') entry.pending += candidates;
    else if (row.state === 'approved') entry.approved += candidates;
    else if (row.reason === 'false_positive') entry.falsePositive += candidates;
    else entry.otherRejected += candidates;
    byName.set(row.name, entry);
  }
  for (const entry of byName.values()) {
    const decided = entry.approved + entry.falsePositive + entry.otherRejected;
    entry.falsePositiveRate = decided === 0 ? null : Math.round((entry.falsePositive / decided) * 1000) / 1000;
  }
  return [...byName.values()].sort((a, b) => b.findings - a.findings || a.name.localeCompare(b.name));
}

export async function findingsDashboard(db: Executor, clock: Clock, actor: Actor, options: { days?: number | undefined } = {}) {
  assertCanReadFindings(actor);
  const days = Math.min(Math.max(options.days ?? 30, 1), 366);
  const since = iso(addDays(clock.now(), -days));
  const bySource = await db
    .selectFrom('findings as f')
    .innerJoin('finding_sources as s', 's.id', 'f.source_id')
    .innerJoin('finding_candidates as c', 'c.id', 'f.candidate_id')
    .select((eb) => ['s.name as name', 'c.state as state', 'c.rejection_reason as reason', eb.fn.count<number | string>('c.id').distinct().as('candidates'), eb.fn.countAll<number | string>().as('findings')])
    .groupBy(['s.name', 'c.state', 'c.rejection_reason'])
    .execute();
  const byFinder = await db
    .selectFrom('findings as f')
    .innerJoin('finding_candidates as c', 'c.id', 'f.candidate_id')
    .select((eb) => [
      sql<string>`f.finder_kind || ': ' || f.finder_name`.as('name'),
      'c.state as state',
      'c.rejection_reason as reason',
      eb.fn.count<number | string>('c.id').distinct().as('candidates'),
      eb.fn.countAll<number | string>().as('findings'),
    ])
    .groupBy(['f.finder_kind', 'f.finder_name', 'c.state', 'c.rejection_reason'])
    .limit(10_000)
    .execute();
  const day = sql<string>`substr(i.started_at, 1, 10)`;
  const imported = await db
    .selectFrom('finding_imports as i')
    .innerJoin('finding_sources as s', 's.id', 'i.source_id')
    .select((eb) => [day.as('day'), 's.name as source', eb.fn.sum<number | string>('i.created').as('created')])
    .where('i.started_at', '>=', since)
    .where('i.state', '=', 'completed')
    .groupBy([day, 's.name'])
    .orderBy(day)
    .execute();
  const reviewDay = sql<string>`substr(r.created_at, 1, 10)`;
  const reviewed = await db
    .selectFrom('finding_reviews as r')
    .select((eb) => [reviewDay.as('day'), 'r.decision as decision', 'r.reason as reason', eb.fn.countAll<number | string>().as('n')])
    .where('r.created_at', '>=', since)
    .groupBy([reviewDay, 'r.decision', 'r.reason'])
    .orderBy(reviewDay)
    .execute();
  const timeline = new Map<string, { day: string; imported: Record<string, number>; approved: number; falsePositive: number; otherRejected: number }>();
  const dayEntry = (d: string) => {
    let entry = timeline.get(d);
    if (!entry) timeline.set(d, (entry = { day: d, imported: {}, approved: 0, falsePositive: 0, otherRejected: 0 }));
    return entry;
  };
  for (const row of imported) dayEntry(row.day).imported[row.source] = Number(row.created);
  for (const row of reviewed) {
    const entry = dayEntry(row.day);
    if (row.decision === 'approved') entry.approved += Number(row.n);
    else if (row.reason === 'false_positive') entry.falsePositive += Number(row.n);
    else entry.otherRejected += Number(row.n);
  }
  const states = await db
    .selectFrom('finding_candidates')
    .select((eb) => ['state', eb.fn.countAll<number | string>().as('n')])
    .groupBy('state')
    .execute();
  return {
    days,
    candidates: Object.fromEntries(CANDIDATE_STATES.map((s) => [s, Number(states.find((r) => r.state === s)?.n ?? 0)])),
    sources: tally(bySource),
    finders: tally(byFinder),
    timeline: [...timeline.values()].sort((a, b) => a.day.localeCompare(b.day)),
  };
}
