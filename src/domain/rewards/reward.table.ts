/** People who worked on a report with its submitter, and their percentage of its rewards. */
export interface ReportCollaboratorTable {
  report_id: string;
  user_id: string;
  /** Percent (1–99) of each reward on the report; the submitter keeps the rest. */
  share: number;
  created_at: string;
}

/** The rewards ledger: one row per person per award. Amounts are integer minor units. */
export interface RewardTable {
  id: string;
  /** The award this entry is part of (one award splits into one entry per participant). */
  award_id: string;
  report_id: string;
  program_id: string;
  user_id: string;
  amount: number;
  /** ISO 4217 code. */
  currency: string;
  kind: 'bounty' | 'bonus';
  state: 'awarded' | 'paid' | 'cancelled';
  /** The recipient's percentage of the award when it was made. */
  share: number;
  note: string | null;
  /** Payment reference (paid) or the reason (cancelled). */
  reference: string | null;
  created_by: string | null;
  created_by_label: string;
  created_at: string;
  updated_at: string;
  paid_at: string | null;
  cancelled_at: string | null;
}
