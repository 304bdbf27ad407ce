import type { Selectable } from 'kysely';
import type { ReportState } from '../reports/report-state.js';
import type { ReputationEntryTable } from './reputation.table.js';

export type ReputationEntryRow = Selectable<ReputationEntryTable>;

/**
 * What a closed report earns its people. `duplicate` is for a duplicate filed before the original
 * was public (disclosed); `duplicate_after_disclosure` for one filed after.
 */
export const OUTCOMES = ['resolved', 'informative', 'not_applicable', 'spam', 'duplicate', 'duplicate_after_disclosure'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type PointsTable = Record<Outcome, number>;

/**
 * What an entry records: a configurable outcome, or `duplicate_of_own` — a duplicate whose
 * submitter or a collaborator was already the original's submitter or a collaborator. That is no
 * independent find, so it earns nothing (0, not configurable): otherwise filing a copy of one's
 * own report would pay.
 */
export type EntryOutcome = Outcome | 'duplicate_of_own';

export const DEFAULT_POINTS: Readonly<PointsTable> = Object.freeze({
  resolved: 7,
  informative: 0,
  not_applicable: -5,
  spam: -10,
  duplicate: 2,
  duplicate_after_disclosure: 0,
});

export const POINTS_RANGE = { min: -1000, max: 1000 } as const;

/** Low-signal limits count reports over this many days. */
export const LIMIT_WINDOW_DAYS = 30;

const REASONS: Record<EntryOutcome, string> = {
  resolved: 'resolved',
  informative: 'closed as informative',
  not_applicable: 'closed as not applicable',
  spam: 'closed as spam',
  duplicate: 'duplicate filed before the original was disclosed',
  duplicate_after_disclosure: 'duplicate of a report that was already disclosed',
  duplicate_of_own: 'duplicate of a report by the same people, not an independent find',
};

export function outcomeReason(outcome: EntryOutcome, share: number): string {
  return share === 100 ? REASONS[outcome] : `${REASONS[outcome]} (${share}% share)`;
}

/**
 * The outcome a report in `state` stands for, or null while it is open. A disclosed report was
 * resolved first and keeps that outcome.
 */
export function outcomeOfState(state: ReportState): Exclude<Outcome, 'duplicate_after_disclosure'> | null {
  switch (state) {
    case 'resolved':
    case 'disclosed':
      return 'resolved';
    case 'informative':
    case 'not_applicable':
    case 'spam':
    case 'duplicate':
      return state;
    default:
      return null;
  }
}

export interface ReputationEntryView {
  id: string;
  reportId: string;
  programId: string;
  outcome: string;
  points: number;
  share: number;
  reason: string;
  createdAt: string;
  /** Set when a later outcome of the report replaced this entry (it no longer counts). */
  supersededAt: string | null;
}

export function presentEntry(row: ReputationEntryRow): ReputationEntryView {
  return {
    id: row.id,
    reportId: row.report_id,
    programId: row.program_id,
    outcome: row.outcome,
    points: row.points,
    share: row.share,
    reason: row.reason,
    createdAt: row.created_at,
    supersededAt: row.superseded_at,
  };
}
