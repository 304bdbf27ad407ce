/**
 * Response and request shapes of the programme, report, reward and hall-of-fame endpoints, as
 * src/server/routes/{programs,reports,report-workflow,attachments,weakness,rewards,hall-of-fame}.routes.ts
 * declare them. Kept beside the pages that use them (web/src/api/types.ts holds the account and
 * administration shapes).
 */

export interface Rendered {
  markdown: string;
  /** Sanitised by the server (markdown-it + an allow-list); the only strings rendered as HTML. */
  html: string;
}

// ---------------------------------------------------------------- programmes

export const PROGRAM_KINDS = ['bounty', 'vdp'] as const;
export type ProgramKind = (typeof PROGRAM_KINDS)[number];
export const VISIBILITIES = ['public', 'invite_only'] as const;
export type Visibility = (typeof VISIBILITIES)[number];
export const ASSET_KINDS = ['domain', 'url', 'api', 'mobile_app', 'repository', 'package', 'other'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];
/** The severities a reward table is laid out by (src/domain/programs/program.ts). */
export const REWARD_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type RewardSeverity = (typeof REWARD_SEVERITIES)[number];
export const TIERS = [1, 2, 3] as const;
export const DISCLOSURE_MODES = ['open', 'mutual', 'none'] as const;
export type DisclosureMode = (typeof DISCLOSURE_MODES)[number];
export const TARGET_KEYS = ['firstResponse', 'triage', 'bounty', 'resolution'] as const;
export type TargetKey = (typeof TARGET_KEYS)[number];

export interface Duration {
  value: number;
  unit: 'hours' | 'days';
}

export type ResponseTargets = Partial<Record<TargetKey, Duration>>;

export interface RewardRange {
  tier: number;
  severity: RewardSeverity;
  min: number;
  max: number;
}

export interface RewardTable {
  /** ISO 4217 */
  currency: string;
  /** Major units (dollars, not cents). */
  ranges: RewardRange[];
}

export interface DisclosureSettings {
  mode: DisclosureMode;
  delayDays: number;
  level: 'full' | 'limited';
}

export interface ProgramSummary {
  id: string;
  slug: string;
  name: string;
  kind: ProgramKind;
  visibility: Visibility;
}

export interface ScopeAsset {
  id: string;
  kind: AssetKind | string;
  identifier: string;
  tier: number;
  inScope: boolean;
  description: string;
}

export interface Exclusion {
  id: string;
  name: string;
  description: string;
  redirectUrl: string | null;
}

/** One version of a programme's policy (GET /programs/:slug/policy/:version). */
export interface PolicyVersion {
  version: number;
  current: boolean;
  markdown: string;
  html: string;
  createdAt: string;
}

export interface Program extends ProgramSummary {
  policy: { version: number; markdown: string; html: string };
  safeHarbour: Rendered;
  scope: ScopeAsset[];
  exclusions: Exclusion[];
  rewards: RewardTable;
  responseTargets: ResponseTargets;
  businessDays: boolean;
  disclosure: DisclosureSettings;
  staleCloseDays: number;
  /** Measured as the targets are (see ResponseMedians in src/domain/programs/program-medians.ts); bountyHours null in a VDP. */
  medians: { firstResponseHours: number | null; triageHours: number | null; bountyHours: number | null; resolutionHours: number | null; sampleSize: number };
  createdAt: string;
  updatedAt: string;
}

export interface ProgramMember {
  userId: string;
  email: string;
  name: string;
  addedAt: string;
}

/** Reporters whose reputation is below `reputationBelow` may file `maxReports` per window. */
export interface SubmissionLimit {
  reputationBelow: number;
  maxReports: number;
  windowDays: number;
}

export interface ProgramInput {
  name: string;
  kind: ProgramKind;
  visibility: Visibility;
  policy: string;
  safeHarbour: string;
  scope: { kind: AssetKind; identifier: string; tier: number; inScope: boolean; description?: string }[];
  exclusions: { name: string; description?: string; redirectUrl?: string }[];
  rewards: RewardTable;
  responseTargets: ResponseTargets;
  businessDays: boolean;
  disclosure: DisclosureSettings;
  staleCloseDays: number;
}

export interface SlaStat {
  median: number | null;
  p90: number | null;
}

export interface SlaMonth {
  /** YYYY-MM */
  month: string;
  submitted: number;
  firstResponseHours: SlaStat;
  triageHours: SlaStat;
  /** Null figures in a VDP. */
  bountyHours: SlaStat;
  resolutionHours: SlaStat;
  breaches: number;
  openAtEnd: number;
}

// ---------------------------------------------------------------- reports

/** Mirrors REPORT_STATES in src/domain/reports/report-state.ts. */
export const REPORT_STATES = ['new', 'triaged', 'needs_more_info', 'duplicate', 'informative', 'not_applicable', 'spam', 'resolved', 'disclosed'] as const;
export type ReportState = (typeof REPORT_STATES)[number];
/** Mirrors CLOSING_STATES: entering one needs a reason the reporter reads. */
export const CLOSING_STATES: readonly ReportState[] = ['duplicate', 'informative', 'not_applicable', 'spam', 'resolved'];
export const OPEN_STATES: readonly ReportState[] = ['new', 'triaged', 'needs_more_info'];
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'none', 'unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface Attachment {
  id: string;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

export interface ScoredVector {
  vector: string;
  version: '3.0' | '3.1' | '4.0';
  score: number;
  severity: string;
}

export type SlaMetric = 'first_response' | 'triage' | 'bounty' | 'resolution';

export interface SlaClock {
  metric: SlaMetric;
  dueAt: string;
  metAt: string | null;
  state: 'met' | 'missed' | 'pending' | 'breached' | 'void';
}

export interface Report {
  id: string;
  programId: string;
  reporterId: string;
  title: string;
  description: Rendered;
  steps: Rendered;
  impact: Rendered;
  /** `reportedAs`: what the reporter named as "other", kept when the report is filed against a scope asset. */
  asset: { id: string | null; identifier: string; kind: string; tier: number | null; inScope: boolean; reportedAs: string | null } | null;
  cwe: number | null;
  cvss: ScoredVector[];
  severity: Severity;
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
  /** Staff views only. */
  priority?: Priority;
  assigneeId?: string | null;
  labels?: string[];
  allowedTransitions?: ReportState[];
  attachments?: Attachment[];
  sla?: SlaClock[];
  retestState?: 'requested' | 'confirmed' | 'incomplete' | null;
}

export type EventKind =
  | 'submitted'
  | 'comment'
  | 'internal_note'
  | 'state_change'
  | 'severity_change'
  | 'weakness_change'
  | 'asset_change'
  | 'assignment'
  | 'labels'
  | 'priority'
  | 'retest'
  | 'disclosure'
  | 'reward';

export interface ReportEvent {
  id: string;
  kind: EventKind | string;
  internal: boolean;
  authorId: string | null;
  authorLabel: string;
  body: Rendered | null;
  data: unknown;
  createdAt: string;
}

export interface InboxItem {
  id: string;
  programId: string;
  reporterId: string;
  title: string;
  state: ReportState;
  severity: Severity;
  score: number | null;
  outOfScope: boolean;
  slaBreached: boolean;
  createdAt: string;
  updatedAt: string;
  priority?: Priority;
  assigneeId?: string | null;
  labels?: string[];
}

export interface InboxPage {
  items: InboxItem[];
  next: string | null;
}

/** The inbox's orders (GET /api/v1/reports?sort=). */
export const INBOX_SORTS = ['newest', 'oldest', 'severity', 'priority', 'sla', 'updated'] as const;
export type InboxSort = (typeof INBOX_SORTS)[number];

export interface InboxQuery {
  program?: string | undefined;
  state?: string | undefined;
  severity?: string | undefined;
  assignee?: string | undefined;
  asset?: string | undefined;
  /** ISO times: received at or after, and before. */
  createdAfter?: string | undefined;
  createdBefore?: string | undefined;
  q?: string | undefined;
  sort?: InboxSort | undefined;
  slaBreached?: boolean | undefined;
  after?: string | undefined;
  limit?: number | undefined;
}

export interface NewReport {
  program: string;
  title: string;
  description: string;
  steps?: string;
  impact?: string;
  asset?: string;
  assetOther?: string;
  category?: string;
  cwe?: number;
  cvss?: string[];
  policyVersion: number;
  attachments?: string[];
  collaborators?: { account: string; share: number }[];
}

export interface TriageChanges {
  assigneeId?: string | null;
  priority?: Priority;
  labels?: string[];
  cvss?: string[];
  cwe?: number | null;
  assetId?: string;
}

export interface DuplicateSuggestion {
  id: string;
  title: string;
  state: string;
  createdAt: string;
  score: number;
  reasons: string[];
}

export interface Disclosure {
  reportId: string;
  requestedAt: string;
  requestedBy: 'reporter' | 'staff';
  reporterAgreedAt: string | null;
  staffAgreedAt: string | null;
  dueAt: string | null;
  level: 'full' | 'limited';
  title: string;
  summary: string;
  description: string | null;
  steps: string | null;
  impact: string | null;
  publishedAt: string | null;
  timelineRedactions: Record<string, string | null>;
}

export interface DisclosureEdit {
  title?: string;
  /** Per public timeline event id: replacement text, or null to publish the entry without its text. Merged with what is saved. */
  timelineRedactions?: Record<string, string | null>;
  summary?: string;
  level?: 'full' | 'limited';
  description?: string | null;
  steps?: string | null;
  impact?: string | null;
}

export interface DisclosedItem {
  id: string;
  title: string;
  severity: string;
  disclosedAt: string;
  program: { slug: string; name: string };
}

export interface DisclosedReport {
  id: string;
  program: { slug: string; name: string };
  title: string;
  level: 'full' | 'limited';
  summary: Rendered;
  description: Rendered | null;
  steps: Rendered | null;
  impact: Rendered | null;
  severity: string;
  score: number | null;
  cwe: number | null;
  submittedAt: string;
  resolvedAt: string | null;
  disclosedAt: string;
  timeline: { kind: string; createdAt: string; body: Rendered | null; data: unknown }[];
}

// ---------------------------------------------------------------- reference data

export interface CweEntry {
  id: number;
  name: string;
  abstraction: string;
  status: string;
}

export interface CvssScore {
  vector: string;
  version: string;
  score: number;
  severity: string;
  baseScore: number;
}

// ---------------------------------------------------------------- rewards and hall of fame

export const REWARD_STATES = ['awarded', 'paid', 'cancelled'] as const;
export type RewardState = (typeof REWARD_STATES)[number];

export interface Reward {
  id: string;
  awardId: string;
  reportId: string;
  programId: string;
  userId: string;
  /** Minor units (cents for USD). */
  amount: number;
  amountDecimal: string;
  currency: string;
  kind: 'bounty' | 'bonus';
  state: RewardState;
  share: number;
  note: string | null;
  reference: string | null;
  createdAt: string;
  updatedAt: string;
  paidAt: string | null;
  cancelledAt: string | null;
  createdBy?: string;
}

export interface LedgerItem extends Reward {
  recipient: { id: string; email: string; name: string };
  report: { id: string; title: string };
  program: { id: string; slug: string };
}

export interface ReportRewards {
  split: { userId: string; share: number; submitter: boolean }[];
  items: Reward[];
}

export interface RewardSuggestion {
  reportId: string;
  programKind: ProgramKind;
  currency: string;
  tier: number | null;
  severity: string;
  range: { min: number; max: number; minAmount: number; maxAmount: number } | null;
  reason: string | null;
}

export interface Earnings {
  items: Reward[];
  totals: { currency: string; awarded: number; paid: number; cancelled: number }[];
}

/** The report outcomes that earn (or cost) reputation, in the server's order (src/domain/reputation/reputation.ts). */
export const REPUTATION_OUTCOMES = ['resolved', 'informative', 'not_applicable', 'spam', 'duplicate', 'duplicate_after_disclosure'] as const;
export type ReputationOutcome = (typeof REPUTATION_OUTCOMES)[number];
export type ReputationPoints = Record<ReputationOutcome, number>;

export interface ReputationEntry {
  id: string;
  reportId: string;
  programId: string;
  outcome: string;
  points: number;
  share: number;
  reason: string;
  createdAt: string;
  /** A later outcome of the report replaced this entry: listed, no longer counted. */
  supersededAt: string | null;
}

export interface Reputation {
  total: number;
  entries: ReputationEntry[];
  /** Programmes whose limit for low-signal reporters holds the person at this total. */
  limits: (SubmissionLimit & { program: { id: string; slug: string; name: string } })[];
}

export interface HallEntry {
  rank: number;
  handle: string;
  link: string | null;
  reputation: number;
  resolvedReports: number;
  /** Published advisories crediting this researcher. */
  advisories?: { id: string; title: string }[];
}

export interface HallProfile {
  handle: string | null;
  link: string | null;
  public: boolean;
  updatedAt: string | null;
}
