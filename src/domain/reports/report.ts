import type { Selectable } from 'kysely';
import { renderMarkdown, rendered, type Rendered } from '../markdown/render-markdown.js';
import type { ReportEventTable, ReportTable } from './report.table.js';
import { allowedTransitions, type ReportState } from './report-state.js';
import type { SlaClock } from './report-sla.js';

export type ReportRow = Selectable<ReportTable>;
export type ReportEventRow = Selectable<ReportEventTable>;

export const REPORT_LIMITS = {
  title: 200,
  text: 50_000,
  impact: 20_000,
  reason: 5_000,
  comment: 20_000,
  labels: 20,
  label: 40,
  assetOther: 500,
} as const;

/** Labels as they are compared and stored: trimmed, no blanks, no repeats, in the order given. */
export function cleanLabels(labels: readonly string[]): string[] {
  return [...new Set(labels.map((label) => label.trim()).filter(Boolean))];
}

export interface ScoredVector {
  vector: string;
  version: '3.0' | '3.1' | '4.0';
  score: number;
  severity: string;
}


export interface ReportView {
  id: string;
  programId: string;
  reporterId: string;
  title: string;
  description: Rendered;
  steps: Rendered;
  impact: Rendered;
  /** `reportedAs`: what the reporter named as "other" (kept beside the scope asset it was filed against). */
  asset: { id: string | null; identifier: string; kind: string; tier: number | null; inScope: boolean; reportedAs: string | null } | null;
  cwe: number | null;
  cvss: ScoredVector[];
  severity: ReportRow['severity'];
  score: number | null;
  state: ReportState;
  outOfScope: string | null;
  policyVersion: number;
  duplicateOf: string | null;
  closeReason: string | null;
  createdAt: string;
  updatedAt: string;
  firstResponseAt: string | null;
  triagedAt: string | null;
  resolvedAt: string | null;
  attachments?: { id: string; filename: string; mediaType: string; size: number; sha256: string; createdAt: string }[];
  sla?: SlaClock[];
  retestState?: ReportRow['retest_state'];
  /** Staff only (absent in a reporter's view). */
  priority?: ReportRow['priority'];
  assigneeId?: string | null;
  labels?: string[];
  allowedTransitions?: ReportState[];
}

export interface AssetSummary {
  id: string;
  identifier: string;
  kind: string;
  tier: number;
  in_scope: number;
}

/** The reporter sees their report without staff-only fields (priority, assignee, labels). */
export function presentReport(row: ReportRow, asset: AssetSummary | undefined, staff: boolean): ReportView {
  const view: ReportView = {
    id: row.id,
    programId: row.program_id,
    reporterId: row.reporter_id,
    title: row.title,
    description: rendered(row.description),
    steps: rendered(row.steps),
    impact: rendered(row.impact),
    asset: asset
      ? { id: asset.id, identifier: asset.identifier, kind: asset.kind, tier: asset.tier, inScope: asset.in_scope === 1, reportedAs: row.asset_other }
      : row.asset_other
        ? { id: null, identifier: row.asset_other, kind: 'other', tier: null, inScope: false, reportedAs: row.asset_other }
        : null,
    cwe: row.cwe,
    cvss: JSON.parse(row.cvss_vectors) as ScoredVector[],
    severity: row.severity,
    score: row.score,
    state: row.state,
    outOfScope: row.out_of_scope,
    policyVersion: row.policy_version,
    duplicateOf: row.duplicate_of,
    closeReason: row.close_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    firstResponseAt: row.first_response_at,
    triagedAt: row.triaged_at,
    resolvedAt: row.resolved_at,
  };
  if (!staff) return view;
  return { ...view, priority: row.priority, assigneeId: row.assignee_id, labels: JSON.parse(row.labels) as string[], allowedTransitions: [...allowedTransitions(row.state)] };
}

export interface ReportEventView {
  id: string;
  kind: ReportEventRow['kind'];
  internal: boolean;
  authorId: string | null;
  authorLabel: string;
  body: Rendered | null;
  data: unknown;
  createdAt: string;
}

/**
 * One timeline entry. For a reporter's (or collaborator's) eyes, authors are not named by email:
 * they are "you", "security team" or "reporter" (staff addresses stay with staff).
 */
export function presentEvent(row: ReportEventRow, viewer?: { userId?: string; staffAuthors: ReadonlySet<string> }): ReportEventView {
  const authorLabel =
    viewer === undefined
      ? row.author_label
      : viewer.userId !== undefined && row.author_id === viewer.userId
        ? 'you'
        : row.author_id === null
          ? row.author_label
          : viewer.staffAuthors.has(row.author_id)
            ? 'security team'
            : 'reporter';
  return {
    id: row.id,
    kind: row.kind,
    internal: row.internal === 1,
    authorId: viewer === undefined ? row.author_id : null,
    authorLabel,
    body: row.body === null ? null : { markdown: row.body, html: row.body_html ?? renderMarkdown(row.body) },
    data: JSON.parse(row.data) as unknown,
    createdAt: row.created_at,
  };
}
