/** Shapes of the cases API (src/server/routes/cases.routes.ts). */
export type CaseState = 'draft' | 'notifying' | 'coordinating' | 'disclosed' | 'closed';
export const CASE_STATES: CaseState[] = ['draft', 'notifying', 'coordinating', 'disclosed', 'closed'];
/** States in which notices, escalations and decisions are still possible. */
export const OPEN_STATES: readonly CaseState[] = ['draft', 'notifying', 'coordinating'];
export const isOpenCase = (state: CaseState) => OPEN_STATES.includes(state);
/** The disclosure policies a case can name (src/domain/cases/case-policies.ts), for pickers. */
export const POLICY_CHOICES = [
  { key: 'organisation_default', label: 'Organisation default (no fixed deadline)' },
  { key: 'deadline_90_30', label: '90+30 deadline' },
  { key: 'coordinator_45', label: '45-day coordinator policy' },
] as const;
export type VulnerabilityStatus = 'unknown' | 'affected' | 'not_affected' | 'fixed' | 'no_response';
export const STATUSES: VulnerabilityStatus[] = ['unknown', 'affected', 'not_affected', 'fixed', 'no_response'];
export const CREDIT_KINDS = ['team', 'individual', 'automated'] as const;

export interface Rendered {
  markdown: string;
  html: string;
}

export interface Embargo {
  endsAt: string;
  zone: string;
  local: string;
  offset: string;
}

export interface CaseSummary {
  id: string;
  title: string;
  state: CaseState;
  policy: string;
  owner: { id: string; email: string; name: string } | null;
  vulnerabilities: number;
  participants: number;
  acknowledged: number;
  embargo: Embargo | null;
  createdAt: string;
  ageDays: number;
}

export interface NextAction {
  kind: string;
  participantId: string | null;
  due: string;
  overdue: boolean;
  condition: string | null;
  text: string;
}

export interface Participant {
  id: string;
  vendor: { id: string; name: string; kind: string };
  role: string;
  contact: { id: string; value: string; status: string; chosen: boolean } | null;
  mailContacts: { id: string; value: string; status: string }[];
  encryptedTo: string | null;
  acknowledgedAt: string | null;
  firstNoticeAt: string | null;
  lastNoticeAt: string | null;
  noticeCount: number;
  escalatedAt: string | null;
  statuses: { vulnerabilityId: string; status: VulnerabilityStatus; changedAt: string; changedBy: string }[];
  portalLinks: { id: string; createdAt: string; expiresAt: string; revokedAt: string | null; lastUsedAt: string | null; uses: number }[];
}

export interface Vulnerability {
  id: string;
  title: string;
  summary: Rendered;
  product: string;
  versions: string[];
  cwe: number | null;
  cvssVectors: string[];
  candidateId: string | null;
}

export interface CaseDetail {
  id: string;
  ref: string;
  title: string;
  summary: Rendered;
  state: CaseState;
  allowedTransitions: CaseState[];
  owner: { id: string; email: string; name: string } | null;
  policy: { key: string; name: string; conditions: string[]; values: Record<string, number | null> };
  embargo: Embargo | null;
  exploitedAt: string | null;
  advisoryId: string | null;
  createdAt: string;
  vulnerabilities: Vulnerability[];
  participants: Participant[];
  statements: { id: string; participantId: string | null; vulnerabilityId: string | null; body: Rendered; shared: boolean; author: string; createdAt: string }[];
  extensions: { id: string; participantId: string; requestedUntil: string; reason: string; state: string; createdAt: string }[];
  credits: { id: string; kind: string; name: string; consentToName: boolean }[];
  decisions: { id: string; condition: string; evidence: string; discloseAt: string | null; decidedBy: string; decidedAt: string }[];
  next: { dates: { deadline: string | null; deadlineReason: string | null; clockStartsAt: string | null; fixReleasedAt: string | null }; actions: NextAction[] };
}

export interface LogEntry {
  id: string;
  participantId: string | null;
  kind: string;
  channel: string;
  direction: string;
  summary: string;
  body: string | null;
  /** The body holds armoured OpenPGP messages (decrypted in the page, never on the server). */
  encrypted: boolean;
  actor: string;
  occurredAt: string;
}

export interface Notice {
  id: string;
  participantId: string;
  kind: string;
  recipient: string;
  replyTo: string;
  subject: string;
  encryptedTo: string | null;
  status: string;
  error: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface Policy {
  key: string;
  name: string;
  description: string;
  conditions: string[];
  values: Record<string, number | null>;
}

export interface Dashboard {
  open: { total: number; byState: Record<string, number>; byAge: { key: string; label: string; total: number; byState: Record<string, number> }[] };
  responseTimes: { acknowledgement: { medianHours: number | null; samples: number }; fix: { medianHours: number | null; samples: number } };
  months: { month: string; opened: number; disclosed: number; closed: number; medianAcknowledgementHours: number | null; medianFixHours: number | null }[];
}
