/** Response shapes of /api/v1/incidents (src/server/routes/incidents.routes.ts). */

export type IncidentState = 'new' | 'acknowledged' | 'closed';
export type ContactMethod = 'none' | 'email' | 'receipt';

export interface IntakeInfo {
  statement: { version: number; text: string };
  maxMessageBytes: number;
  receiptValidityDays: number;
  /** The organisation key to encrypt to; null while it has none. */
  key: { fingerprint: string; uid: string; publicKey: string } | null;
}

export interface NewIncident {
  message: string;
  accept_unconditional: boolean;
  program?: string;
  statementVersion?: number;
  contact?: { method: ContactMethod; email?: string; publicKey?: string };
}

export interface SubmittedIncident {
  id: string;
  receivedAt: string;
  receipt?: string;
  receiptExpiresAt?: string;
}

export interface FollowUpGrant {
  token: string;
  expiresAt: string;
  incidentId: string;
}

export interface Incident {
  id: string;
  source: 'web' | 'mail';
  /** False for plain mail filed as an open report (`reportId`): nothing sealed, nothing to unseal. */
  sealed: boolean;
  state: IncidentState;
  program: { id: string; slug: string; name: string } | null;
  receivedAt: string;
  size: number;
  contactMethod: ContactMethod;
  hasReporterKey: boolean;
  reporterId?: string | null;
  encryptedTo: { keyId: string; fingerprint: string }[];
  acceptance: { acceptedAt: string; statementVersion: number; programPolicyVersion: number | null };
  acknowledgedAt: string | null;
  acknowledgedBy?: string | null;
  alarms: number;
  nextAlarmAt?: string | null;
  closedAt: string | null;
  closedBy?: string | null;
  unsealedAt: string | null;
  unsealedBy?: string | null;
  reportId: string | null;
  messages: number;
  lastMessageAt: string;
  deletesAt: string | null;
}

export interface SealedMessage {
  id: string;
  author: 'reporter' | 'staff';
  authorId?: string | null;
  /** The armoured OpenPGP message. */
  message: string;
  size: number;
  createdAt: string;
}

export interface IncidentDetail extends Incident {
  items: SealedMessage[];
  contact?: { email: string | null; publicKey: string | null };
  replyKey?: string | null;
}

export interface UnsealReport {
  program?: string;
  title: string;
  description: string;
  steps?: string;
  impact?: string;
  assetOther?: string;
}
