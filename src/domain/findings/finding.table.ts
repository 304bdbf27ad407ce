import type { Generated } from 'kysely';

/** A named origin of findings (`--source NAME`): a scanner pipeline, an AI agent, a person's notes. */
export interface FindingSourceTable {
  id: string;
  name: string;
  created_at: string;
  last_import_at: string | null;
}

/**
 * An import source name a lead registered as an automated system (a scanner pipeline, an AI agent),
 * bound to who uploads for it. Findings count as automated only under a registration in force
 * that their import matched (finding-origin.ts); retired registrations stay as history.
 */
export interface FindingAutomatedSourceTable {
  id: string;
  /** The `--source` / `?source=` name it covers (one registration in force per name). */
  name: string;
  description: string;
  /** The account whose uploads count; null: only the command line (the server's operator). */
  uploader_id: string | null;
  registered_by: string;
  registered_by_id: string | null;
  registered_at: string;
  retired_at: string | null;
  retired_by: string | null;
  retired_by_id: string | null;
}

/**
 * How an import's source matched the registrations when it ran: `registered` (a registration in
 * force, and its uploader), `other_uploader` (registered, but someone else uploaded), `unregistered`.
 */
export type ImportAutomation = 'registered' | 'other_uploader' | 'unregistered';

export type ImportState = 'completed' | 'failed';

/** One import of one file: its counts, and why it failed when it did (then nothing of it was stored). */
export interface FindingImportTable {
  id: string;
  source_id: string;
  /** sarif | native; null when the file was not recognised. */
  format: string | null;
  filename: string | null;
  sha256: string | null;
  bytes: number;
  state: ImportState;
  read: number;
  created: number;
  duplicates: number;
  suppressed: number;
  rejected: number;
  candidates_created: number;
  /** JSON: {rejections: [{index, reason}] (the first 100), suppressedBy: [{id, kind, reason, count}]}. */
  problems: string;
  error: string | null;
  /** Who uploaded the file: the account, or the command line's label (imported_by_id null). */
  imported_by: string;
  imported_by_id: string | null;
  /** The registration in force for the source name when the import ran, if any. */
  automated_source_id: string | null;
  automation: Generated<ImportAutomation>;
  started_at: string;
  finished_at: string;
}

export type CandidateState = 'pending' | 'approved' | 'rejected';
export type FinderKind = 'automated' | 'person';

/** One candidate vulnerability: every finding with the same root cause (finding-keys.ts). */
export interface FindingCandidateTable {
  id: string;
  root_key: string;
  /** The vendor/project the target belongs to: draft case groups are made per project_key. */
  project_key: string;
  /** What an SBOM component must match: the purl without version, or `name:<product>`. */
  component_key: string | null;
  target: string;
  purl: string | null;
  repository_url: string | null;
  product: string | null;
  /** JSON array of affected version ranges, as given. */
  versions: string | null;
  commit_range: string | null;
  rule_id: string;
  cwe: number | null;
  title: string;
  /** `uri:line` of the sink (where the root cause is). */
  sink: string;
  /** 0–10: the highest of its findings. */
  severity: number;
  cvss_vector: string | null;
  /** 0–1: the highest of its findings. */
  confidence: number;
  /** Package downloads, when a finding said. */
  downloads: number | null;
  finding_count: number;
  /** severity × confidence × reach weight (finding-keys.ts): the review queue's order. */
  priority: number;
  /**
   * person when any of its findings counts as a person's (finding-origin.ts): kept up to date on
   * import and when a registration is retired, for the queue; the review gate recomputes it.
   */
  origin: FinderKind;
  impact: string | null;
  reproduction: string | null;
  state: CandidateState;
  rejection_reason: string | null;
  decided_at: string | null;
  decided_by: string | null;
  /** JSON [{sbom, name, version}] when the organisation's own SBOMs list the affected component. */
  component_in_use: string | null;
  first_seen_at: string;
  last_seen_at: string;
  updated_at: string;
}

export interface FindingTable {
  /** The identity: finding-keys.ts findingFingerprint (the primary key). */
  fingerprint: string;
  candidate_id: string;
  source_id: string;
  import_id: string;
  /** As the file declared it: counts as automated only under a registered source (finding-origin.ts). */
  finder_kind: FinderKind;
  finder_name: string;
  /** The cvdesk account that found it (person findings): who may not approve it. */
  finder_user_id: string | null;
  rule_id: string;
  cwe: number | null;
  severity: number;
  confidence: number;
  /** `uri:line:column` of the primary location. */
  location: string;
  message: string;
  /** JSON: snippet, sink (when not the location), external id, CVSS vector, purl version, impact, reproduction — whichever were given. */
  details: string;
  created_at: string;
}

export type SuppressionKind = 'fingerprint' | 'root_cause' | 'rule_target';

/** Learned from a rejection: matching results of later imports are counted as suppressed. */
export interface FindingSuppressionTable {
  id: string;
  kind: SuppressionKind;
  /** `fp:<fingerprint>`, `rc:<root key>` or `rt:["<project key>","<rule>"]` (finding-keys.ts). */
  match_key: string;
  project_key: string | null;
  rule_id: string | null;
  reason: string;
  note: string | null;
  candidate_id: string | null;
  created_by: string;
  created_at: string;
  hits: number;
  last_hit_at: string | null;
}

export type ReviewDecision = 'approved' | 'rejected';

export interface FindingReviewTable {
  id: string;
  candidate_id: string;
  reviewer_id: string | null;
  reviewer_label: string;
  decision: ReviewDecision;
  reason: string | null;
  note: string | null;
  created_at: string;
}

/** An SBOM of one of the organisation's own systems. */
export interface SbomTable {
  id: string;
  name: string;
  format: 'cyclonedx' | 'spdx';
  spec_version: string;
  component_count: number;
  imported_by: string;
  created_at: string;
}

export interface SbomComponentTable {
  id: string;
  sbom_id: string;
  /** Purl without version/qualifiers (lower case), else `name:<name>`. */
  component_key: string;
  /** `name:<name>` (lower case): matches candidates that name a product rather than a purl. */
  name_key: string;
  name: string;
  version: string | null;
  purl: string | null;
}
