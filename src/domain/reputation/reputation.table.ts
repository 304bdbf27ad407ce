/**
 * Reputation as entries: a person's total is the sum of their live (not superseded) entries, so
 * it can be checked and recomputed. A report has at most one live entry per person: a new outcome
 * supersedes the previous one.
 */
export interface ReputationEntryTable {
  id: string;
  user_id: string;
  report_id: string;
  program_id: string;
  outcome: string;
  points: number;
  /** The person's percentage of the report's credit (100 without collaborators). */
  share: number;
  reason: string;
  created_at: string;
  superseded_at: string | null;
}

/** The deployment's points per outcome; absent outcomes take the defaults (reputation.ts). */
export interface ReputationPointsTable {
  outcome: string;
  points: number;
  updated_at: string;
  updated_by: string;
}

/** A programme's limit for low-signal reporters: below `reputation_below`, at most `max_reports` per 30 days. */
export interface ProgramSubmissionLimitTable {
  program_id: string;
  reputation_below: number;
  max_reports: number;
  updated_at: string;
  updated_by: string;
}

/** Whether and how a person is named in halls of fame. */
export interface HallOfFameProfileTable {
  user_id: string;
  handle: string | null;
  handle_key: string | null;
  link: string | null;
  public: number;
  updated_at: string;
}
