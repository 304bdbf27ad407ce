import type { Role, TokenScope } from '../shared/server';

export type SessionStage = 'full' | 'mfa_pending' | 'mfa_enrollment';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  emailVerified: boolean;
  mfaEnabled: boolean;
}

export interface Session {
  stage: SessionStage;
  csrfToken: string;
  user: SessionUser;
}

export interface Me extends SessionUser {
  createdAt: string;
}

export interface TwoFactorSetup {
  secret: string;
  otpauthUrl: string;
  /** `data:image/png;base64,…` */
  qrDataUrl: string;
}

export interface RecoveryCodes {
  recoveryCodes: string[];
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  scopes: TokenScope[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface CreatedToken {
  token: string;
  item: ApiToken;
}

export interface User extends SessionUser {
  disabled: boolean;
  createdAt: string;
}

export interface AuditEvent {
  seq: number;
  id: string;
  occurredAt: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  objectType: string;
  objectId: string | null;
  data: unknown;
  ip: string | null;
  hash: string;
}

export interface AuditPage {
  items: AuditEvent[];
  nextBefore: number | null;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  firstBad: { seq: number; reason: string } | null;
}

export type MailStatus = 'stored' | 'queued' | 'sent' | 'failed';

export interface OutboxItem {
  id: string;
  recipient: string;
  subject: string;
  status: MailStatus;
  error: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface OutboxMessage extends OutboxItem {
  text: string;
}

export interface OutboxPage {
  items: OutboxItem[];
  /** If the server sends it, it is the next `before`; otherwise a full page means "there may be more". */
  nextBefore?: string | number | null;
}

export type JobState = 'queued' | 'running' | 'done' | 'dead';
export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'done', 'dead'];

export interface Job {
  id: string;
  name: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface Items<T> {
  items: T[];
}
