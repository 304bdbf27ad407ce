/** The vendor directory and discovery, as the API answers them (src/server/routes/vendors.routes.ts). */
export interface Evidence {
  url: string | null;
  fetched_at: string;
  http_status?: number | null;
  sha256?: string;
  excerpt?: string;
  check?: string;
  signature?: string;
  [key: string]: unknown;
}

export interface VendorContact {
  id: string;
  kind: string;
  value: string;
  status: string;
  source: string;
  note: string;
  evidence: Evidence | null;
  checkedAt: string | null;
  preferred: boolean;
}

export interface ResponseStats {
  medianHours: number | null;
  count: number;
}

export interface Vendor {
  id: string;
  name: string;
  kind: string;
  country: string | null;
  notes: { markdown: string; html: string };
  domains: string[];
  repositories: string[];
  packages: { ecosystem: string; name: string; purl: string }[];
  contacts: VendorContact[];
  preferredContactId: string | null;
  keys: { id: string; fingerprint: string; userIds: string[]; expiresAt: string | null; armored: string; createdAt: string }[];
  responseTimes: { acknowledgement: ResponseStats; fix: ResponseStats };
  createdAt: string;
  updatedAt: string;
}

export interface VendorSummary {
  id: string;
  name: string;
  kind: string;
  domains: string[];
  contactCount: number;
  preferredContact: { kind: string; value: string; status: string } | null;
}

export interface Channel {
  kind: string;
  value: string;
  source: string;
  status: string;
  usable: boolean;
  flags: string[];
  vendor?: { id: string; name: string };
  note?: string;
  evidence: Evidence;
}

export interface DiscoveryResult {
  target: string;
  vendor: { id: string; name: string } | null;
  channels: Channel[];
  rejected: Channel[];
  recommended: Channel | null;
  warnings: string[];
  timed_out: boolean;
  started_at: string;
  finished_at: string;
}

export interface Discovery {
  id: string;
  vendorId: string | null;
  target: string;
  state: string;
  result: DiscoveryResult | null;
  requestedAt: string;
  finishedAt: string | null;
}

export interface VendorInput {
  name: string;
  kind?: 'vendor' | 'coordinator';
  country?: string | null;
  notes?: string;
  domains?: string[];
  repositories?: string[];
  packages?: string[];
}

export const CONTACT_KINDS = ['email', 'web_form', 'private_reporting', 'security_txt', 'phone', 'coordinator', 'other'] as const;
export const CONTACT_STATUSES = ['unverified', 'live', 'not_live', 'bounced', 'stale'] as const;
