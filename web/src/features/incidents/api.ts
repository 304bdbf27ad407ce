import { api, request } from '../../api/client';
import type {
  FollowUpGrant,
  Incident,
  IncidentDetail,
  IncidentState,
  IntakeInfo,
  NewIncident,
  SubmittedIncident,
  UnsealReport,
} from './types';

/**
 * Endpoint functions for sealed incidents. Everything sent here is ciphertext or metadata: the
 * pages encrypt before calling `submit`, `followUpMessage` and `reply`.
 */

type Signal = AbortSignal | undefined;
const id = encodeURIComponent;
const followUp = (token: string) => ({ 'X-Follow-Up-Token': token });

export const incidentsApi = {
  intake: (signal?: Signal) => api.get<IntakeInfo>('/incidents/intake', undefined, { signal }),
  submit: (incident: NewIncident) => api.post<SubmittedIncident>('/incidents', incident),
  /** Exchanges a receipt for a 30-minute follow-up token. */
  redeemReceipt: (receipt: string) => api.post<FollowUpGrant>('/incidents/receipt', { receipt }, { quiet: true }),
  followUp: (token: string, signal?: Signal) => api.get<IncidentDetail>('/incidents/followup', undefined, { signal, headers: followUp(token), quiet: true }),
  followUpMessage: (token: string, message: string) =>
    api.post<{ id: string; createdAt: string }>('/incidents/followup/messages', { message }, { headers: followUp(token), quiet: true }),
  setReplyKey: (token: string, privateKey: string) =>
    request<{ fingerprint: string }>('PUT', '/incidents/followup/reply-key', { body: { privateKey }, headers: followUp(token), quiet: true }),

  list: (query: { state?: IncidentState | undefined; after?: string | undefined; limit?: number }, signal?: Signal) =>
    api.get<{ items: Incident[]; next: string | null }>('/incidents', { ...query }, { signal }),
  /** The sealed messages (ciphertext); the server audits every reading. */
  get: (incidentId: string, signal?: Signal) => api.get<IncidentDetail>(`/incidents/${id(incidentId)}`, undefined, { signal }),
  reply: (incidentId: string, message: string) => api.post<{ id: string; createdAt: string }>(`/incidents/${id(incidentId)}/replies`, { message }),
  /** Staff give the reporter's public key when the reporter gave none. */
  setReporterKey: (incidentId: string, publicKey: string) => request<{ fingerprint: string }>('PUT', `/incidents/${id(incidentId)}/reporter-key`, { body: { publicKey } }),
  acknowledge: (incidentId: string) => api.post<Incident>(`/incidents/${id(incidentId)}/acknowledge`),
  close: (incidentId: string, reason?: string) => api.post<Incident>(`/incidents/${id(incidentId)}/close`, reason ? { reason } : {}),
  unseal: (incidentId: string, reason: string, report: UnsealReport) =>
    api.post<{ incident: Incident; reportId: string }>(`/incidents/${id(incidentId)}/unseal`, { reason, report }),
};
