import { API_BASE, ApiError, api, apiUrl } from '../../api/client';
import { sessionApi } from '../../api/endpoints';
import type { Items } from '../../api/types';
import type { ErrorBody } from '../../shared/server';
import type {
  PolicyVersion,
  Attachment,
  CvssScore,
  CweEntry,
  DisclosedItem,
  DisclosedReport,
  Disclosure,
  DisclosureEdit,
  DuplicateSuggestion,
  Earnings,
  HallEntry,
  HallProfile,
  InboxPage,
  InboxQuery,
  LedgerItem,
  NewReport,
  Program,
  ProgramInput,
  ProgramMember,
  ProgramSummary,
  Report,
  ReportEvent,
  ReportRewards,
  Reputation,
  ReputationPoints,
  Reward,
  RewardState,
  RewardSuggestion,
  SlaMonth,
  SubmissionLimit,
  TriageChanges,
} from './types';

/**
 * Endpoint functions for programmes, reports and what hangs off them. Same client as
 * web/src/api/endpoints.ts (CSRF, errors, 401 handling); uploads use XMLHttpRequest for progress.
 */

type Signal = AbortSignal | undefined;
const id = encodeURIComponent;

/** The server's attachment limits, for the submit form to check before uploading. */
export const attachmentLimits = (signal?: Signal) => api.get<{ maxFiles: number; maxBytes: number }>('/attachments/limits', undefined, { signal });

export const programsApi = {
  list: (signal?: Signal) => api.get<Items<ProgramSummary>>('/programs', undefined, { signal }),
  get: (slug: string, signal?: Signal) => api.get<Program>(`/programs/${id(slug)}`, undefined, { signal }),
  policyVersion: (slug: string, version: number, signal?: Signal) => api.get<PolicyVersion>(`/programs/${id(slug)}/policy/${version}`, undefined, { signal }),
  create: (input: ProgramInput & { slug: string }) => api.post<Program>('/programs', input),
  update: (slug: string, changes: Partial<ProgramInput>) => api.patch<Program>(`/programs/${id(slug)}`, changes),
  sla: (slug: string, months: number, signal?: Signal) => api.get<{ months: SlaMonth[] }>(`/programs/${id(slug)}/sla`, { months }, { signal }),
  members: (slug: string, signal?: Signal) => api.get<Items<ProgramMember>>(`/programs/${id(slug)}/members`, undefined, { signal }),
  invite: (slug: string, email: string) => api.post<ProgramMember>(`/programs/${id(slug)}/members`, { email }),
  removeMember: (slug: string, userId: string) => api.delete(`/programs/${id(slug)}/members/${id(userId)}`),
  submissionLimit: (slug: string, signal?: Signal) => api.get<{ limit: SubmissionLimit | null }>(`/programs/${id(slug)}/submission-limit`, undefined, { signal }),
  setSubmissionLimit: (slug: string, limit: Omit<SubmissionLimit, 'windowDays'>) => api.patch<{ limit: SubmissionLimit }>(`/programs/${id(slug)}/submission-limit`, limit),
  clearSubmissionLimit: (slug: string) => api.delete(`/programs/${id(slug)}/submission-limit`),
};

export const reportsApi = {
  submit: (report: NewReport) => api.post<Report>('/reports', report),
  list: (query: InboxQuery, signal?: Signal) => api.get<InboxPage>('/reports', { ...query }, { signal }),
  get: (reportId: string, signal?: Signal) => api.get<Report>(`/reports/${id(reportId)}`, undefined, { signal }),
  timeline: (reportId: string, signal?: Signal) => api.get<Items<ReportEvent>>(`/reports/${id(reportId)}/timeline`, undefined, { signal }),
  comment: (reportId: string, body: string, internal: boolean) => api.post<ReportEvent>(`/reports/${id(reportId)}/comments`, { body, internal }),
  transition: (reportId: string, to: string, reason?: string, duplicateOf?: string) =>
    api.post<Report>(`/reports/${id(reportId)}/transitions`, { to, ...(reason ? { reason } : {}), ...(duplicateOf ? { duplicateOf } : {}) }),
  triage: (reportId: string, changes: TriageChanges) => api.patch<Report>(`/reports/${id(reportId)}`, changes),
  duplicates: (reportId: string, signal?: Signal) => api.get<DuplicateSuggestion[]>(`/reports/${id(reportId)}/duplicates`, undefined, { signal }),
  /** `label` adds and removes labels on each report, keeping its others. */
  bulk: (body: { ids: string[]; action: 'assign' | 'label' | 'spam'; assigneeId?: string | null; add?: string[]; remove?: string[]; reason?: string }) =>
    api.post<{ updated: number }>('/reports/bulk', body),
  requestRetest: (reportId: string, note?: string) => api.post<{ id: string; state: string }>(`/reports/${id(reportId)}/retest`, note ? { note } : {}),
  answerRetest: (reportId: string, outcome: 'fixed' | 'incomplete', note?: string) =>
    api.post<{ id: string; state: string }>(`/reports/${id(reportId)}/retest/answer`, { outcome, ...(note ? { note } : {}) }),
  disclosure: (reportId: string, signal?: Signal) => api.get<Disclosure | null>(`/reports/${id(reportId)}/disclosure`, undefined, { signal }),
  agreeDisclosure: (reportId: string) => api.post<Disclosure>(`/reports/${id(reportId)}/disclosure`),
  editDisclosure: (reportId: string, edit: DisclosureEdit) => api.patch<Disclosure>(`/reports/${id(reportId)}/disclosure`, edit),
};

export const rewardsApi = {
  forReport: (reportId: string, signal?: Signal) => api.get<ReportRewards>(`/reports/${id(reportId)}/rewards`, undefined, { signal }),
  suggestion: (reportId: string, signal?: Signal) => api.get<RewardSuggestion>(`/reports/${id(reportId)}/reward-suggestion`, undefined, { signal }),
  award: (reportId: string, body: { amount: number; kind: 'bounty' | 'bonus'; note?: string }) =>
    api.post<{ awardId: string; amount: number; currency: string; items: Reward[] }>(`/reports/${id(reportId)}/rewards`, body),
  ledger: (query: { state?: RewardState | undefined; program?: string | undefined; after?: string | undefined; limit?: number }, signal?: Signal) =>
    api.get<{ items: LedgerItem[]; next: string | null }>('/rewards', { ...query }, { signal }),
  exportUrl: (query: { state?: string | undefined; program?: string | undefined }) => apiUrl('/rewards/export.csv', query),
  setState: (rewardId: string, to: 'paid' | 'cancelled', reference?: string) =>
    api.post<Reward>(`/rewards/${id(rewardId)}/state`, { to, ...(reference ? { reference } : {}) }),
  earnings: (signal?: Signal) => api.get<Earnings>('/me/earnings', undefined, { signal }),
};

export const reputationApi = {
  mine: (signal?: Signal) => api.get<Reputation>('/me/reputation', undefined, { signal }),
  points: (signal?: Signal) => api.get<ReputationPoints>('/reputation/points', undefined, { signal }),
  changePoints: (changes: Partial<ReputationPoints>) => api.patch<ReputationPoints>('/reputation/points', changes),
};

export const hallOfFameApi = {
  all: (signal?: Signal) => api.get<Items<HallEntry>>('/hall-of-fame', undefined, { signal }),
  program: (slug: string, signal?: Signal) => api.get<Items<HallEntry>>(`/programs/${id(slug)}/hall-of-fame`, undefined, { signal }),
  profile: (signal?: Signal) => api.get<HallProfile>('/me/hall-of-fame', undefined, { signal }),
  updateProfile: (changes: { handle?: string | null; link?: string | null; public?: boolean }) => api.patch<HallProfile>('/me/hall-of-fame', changes),
};

export const disclosedApi = {
  list: (query: { program?: string | undefined; before?: string | undefined; limit?: number }, signal?: Signal) =>
    api.get<Items<DisclosedItem>>('/disclosed', { ...query }, { signal }),
  get: (reportId: string, signal?: Signal) => api.get<DisclosedReport>(`/disclosed/${id(reportId)}`, undefined, { signal }),
};

export const referenceApi = {
  cwe: (q: string, signal?: Signal) => api.get<Items<CweEntry>>('/cwe', { q, limit: 12 }, { signal }),
  cvss: (vector: string, signal?: Signal) => api.get<CvssScore>('/cvss', { vector }, { signal }),
};

export const attachmentDownloadUrl = (attachmentId: string) => `${API_BASE}/attachments/${id(attachmentId)}`;

export interface Upload {
  promise: Promise<Attachment>;
  abort: () => void;
}

function parseXhrError(xhr: XMLHttpRequest): ApiError {
  if (xhr.status === 0) return new ApiError(0, 'network_error', 'The upload did not reach the server. Check your connection and try again.');
  try {
    const body = JSON.parse(xhr.responseText) as Partial<ErrorBody>;
    if (body.error?.code && body.error.message) return new ApiError(xhr.status, body.error.code, body.error.message, body.error.details ?? []);
  } catch {
    // not JSON
  }
  if (xhr.status === 413) return new ApiError(413, 'payload_too_large', 'The file is too large.');
  return new ApiError(xhr.status, xhr.status >= 500 ? 'internal_error' : 'bad_response', `The server answered ${xhr.status}`);
}

function sendUpload(file: File, csrfToken: string, onProgress: (fraction: number) => void, register: (xhr: XMLHttpRequest) => void): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    register(xhr);
    xhr.open('POST', `${API_BASE}/attachments`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status === 201) {
        try {
          resolve(JSON.parse(xhr.responseText) as Attachment);
        } catch {
          reject(new ApiError(xhr.status, 'bad_response', 'The server sent a response that is not JSON.'));
        }
      } else reject(parseXhrError(xhr));
    };
    xhr.onerror = () => reject(parseXhrError(xhr));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

/**
 * Uploads one file (`POST /attachments`, multipart field "file") with progress. The CSRF token
 * is the session's; a stale one (another tab signed in again) is renewed once, as the JSON
 * client does.
 */
export function uploadAttachment(file: File, csrfToken: string, onProgress: (fraction: number) => void): Upload {
  let current: XMLHttpRequest | undefined;
  let aborted = false;
  const register = (xhr: XMLHttpRequest) => {
    current = xhr;
  };
  const promise = sendUpload(file, csrfToken, onProgress, register).catch(async (error: unknown) => {
    if (aborted || !(error instanceof ApiError) || error.code !== 'csrf_failed') throw error;
    const session = await sessionApi.get();
    onProgress(0);
    return sendUpload(file, session.csrfToken, onProgress, register);
  });
  return {
    promise,
    abort: () => {
      aborted = true;
      current?.abort();
    },
  };
}
