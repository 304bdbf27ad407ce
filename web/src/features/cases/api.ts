import { api, request } from '../../api/client';
import type { CaseDetail, CaseState, CaseSummary, Dashboard, LogEntry, Notice, Policy } from './types';

type Signal = AbortSignal | undefined;
const id = encodeURIComponent;
const base = (caseId: string) => `/cases/${id(caseId)}`;

/** Endpoint functions for outbound cases (staff). */
export const casesApi = {
  list: (query: { state?: string; minAgeDays?: number; maxAgeDays?: number; limit?: number }, signal?: Signal) => api.get<{ items: CaseSummary[]; total: number }>('/cases', query, { signal }),
  create: (body: Record<string, unknown>) => api.post<{ id: string }>('/cases', body),
  createFromDraftGroup: (body: Record<string, unknown>) => api.post<{ id: string }>('/cases/from-draft-group', body),
  get: (caseId: string, signal?: Signal) => api.get<CaseDetail>(base(caseId), undefined, { signal }),
  update: (caseId: string, body: Record<string, unknown>) => api.patch<{ ok: true }>(base(caseId), body),
  log: (caseId: string, signal?: Signal) => api.get<{ items: LogEntry[] }>(`${base(caseId)}/log`, undefined, { signal }),
  /** Records (audits) that you opened an encrypted log entry; call before showing its plaintext. */
  openLogEntry: (caseId: string, entryId: string) => api.post<{ openedAt: string }>(`${base(caseId)}/log/${id(entryId)}/openings`),
  notices: (caseId: string, signal?: Signal) => api.get<{ items: Notice[] }>(`${base(caseId)}/notices`, undefined, { signal }),
  policies: (signal?: Signal) => api.get<{ items: Policy[]; conditions: string[] }>('/cases/policies', undefined, { signal }),
  /** Leads: the organisation's values for one policy (null: back to the shipped default). */
  setPolicyValues: (key: string, body: Record<string, number | null>) => api.patch(`/cases/policies/${id(key)}`, body),
  dashboard: (months: number, signal?: Signal) => api.get<Dashboard>('/cases/dashboard', { months }, { signal }),
  addVulnerability: (caseId: string, body: Record<string, unknown>) => api.post<{ id: string }>(`${base(caseId)}/vulnerabilities`, body),
  updateVulnerability: (caseId: string, vulnerabilityId: string, body: Record<string, unknown>) => api.patch<{ ok: true }>(`${base(caseId)}/vulnerabilities/${id(vulnerabilityId)}`, body),
  addParticipant: (caseId: string, body: Record<string, unknown>) => api.post<{ id: string }>(`${base(caseId)}/participants`, body),
  /** contactId null: back to the vendor's preferred mail contact. */
  updateParticipant: (caseId: string, participantId: string, body: { contactId?: string | null; vulnerabilityIds?: string[] }) => api.patch<{ ok: true }>(`${base(caseId)}/participants/${id(participantId)}`, body),
  addCredit: (caseId: string, body: { kind: string; name: string; consentToName: boolean }) => api.post<{ ok: true }>(`${base(caseId)}/credits`, body),
  setCreditConsent: (caseId: string, creditId: string, consentToName: boolean) => api.patch<{ ok: true }>(`${base(caseId)}/credits/${id(creditId)}`, { consentToName }),
  setStatus: (caseId: string, participantId: string, vulnerabilityId: string, status: string) =>
    request<{ ok: true }>('PUT', `${base(caseId)}/participants/${id(participantId)}/statuses/${id(vulnerabilityId)}`, { body: { status } }),
  acknowledge: (caseId: string, participantId: string) => api.post<{ ok: true }>(`${base(caseId)}/participants/${id(participantId)}/acknowledge`),
  sendNotice: (caseId: string, participantId: string, message?: string) =>
    api.post<{ id: string; status: string; encrypted: boolean }>(`${base(caseId)}/participants/${id(participantId)}/notices`, message ? { message } : {}),
  portalLink: (caseId: string, participantId: string, days?: number) =>
    api.post<{ id: string; token: string; url: string; expiresAt: string }>(`${base(caseId)}/participants/${id(participantId)}/portal-links`, days ? { days } : {}),
  statement: (caseId: string, body: string, shared: boolean) => api.post<{ id: string }>(`${base(caseId)}/statements`, { body, shared }),
  shareStatement: (caseId: string, statementId: string, shared: boolean) => api.patch<{ ok: true }>(`${base(caseId)}/statements/${id(statementId)}`, { shared }),
  escalate: (caseId: string, participantId: string, coordinatorId: string, message?: string) =>
    api.post<{ coordinatorParticipantId: string; noticeId: string | null; handOver: { channel: { kind: string; value: string } | null; text: string } | null }>(`${base(caseId)}/escalations`, { participantId, coordinatorId, ...(message ? { message } : {}) }),
  decide: (caseId: string, body: { condition: string; evidence: string; discloseAt?: string }) => api.post(`${base(caseId)}/decisions`, body),
  decideExtension: (caseId: string, requestId: string, accept: boolean) => api.post<{ id: string; state: string }>(`${base(caseId)}/extensions/${id(requestId)}`, { accept }),
  transition: (caseId: string, to: CaseState, reason: string) => api.post<{ state: string; advisoryId: string | null }>(`${base(caseId)}/transitions`, { to, reason }),
  calendarToken: () => api.post<{ token: string; url: string }>('/cases/calendar-token'),
};
