import type { EligibilityOutcome } from './eligibility.js';

/** The CNA profile: one row, id `default`; `profile` is JSON CnaProfile (cna-profile.ts). */
export interface CnaProfileTable {
  id: string;
  profile: string;
  updated_at: string;
  updated_by: string;
}

/** One eligibility decision on a CVE record; the latest one counts, earlier ones are history. */
export interface CnaEligibilityDecisionTable {
  id: string;
  record_id: string;
  /** 1, 2, … per record, in the order decided (the record row is locked while one is added). */
  seq: number;
  /** JSON EligibilityAnswers: the questionnaire as answered. */
  answers: string;
  outcome: EligibilityOutcome;
  /** JSON string[]: why, derived from the answers (empty for `assign`). */
  reasons: string;
  rationale: string;
  decided_by: string;
  decided_at: string;
}

export type CveRequestStatus = 'open' | 'accepted' | 'declined';

/** A public request for a CVE (in scope when it was made); tracked by a receipt whose SHA-256 is stored. */
export interface CveRequestTable {
  id: string;
  status: CveRequestStatus;
  product: string;
  title: string;
  description: string;
  versions: string | null;
  cwe: number | null;
  /** JSON string[] of public URLs. */
  references: string;
  planned_disclosure: string | null;
  requester_id: string | null;
  requester_name: string | null;
  requester_email: string | null;
  report_id: string | null;
  receipt_hash: string;
  record_id: string | null;
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
  created_at: string;
  updated_at: string;
}

export type CveRecordOperationKind = 'publish' | 'reject' | 'undo_reject';
export type CveRecordOperationStatus = 'pending' | 'calling' | 'done' | 'failed';

/**
 * A publish / reject / undo-reject through CVE Services, written before its job runs. The job
 * commits `calling` before the call; every call it makes is safe to repeat (publish is
 * create-or-update, reject is create-or-update of the rejection), so a retry after a crash
 * converges instead of doing anything twice.
 */
export interface CveRecordOperationTable {
  id: string;
  record_id: string;
  /** 1, 2, … per record, in the order requested. */
  seq: number;
  kind: CveRecordOperationKind;
  idempotency_key: string;
  /** JSON: { reasons?, replacedBy? } for a rejection. */
  payload: string;
  status: CveRecordOperationStatus;
  attempts: number;
  error: string | null;
  requested_by: string;
  requested_at: string;
  call_started_at: string | null;
  finished_at: string | null;
}
