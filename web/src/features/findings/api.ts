import { api } from '../../api/client';
import type { AutomatedSource, AutomatedSourceInput, Candidate, CandidateDetail, DraftGroup, FindingsDashboard, QueueQuery, RejectionReason, SuppressionScope } from './types';

type Signal = AbortSignal | undefined;
const id = encodeURIComponent;

/** Outbound findings: the review queue, a candidate and its review, draft case groups, the dashboard, registered automated sources. */
export const findingsApi = {
  queue: (query: QueueQuery, signal?: Signal) => api.get<{ items: Candidate[]; total: number }>('/findings/candidates', { ...query }, { signal }),
  candidate: (candidateId: string, signal?: Signal) => api.get<CandidateDetail>(`/findings/candidates/${id(candidateId)}`, undefined, { signal }),
  review: (candidateId: string, body: { decision: 'approve' | 'reject'; reason?: RejectionReason; note?: string; suppress?: SuppressionScope }) =>
    api.post<Candidate & { suppressionsCreated: number }>(`/findings/candidates/${id(candidateId)}/review`, body),
  groups: (signal?: Signal) => api.get<{ items: DraftGroup[] }>('/findings/groups', undefined, { signal }),
  dashboard: (days: number, signal?: Signal) => api.get<FindingsDashboard>('/findings/dashboard', { days }, { signal }),
  automatedSources: (includeRetired: boolean, signal?: Signal) => api.get<{ items: AutomatedSource[] }>('/findings/automated-sources', { includeRetired: includeRetired || undefined }, { signal }),
  registerAutomatedSource: (input: AutomatedSourceInput) => api.post<AutomatedSource>('/findings/automated-sources', input),
  retireAutomatedSource: (sourceId: string) => api.post<AutomatedSource & { candidatesNowPersonFound: number }>(`/findings/automated-sources/${id(sourceId)}/retire`),
};
