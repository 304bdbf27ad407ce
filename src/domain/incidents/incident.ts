import type { Selectable } from 'kysely';
import { addDays, iso } from '../../shared/time.js';
import type { ContactMethod, IncidentMessageTable, IncidentReceiptTable, IncidentSource, IncidentState, IncidentTable } from './incident.table.js';
import type { IncidentSettings } from './incident-settings.js';
import type { Recipient } from './incident-openpgp.js';

export type IncidentRow = Selectable<IncidentTable>;
export type IncidentMessageRow = Selectable<IncidentMessageTable>;
export type IncidentReceiptRow = Selectable<IncidentReceiptTable>;

export const CONTACT_METHODS = ['none', 'email', 'receipt'] as const satisfies readonly ContactMethod[];
export const INCIDENT_STATES = ['new', 'acknowledged', 'closed'] as const satisfies readonly IncidentState[];

/** No longer enqueued (alarm rounds, incident-alarms.ts); the name still runs a round for jobs queued before. */
export const INCIDENT_ALARM_JOB = 'incidents.alarm';
export const INCIDENTS_HOURLY_JOB = 'incidents.hourly';

/** Where staff read an incident in the web app, and where reporters follow up. */
export const incidentUrl = (publicUrl: string, id: string) => `${publicUrl}/incidents/${id}`;
export const followUpUrl = (publicUrl: string) => `${publicUrl}/report/follow-up`;

/**
 * Plain mail to the security mailbox is filed as an open report and recorded as an incident that
 * names that report from the start, so it is alarmed, acknowledged and listed like a sealed one.
 * Such an incident has no sealed messages: what was sent is in the report. Unsealing sets
 * `unsealed_at` with `report_id`; only an open incident has a report without being unsealed.
 */
export const isSealed = (row: Pick<IncidentRow, 'report_id' | 'unsealed_at'>) => row.report_id === null || row.unsealed_at !== null;

export interface ProgramRef {
  id: string;
  slug: string;
  name: string;
}

/** Metadata only: what the server knows without the key. */
export interface IncidentView {
  id: string;
  source: IncidentSource;
  /** False for plain mail filed as an open report (`reportId`): no sealed messages, no unsealing. */
  sealed: boolean;
  state: IncidentState;
  program: ProgramRef | null;
  receivedAt: string;
  size: number;
  contactMethod: ContactMethod;
  /** The reporter gave a public key: replies must be encrypted to it. */
  hasReporterKey: boolean;
  /** A signed-in reporter's account (staff only). */
  reporterId?: string | null;
  encryptedTo: Recipient[];
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
  /** When retention will delete it (closed, sealed, never unsealed); null otherwise. */
  deletesAt: string | null;
}

export interface IncidentMessageView {
  id: string;
  author: 'reporter' | 'staff';
  /** Staff only: who wrote it. */
  authorId?: string | null;
  /** The armoured OpenPGP message, as stored. */
  message: string;
  size: number;
  createdAt: string;
}

/** The incident with its sealed messages; `contact` for staff, `replyKey` for the reporter. */
export interface IncidentDetail extends IncidentView {
  items: IncidentMessageView[];
  contact?: { email: string | null; publicKey: string | null };
  replyKey?: string | null;
}

/** Days after closing when this incident's retention ends (null: kept). */
export function retentionDaysFor(settings: IncidentSettings, programId: string | null): number | null {
  if (programId && Object.hasOwn(settings.programRetentionDays, programId)) return settings.programRetentionDays[programId] ?? null;
  return settings.retentionDays;
}

export function deletesAt(row: IncidentRow, settings: IncidentSettings): string | null {
  // Kept while it names a report (unsealed, or open from the start): reports have their own life.
  if (row.state !== 'closed' || row.report_id || row.unsealed_at || !row.closed_at) return null;
  const days = retentionDaysFor(settings, row.program_id);
  return days === null ? null : iso(addDays(new Date(row.closed_at), days));
}

export function presentIncident(row: IncidentRow, program: ProgramRef | null, messageCount: number, settings: IncidentSettings, staff: boolean): IncidentView {
  const view: IncidentView = {
    id: row.id,
    source: row.source,
    sealed: isSealed(row),
    state: row.state,
    program,
    receivedAt: row.received_at,
    size: row.size,
    contactMethod: row.contact_method,
    hasReporterKey: row.contact_public_key !== null,
    encryptedTo: JSON.parse(row.encrypted_to) as Recipient[],
    acceptance: { acceptedAt: row.accepted_at, statementVersion: row.terms_version, programPolicyVersion: row.program_policy_version },
    acknowledgedAt: row.acknowledged_at,
    alarms: row.alarm_count,
    closedAt: row.closed_at,
    unsealedAt: row.unsealed_at,
    reportId: row.report_id,
    messages: messageCount,
    lastMessageAt: row.last_message_at,
    deletesAt: deletesAt(row, settings),
  };
  if (!staff) return view;
  return { ...view, reporterId: row.reporter_id, acknowledgedBy: row.acknowledged_by, nextAlarmAt: row.next_alarm_at, closedBy: row.closed_by, unsealedBy: row.unsealed_by };
}

export function presentMessage(row: IncidentMessageRow, armoured: string, staff: boolean): IncidentMessageView {
  const view: IncidentMessageView = { id: row.id, author: row.author, message: armoured, size: row.size, createdAt: row.created_at };
  return staff ? { ...view, authorId: row.author_id } : view;
}
