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

import type {
  CursorPage,
  NotificationPage,
  NotificationPreference,
  OpenPgpKey,
  SecurityTxtSignature,
  SecurityTxtStatus,
  SettingsView,
  Webhook,
  WebhookDelivery,
  WebhookEventType,
  WebhookWithSecret,
} from './types';
import { request } from './client';

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

/** Public files served by the server itself (outside the SPA and /api): plain links, not router links. */
export const SECURITY_TXT_URL = '/.well-known/security.txt';
export const PGP_KEY_URL = '/pgp-key.txt';

export const settingsApi = {
  get: (signal?: Signal) => api.get<SettingsView>('/settings', undefined, { signal }),
  /** `null` puts a key back to its default. */
  update: (patch: Record<string, unknown>) => api.patch<SettingsView>('/settings', patch),
};

export const keysApi = {
  list: (signal?: Signal) => api.get<Items<OpenPgpKey>>('/keys', undefined, { signal }),
  securityTxt: (signal?: Signal) => api.get<SecurityTxtStatus>('/security-txt', undefined, { signal }),
  signSecurityTxt: (passphrase: string) => api.post<{ signature: SecurityTxtSignature }>('/security-txt/sign', { passphrase }),
};

export interface WebhookInput {
  name: string;
  url: string;
  events: WebhookEventType[];
  active: boolean;
}

export const webhooksApi = {
  list: (signal?: Signal) => api.get<Items<Webhook>>('/webhooks', undefined, { signal }),
  create: (input: WebhookInput) => api.post<WebhookWithSecret>('/webhooks', input),
  update: (hookId: string, changes: Partial<WebhookInput> & { rotateSecret?: true }) =>
    api.patch<Webhook & { secret?: string }>(`/webhooks/${id(hookId)}`, changes),
  remove: (hookId: string) => api.delete<void>(`/webhooks/${id(hookId)}`),
  test: (hookId: string) => api.post<{ deliveryId: string; eventId: string }>(`/webhooks/${id(hookId)}/test`),
  deliveries: (hookId: string, after: string | undefined, signal?: Signal) =>
    api.get<CursorPage<WebhookDelivery>>(`/webhooks/${id(hookId)}/deliveries`, { after, limit: 25 }, { signal }),
};

export const notificationsApi = {
  list: (filter: { unread?: boolean; after?: string | undefined; limit?: number }, signal?: Signal) =>
    api.get<NotificationPage>('/notifications', { unread: filter.unread || undefined, after: filter.after, limit: filter.limit }, { signal }),
  markRead: (which: { ids: string[] } | { all: true }) => api.post<{ updated: number }>('/notifications/read', which),
  preferences: (signal?: Signal) => api.get<Items<NotificationPreference>>('/me/notification-preferences', undefined, { signal }),
  savePreferences: (items: { kind: string; inApp: boolean; email: boolean }[]) =>
    request<Items<NotificationPreference>>('PUT', '/me/notification-preferences', { body: { items } }),
};
