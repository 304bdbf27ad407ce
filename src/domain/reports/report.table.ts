import type { ReportState } from './report-state.js';

export interface ReportTable {
  id: string;
  program_id: string;
  reporter_id: string;
  title: string;
  description: string;
  steps: string;
  impact: string;
  asset_id: string | null;
  asset_other: string | null;
  cwe: number | null;
  /** JSON array of scored vectors (CVSS 3.1 and/or 4.0). */
  cvss_vectors: string;
  severity: 'none' | 'low' | 'medium' | 'high' | 'critical' | 'unknown';
  score: number | null;
  priority: 'P1' | 'P2' | 'P3' | 'P4' | 'P5';
  state: ReportState;
  assignee_id: string | null;
  /** JSON array of strings. */
  labels: string;
  /** Why the submission is outside the programme's scope (null when in scope). */
  out_of_scope: string | null;
  policy_version: number;
  duplicate_of: string | null;
  close_reason: string | null;
  created_at: string;
  updated_at: string;
  first_response_at: string | null;
  triaged_at: string | null;
  resolved_at: string | null;
}

export interface ReportEventTable {
  id: string;
  report_id: string;
  kind: 'submitted' | 'comment' | 'internal_note' | 'state_change' | 'severity_change' | 'assignment' | 'labels' | 'priority';
  internal: number;
  author_id: string | null;
  author_label: string;
  body: string | null;
  data: string;
  created_at: string;
}

export interface ReportTermTable {
  program_id: string;
  term: string;
  report_id: string;
  weight: number;
}
