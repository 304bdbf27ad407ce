import { api, request } from '../../api/client';

export interface PortalView {
  case: { ref: string; title: string; summary: { markdown: string; html: string }; state: string; embargo: { endsAt: string; zone: string; local: string; offset: string } | null; organisation: string };
  participant: { id: string; name: string; role: string; acknowledgedAt: string | null };
  vulnerabilities: { id: string; title: string; summary: { markdown: string; html: string }; product: string; versions: string[]; cwe: number | null; cvssVectors: string[]; status: string; statusChangedAt: string }[];
  statements: { id: string; body: { markdown: string; html: string }; shared: boolean; own: boolean; from: string; createdAt: string; vulnerabilityId: string | null }[];
  messages: { id: string; kind: string; from: string; summary: string; body: string | null; at: string }[];
  extensions: { id: string; requestedUntil: string; reason: string; state: string; decidedAt: string | null; note: string | null }[];
}

/** The vendor portal's API: the token goes in a header, never in a URL. */
const headers = (token: string) => ({ 'X-Portal-Token': token });

export const portalApi = {
  view: (token: string, signal?: AbortSignal) => api.get<PortalView>('/portal', undefined, { signal, headers: headers(token), quiet: true }),
  acknowledge: (token: string) => api.post<{ ok: true }>('/portal/acknowledge', {}, { headers: headers(token), quiet: true }),
  setStatus: (token: string, vulnerabilityId: string, status: string) =>
    request<{ ok: true }>('PUT', `/portal/statuses/${encodeURIComponent(vulnerabilityId)}`, { body: { status }, headers: headers(token), quiet: true }),
  statement: (token: string, body: string, vulnerabilityId?: string) => api.post<{ id: string }>('/portal/statements', { body, ...(vulnerabilityId ? { vulnerabilityId } : {}) }, { headers: headers(token), quiet: true }),
  message: (token: string, text: string) => api.post<{ id: string }>('/portal/messages', { text }, { headers: headers(token), quiet: true }),
  extension: (token: string, until: string, reason: string) => api.post<{ id: string }>('/portal/extensions', { until, reason }, { headers: headers(token), quiet: true }),
};
