import type { Role, TokenScope } from '../shared/server';
import { api } from './client';
import type {
  ApiToken,
  AuditPage,
  AuditVerification,
  CreatedToken,
  Items,
  Job,
  JobState,
  Me,
  OutboxMessage,
  OutboxPage,
  RecoveryCodes,
  Session,
  TwoFactorSetup,
  User,
} from './types';

type Signal = AbortSignal | undefined;
const id = encodeURIComponent;

export const sessionApi = {
  get: (signal?: Signal) => api.get<Session>('/session', undefined, { signal, quiet: true }),
  signIn: (email: string, password: string) => api.post<Session>('/auth/signin', { email, password }, { quiet: true }),
  mfa: (code: string) => api.post<Session>('/auth/mfa', { code }, { quiet: true }),
  signOut: () => api.post<void>('/auth/signout', undefined, { quiet: true }),
  signUp: (name: string, email: string, password: string) =>
    api.post<{ user: unknown }>('/auth/signup', { ...(name ? { name } : {}), email, password }),
  verifyEmail: (token: string) => api.post<{ verified: boolean }>('/auth/verify-email', { token }),
  requestPasswordReset: (email: string) => api.post<void>('/auth/password-reset', { email }),
  completePasswordReset: (token: string, password: string) =>
    api.post<{ ok: boolean }>('/auth/password-reset/complete', { token, password }),
};

export const meApi = {
  get: (signal?: Signal) => api.get<Me>('/me', undefined, { signal }),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post<{ ok: boolean }>('/me/password', { currentPassword, newPassword }),
  setupTwoFactor: () => api.post<TwoFactorSetup>('/me/two-factor/setup'),
  confirmTwoFactor: (code: string) => api.post<RecoveryCodes>('/me/two-factor/confirm', { code }),
  regenerateRecoveryCodes: (code: string) => api.post<RecoveryCodes>('/me/two-factor/recovery-codes', { code }),
  disableTwoFactor: (password: string) => api.delete<void>('/me/two-factor', { password }),
  tokens: (signal?: Signal) => api.get<Items<ApiToken>>('/me/tokens', undefined, { signal }),
  createToken: (name: string, scopes: TokenScope[], expiresInDays?: number) =>
    api.post<CreatedToken>('/me/tokens', { name, scopes, ...(expiresInDays ? { expiresInDays } : {}) }),
  revokeToken: (tokenId: string) => api.delete<void>(`/me/tokens/${id(tokenId)}`),
};

export const usersApi = {
  list: (filter: { role?: string | undefined; q?: string | undefined }, signal?: Signal) =>
    api.get<Items<User>>('/users', filter, { signal }),
  invite: (email: string, name: string, roles: Role[]) =>
    api.post<{ user: User }>('/users', { email, ...(name ? { name } : {}), roles }),
  update: (userId: string, patch: { roles?: Role[]; disabled?: boolean }) =>
    api.patch<{ user: User }>(`/users/${id(userId)}`, patch),
};

export interface AuditFilter {
  action?: string | undefined;
  actorId?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
}

export const AUDIT_EXPORT_URL = '/api/v1/audit/export';

export const auditApi = {
  list: (filter: AuditFilter & { before?: number | undefined; limit?: number }, signal?: Signal) =>
    api.get<AuditPage>('/audit', { ...filter }, { signal }),
  verify: () => api.get<AuditVerification>('/audit/verify'),
};

export const outboxApi = {
  /** `before`: the id of the last message already shown. */
  list: (before: string | number | undefined, limit: number, signal?: Signal) =>
    api.get<OutboxPage>('/outbox', { before, limit }, { signal }),
  get: (messageId: string, signal?: Signal) => api.get<OutboxMessage>(`/outbox/${id(messageId)}`, undefined, { signal }),
};

export const jobsApi = {
  list: (state: JobState | undefined, signal?: Signal) => api.get<Items<Job>>('/jobs', { state }, { signal }),
  retry: (jobId: string) => api.post<void>(`/jobs/${id(jobId)}/retry`),
};
