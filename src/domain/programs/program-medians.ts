import type { Executor } from '../../db/dialect.js';
import { bountyAwardedSince, measures, waitedHours, type SlaMetric } from '../reports/report-sla.js';
import type { ProgramRow } from './program.js';

export interface ResponseMedians {
  /**
   * Median hours (to 0.01 h) from submission to each step over the most recent reports, in the
   * programme's clock (business hours when it counts business days). A report still waiting
   * counts with its age now (it has waited at least that long); one closed without the step is
   * left out. Null when no report counts.
   */
  firstResponseHours: number | null;
  triageHours: number | null;
  /** Bounty programmes only: to the first reward that stands. */
  bountyHours: number | null;
  resolutionHours: number | null;
  sampleSize: number;
}

const SAMPLE = 500;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.round(value * 100) / 100;
}

/**
 * What the programme really achieves, shown beside its promised targets on the public page:
 * medians over its most recent reports, measured as its targets are (`waitedHours`).
 */
export async function measuredMedians(db: Executor, program: ProgramRow, now: Date): Promise<ResponseMedians> {
  const rows = await db
    .selectFrom('reports')
    .select(['id', 'state', 'created_at', 'first_response_at', 'triaged_at', 'resolved_at'])
    .where('program_id', '=', program.id)
    .orderBy('created_at', 'desc')
    .limit(SAMPLE)
    .execute();
  const oldest = rows.at(-1)?.created_at;
  const awarded = oldest && measures(program, 'bounty') ? await bountyAwardedSince(db, program.id, oldest) : new Map<string, string>();
  const businessDays = program.business_days === 1;
  const of = (metric: SlaMetric) =>
    measures(program, metric) ? median(rows.map((r) => waitedHours(r, metric, awarded.get(r.id) ?? null, now, businessDays)).filter((h): h is number => h !== null)) : null;
  return {
    firstResponseHours: of('first_response'),
    triageHours: of('triage'),
    bountyHours: of('bounty'),
    resolutionHours: of('resolution'),
    sampleSize: rows.length,
  };
}
