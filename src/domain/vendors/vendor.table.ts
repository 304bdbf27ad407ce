/** The vendor directory's tables (migration 20261128_0300_vendors). */
export interface VendorTable {
  id: string;
  name: string;
  /** `vendor` or `coordinator`. */
  kind: string;
  /** Markdown, for staff. */
  notes: string;
  /** The contact to use first (a row of vendor_contacts of this vendor), null when none is chosen. */
  preferred_contact_id: string | null;
  /** ISO 3166-1 alpha-2, for coordinators: whose national CERT it is. */
  country: string | null;
  created_at: string;
  updated_at: string;
}

export interface VendorDomainTable {
  vendor_id: string;
  /** Lower case, no trailing dot; one vendor per domain. */
  domain: string;
}

export interface VendorRepositoryTable {
  vendor_id: string;
  /** Normalised https URL of the repository (no `.git`, no trailing slash). */
  url: string;
}

export interface VendorPackageTable {
  vendor_id: string;
  /** The purl type (npm, pypi, cargo, maven, golang…). */
  ecosystem: string;
  /** Namespace and name joined by "/", normalised as the purl type says (e.g. lower case for pypi). */
  name: string;
}

export interface VendorContactTable {
  id: string;
  vendor_id: string;
  kind: string;
  value: string;
  /** unverified, live, not_live, bounced or stale. */
  status: string;
  /** manual, discovery or seed. */
  source: string;
  note: string;
  /** JSON Evidence of the check or discovery that found it. */
  evidence: string | null;
  checked_at: string | null;
  position: number;
  created_at: string;
  updated_at: string;
}

export interface VendorKeyTable {
  id: string;
  vendor_id: string;
  /** Upper-case hex. */
  fingerprint: string;
  armored: string;
  /** JSON string[]. */
  user_ids: string;
  expires_at: string | null;
  created_at: string;
}

export interface VendorResponseTimeTable {
  id: string;
  vendor_id: string;
  /** acknowledgement or fix. */
  kind: string;
  /** The case (or other reference) it was measured on. */
  case_ref: string | null;
  contacted_at: string;
  responded_at: string;
  hours: number;
  recorded_at: string;
}

export interface VendorDiscoveryTable {
  id: string;
  vendor_id: string | null;
  target: string;
  /** queued, done or failed. */
  state: string;
  /** JSON DiscoveryResult. */
  result: string | null;
  requested_by: string | null;
  requested_at: string;
  finished_at: string | null;
}
