import type { Generated } from 'kysely';
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
  /** Due times of the programme's response targets, fixed at submission (null: no target). */
  first_response_due_at: string | null;
  triage_due_at: string | null;
  /** Bounty programmes: the first reward (rewards table) is due by then. */
  bounty_due_at: string | null;
  resolution_due_at: string | null;
  /** When the report last entered needs_more_info, and when its reporter was warned it will close. */
  needs_info_since: string | null;
  needs_info_warned_at: string | null;
  retest_state: 'requested' | 'confirmed' | 'incomplete' | null;
  retest_requested_at: string | null;
}

export interface SlaBreachTable {
  report_id: string;
  metric: 'first_response' | 'triage' | 'bounty' | 'resolution';
  due_at: string;
  noticed_at: string;
}

export interface ReportDisclosureTable {
  report_id: string;
  requested_at: string;
  requested_by: 'reporter' | 'staff';
  reporter_agreed_at: string | null;
  staff_agreed_at: string | null;
  /** Open mode: disclosed at this time unless already published. */
  due_at: string | null;
  level: 'full' | 'limited';
  /** What the public reads: staff may redact before publishing. */
  title: string;
  summary: string;
  description: string | null;
  steps: string | null;
  impact: string | null;
  published_at: string | null;
  /** JSON PublicTimelineEntry[]: the public timeline frozen at publication, redactions applied. */
  timeline: string | null;
  /** JSON { [eventId]: string | null }: staff's replacement text for a timeline entry (null hides its text). */
  timeline_redactions: string | null;
}

export interface ReportEventTable {
  id: string;
  report_id: string;
  /** 1, 2, 3… within the report: the timeline's order. */
  seq: number | null;
  kind: 'submitted' | 'comment' | 'internal_note' | 'state_change' | 'severity_change' | 'weakness_change' | 'asset_change' | 'assignment' | 'labels' | 'priority' | 'retest' | 'disclosure' | 'reward';
  internal: number;
  author_id: string | null;
  author_label: string;
  body: string | null;
  /** `body` rendered (safe HTML), made when the event is written. */
  body_html: string | null;
  data: string;
  created_at: string;
}

export interface ReportTermTable {
  program_id: string;
  term: string;
  report_id: string;
  weight: number;
}

/** Document frequency per programme and term; the empty term counts the indexed reports. */
export interface ReportTermStatTable {
  program_id: string;
  term: string;
  df: number;
}

/** A stored report's pending follow-up work (report-intake.ts): the term index, and for a new report its announcements. */
export interface ReportIntakeTable {
  report_id: string;
  /** 1 when the report is new: staff are told and the report.created webhook fires. */
  new_report: number;
  /** Who submitted it (an account id, or null for cvdesk itself): not told about their own report. */
  submitted_by: string | null;
  queued_at: string;
  attempts: Generated<number>;
  last_error: string | null;
}
