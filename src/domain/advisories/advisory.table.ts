export interface AdvisoryTable {
  id: string;
  /** The public identifier, e.g. ADV-2026-0001 (CSAF tracking id; file name). */
  tracking_id: string;
  year: number;
  seq: number;
  /** JSON AdvisoryContent being edited (staff only). */
  draft: string;
  draft_updated_at: string;
  /** Where the advisory came from: an inbound report, an outbound case (later), or null (written blank). */
  source_kind: 'report' | 'outbound_case' | null;
  source_id: string | null;
  source_url: string | null;
  /** Published revisions so far (0: never published). */
  revision: number;
  /** Denormalised from the latest published revision, for the public list and its filters. */
  published_title: string | null;
  published_severity: string | null;
  published_year: number | null;
  /** Lower-case text searched by /advisories?q=. */
  published_search: string | null;
  /** Lower-case product names, one per line, between newlines (filter by product). */
  published_products: string | null;
  initial_release_at: string | null;
  current_release_at: string | null;
  created_at: string;
  created_by: string | null;
}

export interface AdvisoryRevisionTable {
  advisory_id: string;
  number: number;
  /** What changed, as the revision history says it. */
  summary: string;
  /** JSON AdvisoryContent as published. */
  content: string;
  /** The CSAF document text served for this revision: hashes and signatures are over these bytes. */
  csaf: string;
  published_at: string;
  published_by: string;
}

export interface AdvisorySignatureTable {
  advisory_id: string;
  revision: number;
  key_fingerprint: string;
  /** Armoured detached OpenPGP signature of the revision's CSAF text. */
  signature: string;
  signed_at: string;
  signed_by: string;
}
