/** Outbound findings as the API returns them (src/server/routes/findings.routes.ts). */

export const CANDIDATE_STATES = ['pending', 'approved', 'rejected'] as const;
export type CandidateState = (typeof CANDIDATE_STATES)[number];
export const REJECTION_REASONS = ['false_positive', 'wont_report', 'duplicate', 'out_of_scope'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];
export const SUPPRESSION_SCOPES = ['fingerprint', 'root_cause', 'rule_target', 'none'] as const;
export type SuppressionScope = (typeof SUPPRESSION_SCOPES)[number];

export interface ComponentUse {
  sbom: string;
  name: string;
  version: string | null;
}

export interface Candidate {
  id: string;
  state: CandidateState;
  title: string;
  projectKey: string;
  target: string;
  purl: string | null;
  repositoryUrl: string | null;
  product: string | null;
  versions: string[] | null;
  commitRange: string | null;
  rule: string;
  cwe: number | null;
  sink: string;
  severity: number;
  cvssVector: string | null;
  confidence: number;
  downloads: number | null;
  findings: number;
  priority: number;
  origin: 'automated' | 'person';
  rejectionReason: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  componentInUse: ComponentUse[] | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface FindingItem {
  fingerprint: string;
  source: string;
  /** As the file declared it. */
  finder: { kind: string; name: string; userId: string | null };
  /** What the review gate counts it as, and why. */
  countedAs: 'automated' | 'person';
  why: string;
  importedBy: string;
  rule: string;
  cwe: number | null;
  severity: number;
  confidence: number;
  location: string;
  message: string;
  details: Record<string, unknown>;
  createdAt: string;
}

export interface CandidateDetail extends Candidate {
  impact: string | null;
  reproduction: string | null;
  /** Why it counts as automated or person-found (person reasons first). */
  originReasons: string[];
  canApprove: boolean;
  /** The review gate's refusal for you, or null. */
  approvalBlock: string | null;
  authors: string[];
  items: FindingItem[];
  reviews: { id: string; reviewer: string; reviewerId: string | null; decision: string; reason: string | null; note: string | null; createdAt: string }[];
}

export interface QueueQuery {
  state?: CandidateState | 'all' | undefined;
  source?: string | undefined;
  rule?: string | undefined;
  project?: string | undefined;
  minSeverity?: number | undefined;
  inUse?: boolean | undefined;
  limit?: number;
  offset?: number;
}

export interface Outcome {
  name: string;
  findings: number;
  candidates: number;
  pending: number;
  approved: number;
  falsePositive: number;
  otherRejected: number;
  falsePositiveRate: number | null;
}

export interface FindingsDashboard {
  days: number;
  candidates: Record<string, number>;
  sources: Outcome[];
  finders: Outcome[];
  timeline: { day: string; imported: Record<string, number>; approved: number; falsePositive: number; otherRejected: number }[];
}

export interface DraftGroup {
  projectKey: string;
  target: string;
  candidates: number;
  approved: number;
  findings: number;
  maxSeverity: number;
  maxPriority: number;
}

/** A registered automated source: findings declared automated count as such only under one, from its uploader. */
export interface AutomatedSource {
  id: string;
  name: string;
  description: string;
  /** The uploading account's e-mail; null: the command line only. */
  uploader: string | null;
  uploaderId: string | null;
  registeredBy: string;
  registeredAt: string;
  retiredAt: string | null;
  retiredBy: string | null;
}

export interface AutomatedSourceInput {
  name: string;
  description: string;
  uploaderEmail: string | null;
}
