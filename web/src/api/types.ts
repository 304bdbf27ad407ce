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

// ---------- Settings, OpenPGP keys, security.txt, webhooks, notifications ----------

/** One organisation setting; `value` and `default` are typed by the key (text, list, number, or null). */
export interface SettingDetail {
  key: string;
  description: string;
  value: unknown;
  default: unknown;
  isDefault: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface SettingsView {
  settings: Record<string, unknown>;
  details: SettingDetail[];
}

export type KeyStatus = 'current' | 'previous' | 'revoked';

export interface OpenPgpKey {
  id: string;
  fingerprint: string;
  uid: string;
  algorithm: string;
  source: 'generated' | 'imported';
  status: KeyStatus;
  createdAt: string;
  expiresAt: string | null;
  addedAt: string;
  revokedAt: string | null;
  revocationReason: string | null;
}

export type SignatureProblem = 'settings_changed' | 'key_changed' | 'expired';

export interface SecurityTxtSignature {
  fingerprint: string;
  signedAt: string;
  signedBy: string;
  expiresAt: string;
  inUse: boolean;
  problem: SignatureProblem | null;
}

export interface SecurityTxtStatus {
  text: string;
  signed: boolean;
  expiresAt: string;
  signature: SecurityTxtSignature | null;
}

export const WEBHOOK_EVENTS = [
  'report.created',
  'report.state_changed',
  'report.comment_added',
  'report.severity_changed',
  'report.assigned',
  'reward.awarded',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export interface Webhook {
  id: string;
  name: string;
  url: string;
  events: WebhookEventType[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The answer to create (and to a rotation): the signing secret, shown only then. */
export interface WebhookWithSecret extends Webhook {
  secret: string;
}

export type DeliveryState = 'pending' | 'failed' | 'delivered' | 'dead' | 'skipped';

export interface DeliveryAttempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  state: DeliveryState;
  attempts: number;
  maxAttempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
  payload: unknown;
  log: DeliveryAttempt[];
}

/** Keyset pages: pass `next` as `after`. */
export interface CursorPage<T> {
  items: T[];
  next: string | null;
}

export interface AppNotification {
  id: string;
  kind: string;
  reportId: string | null;
  title: string;
  body: string;
  url: string | null;
  read: boolean;
  readAt: string | null;
  createdAt: string;
}

export interface NotificationPage extends CursorPage<AppNotification> {
  /** All of the person's unread notifications, not only this page's. */
  unread: number;
}

export interface NotificationPreference {
  kind: string;
  description: string;
  inApp: boolean;
  email: boolean;
}
