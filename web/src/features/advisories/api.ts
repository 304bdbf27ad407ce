import { api, request } from '../../api/client';

type Signal = AbortSignal | undefined;

export type RangeType = 'SEMVER' | 'ECOSYSTEM' | 'GIT';
export interface VersionRange {
  type: RangeType;
  repo: string | null;
  introduced: string;
  fixed: string | null;
  lastAffected: string | null;
}
export interface AffectedProduct {
  vendor: string;
  product: string;
  ecosystem: string | null;
  packageName: string | null;
  purl: string | null;
  status: 'affected' | 'not_affected';
  justification: string | null;
  ranges: VersionRange[];
  versions: string[];
}
export interface AdvisoryVulnerability {
  title: string;
  description: string;
  cve: string | null;
  cwes: number[];
  cvss: string[];
}
export interface AdvisoryContent {
  kind: 'security_advisory' | 'vex';
  title: string;
  summary: string;
  workarounds: string;
  products: AffectedProduct[];
  vulnerabilities: AdvisoryVulnerability[];
  references: { url: string; summary: string }[];
  credits: { name: string; kind: 'person' | 'system'; consent: boolean; userId: string | null }[];
}
interface Html {
  markdown: string;
  html: string;
}
/** The server's rendering of content: Markdown beside safe HTML, scores worked out. */
export interface ContentView {
  kind: string;
  title: string;
  severity: string;
  summary: Html;
  workarounds: Html;
  products: (AffectedProduct & { rangeLabels: string[]; fixedVersions: string[] })[];
  vulnerabilities: { title: string; description: Html; cve: string | null; cwes: { id: number; name: string }[]; cvss: { vector: string; version: string; score: number; severity: string }[] }[];
  references: { url: string; summary: string }[];
  credits: { name: string; kind: string; consent?: boolean }[];
}
export interface AdvisorySummary {
  id: string;
  title: string;
  severity: string;
  cves: string[];
  state: 'draft' | 'published';
  revision: number;
  initialReleaseAt: string | null;
  currentReleaseAt: string | null;
  url: string;
}
export interface Advisory extends AdvisorySummary {
  content: ContentView | null;
  revisions: { number: number; date: string; summary: string; publishedBy?: string }[];
  links: { page: string; csaf: string | null; osv: string | null; csafApi: string; osvApi: string };
  osvId: string;
  draft?: { content: AdvisoryContent; html: ContentView; updatedAt: string; unpublishedChanges: boolean };
  source?: { kind: string | null; id: string | null; url: string | null };
}
export interface PolicySection {
  section: string;
  title: string;
  body: Html;
  version: number;
  updatedAt: string | null;
}

export const advisoriesApi = {
  list: (query: { state?: string; q?: string }, signal?: Signal) => api.get<{ items: AdvisorySummary[]; total: number }>('/advisories', query, { signal }),
  get: (id: string, signal?: Signal) => api.get<Advisory>(`/advisories/${encodeURIComponent(id)}`, undefined, { signal }),
  create: (body: { fromReport?: string; content?: Partial<AdvisoryContent> }) => api.post<Advisory>('/advisories', body),
  saveDraft: (id: string, content: AdvisoryContent, sourceUrl?: string | null) =>
    api.patch<Advisory>(`/advisories/${encodeURIComponent(id)}`, { content, ...(sourceUrl !== undefined ? { sourceUrl } : {}) }),
  publish: (id: string, changeSummary: string) => api.post<Advisory>(`/advisories/${encodeURIComponent(id)}/publish`, changeSummary ? { changeSummary } : {}),
  sign: (passphrase: string) => api.post<{ signed: string[] }>('/advisories/sign', { passphrase }),
  policyPage: (signal?: Signal) => api.get<{ items: PolicySection[] }>('/policy-page', undefined, { signal }),
  savePolicySection: (section: string, body: string) => request<PolicySection>('PUT', `/policy-page/${section}`, { body: { body } }),
};
