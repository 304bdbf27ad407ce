import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { median } from '../vendors/vendor.service.js';
import { OPEN_STATES } from './case.js';
import { assertCanReadCases } from './case.policy.js';
import type { Actor } from '../auth/actor.js';

/**
 * The cases dashboard: open cases by state and age, vendors' acknowledgement and fix times
 * (medians, from the vendor directory's response history that cases feed), and month by month
 * how many cases were opened, disclosed and closed and how fast vendors answered.
 */

export const AGE_BUCKETS = [
  { key: 'under_7d', label: '< 7 days', maxDays: 7 },
  { key: '7_30d', label: '7–30 days', maxDays: 30 },
  { key: '30_90d', label: '30–90 days', maxDays: 90 },
  { key: 'over_90d', label: '> 90 days', maxDays: Infinity },
] as const;

const month = (iso: string) => iso.slice(0, 7);

function lastMonths(now: Date, count: number): string[] {
  const months: string[] = [];
  for (let i = count - 1; i >= 0; i--) months.push(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7));
  return months;
}

export async function caseDashboard(context: AppContext, db: Executor, actor: Actor, options: { months?: number | undefined } = {}) {
  assertCanReadCases(actor);
  const now = context.clock.now();
  const months = lastMonths(now, Math.min(Math.max(options.months ?? 12, 1), 36));
  const since = `${months[0]}-01T00:00:00.000Z`;
  const open = await db.selectFrom('cases').select(['state', 'created_at']).where('state', 'in', [...OPEN_STATES]).execute();
  const byState = Object.fromEntries(OPEN_STATES.map((s) => [s, 0])) as Record<string, number>;
  const byAge = AGE_BUCKETS.map((b) => ({ key: b.key, label: b.label, total: 0, byState: Object.fromEntries(OPEN_STATES.map((s) => [s, 0])) as Record<string, number> }));
  for (const row of open) {
    byState[row.state] = (byState[row.state] ?? 0) + 1;
    const age = (now.getTime() - Date.parse(row.created_at)) / 86_400_000;
    const bucket = byAge[AGE_BUCKETS.findIndex((b) => age < b.maxDays)]!;
    bucket.total += 1;
    bucket.byState[row.state] = (bucket.byState[row.state] ?? 0) + 1;
  }
  const [created, disclosed, closed, responses] = await Promise.all([
    db.selectFrom('cases').select('created_at as at').where('created_at', '>=', since).execute(),
    db.selectFrom('cases').select('disclosed_at as at').where('disclosed_at', '>=', since).execute(),
    db.selectFrom('cases').select('closed_at as at').where('closed_at', '>=', since).execute(),
    db
      .selectFrom('vendor_response_times')
      .select(['vendor_id', 'kind', 'hours', 'responded_at'])
      .where('case_ref', 'in', db.selectFrom('cases').select('id'))
      .where('responded_at', '>=', since)
      .execute(),
  ]);
  const count = (rows: { at: string | null }[], m: string) => rows.filter((r) => r.at && month(r.at) === m).length;
  const hours = (kind: string, m?: string) => responses.filter((r) => r.kind === kind && (!m || month(r.responded_at) === m)).map((r) => Number(r.hours));
  const acknowledgements = hours('acknowledgement');
  const fixes = hours('fix');
  return {
    generatedAt: now.toISOString(),
    open: { total: open.length, byState, byAge },
    responseTimes: {
      acknowledgement: { medianHours: median(acknowledgements), samples: acknowledgements.length },
      fix: { medianHours: median(fixes), samples: fixes.length },
    },
    months: months.map((m) => ({
      month: m,
      opened: count(created, m),
      disclosed: count(disclosed, m),
      closed: count(closed, m),
      medianAcknowledgementHours: median(hours('acknowledgement', m)),
      medianFixHours: median(hours('fix', m)),
    })),
  };
}
