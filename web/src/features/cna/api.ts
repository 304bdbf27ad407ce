import { api, request } from '../../api/client';

type Signal = AbortSignal | undefined;

export interface Exclusion {
  id: string;
  title: string;
  explanation: string;
}
export interface CnaProfile {
  orgId: string | null;
  scopeStatement: string;
  products: string[];
  thirdPartyCovered: boolean;
  exclusions: Exclusion[];
  shortName: string | null;
  unusedIdDays: number;
  updatedAt: string | null;
  updatedBy: string | null;
}
export interface Elsewhere {
  label: string;
  url: string;
}
export interface CnaPolicy {
  organisation: string;
  scope: { statement: { html: string }; products: string[]; thirdPartyCovered: boolean };
  exclusions: { id: string; title: string; explanation: { html: string } }[];
  requesting: { information: string[] };
}
export type Nature = 'vulnerability' | 'insecure-default' | 'documented-non-default-configuration' | 'dependency-update-only' | 'not-a-vulnerability';
export type Scope = 'own-product' | 'third-party-no-other-cna' | 'other-cna';
export type CnaTag = 'unsupported-when-assigned' | 'exclusively-hosted-service' | 'disputed';
export interface Answers {
  nature: Nature;
  scope: Scope;
  otherCna?: string;
  independentlyFixable: boolean;
  sharesIdWith?: string;
  existingCve?: string;
  willBePublic: boolean;
  exclusion?: string;
  tags: CnaTag[];
}
export interface Decision {
  id: string;
  answers: Answers;
  outcome: 'assign' | 'do_not_assign' | 'refer';
  reasons: { rule: string; message: string }[];
  referTo: string | null;
  rationale: string;
  decidedBy: string;
  decidedAt: string;
}
export interface CveRequest {
  id: string;
  status: 'open' | 'accepted' | 'declined';
  product: string;
  title: string;
  description: string;
  versions: string | null;
  cwe: number | null;
  references: string[];
  requester: { userId: string | null; name: string | null; email: string | null };
  reportId: string | null;
  recordId: string | null;
  decisionReason: string | null;
  createdAt: string;
}
export interface Receipt {
  id: string;
  status: CveRequest['status'];
  product: string;
  title: string;
  createdAt: string;
  decidedAt: string | null;
  decisionReason: string | null;
  cveId: string | null;
}
export type Submitted =
  | { status: 'open'; id: string; receipt: string; trackUrl: string }
  | { status: 'out_of_scope'; reason: string; whereToGo: Elsewhere[]; products: string[] };

export const cnaApi = {
  profile: (signal?: Signal) => api.get<CnaProfile>('/cna/profile', undefined, { signal }),
  saveProfile: (profile: Omit<CnaProfile, 'shortName' | 'unusedIdDays' | 'updatedAt' | 'updatedBy'>) => request<CnaProfile>('PUT', '/cna/profile', { body: profile }),
  policy: (signal?: Signal) => api.get<CnaPolicy>('/cna/policy', undefined, { signal }),
  decisions: (recordId: string, signal?: Signal) => api.get<{ items: Decision[] }>(`/cve-records/${encodeURIComponent(recordId)}/eligibility`, undefined, { signal }),
  decide: (recordId: string, answers: Answers, rationale: string) => api.post<Decision>(`/cve-records/${encodeURIComponent(recordId)}/eligibility`, { answers, rationale }),
  submitRequest: (body: Record<string, unknown>) => api.post<Submitted>('/cve-requests', body),
  track: (receipt: string) => api.post<Receipt>('/cve-requests/track', { receipt }),
  mine: (signal?: Signal) => api.get<{ items: Receipt[] }>('/cve-requests/mine', undefined, { signal }),
  queue: (status: string, signal?: Signal) => api.get<{ items: CveRequest[] }>('/cve-requests', { status: status || undefined }, { signal }),
  accept: (id: string) => api.post<{ recordId: string }>(`/cve-requests/${id}/accept`),
  decline: (id: string, reason: string) => api.post<CveRequest>(`/cve-requests/${id}/decline`, { reason }),
};

