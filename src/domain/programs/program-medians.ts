import type { Executor } from '../../db/dialect.js';
import type { ProgramRow } from './program.js';

export interface ResponseMedians {
  /** Median hours (to 0.01 h) from submission, over the most recent reports that reached each milestone. */
  firstResponseHours: number | null;
  triageHours: number | null;
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

const hoursBetween = (from: string, to: string | null) => (to ? (new Date(to).getTime() - new Date(from).getTime()) / 3_600_000 : undefined);

/**
 * What the programme really achieves, shown beside its promised targets on the public page:
 * medians over its most recent reports (in calendar hours).
 */
export async function measuredMedians(db: Executor, program: ProgramRow): Promise<ResponseMedians> {
  const rows = await db
    .selectFrom('reports')
    .select(['created_at', 'first_response_at', 'triaged_at', 'resolved_at'])
    .where('program_id', '=', program.id)
    .orderBy('created_at', 'desc')
    .limit(SAMPLE)
    .execute();
  const pick = (key: 'first_response_at' | 'triaged_at' | 'resolved_at') =>
    rows.map((r) => hoursBetween(r.created_at, r[key])).filter((h): h is number => h !== undefined);
  return { firstResponseHours: median(pick('first_response_at')), triageHours: median(pick('triaged_at')), resolutionHours: median(pick('resolved_at')), sampleSize: rows.length };
}
