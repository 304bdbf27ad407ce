import type { Selectable } from 'kysely';
import type { Role } from '../../shared/roles.js';
import type { NotificationTable } from './notification.table.js';

export type NotificationRow = Selectable<NotificationTable>;

/**
 * What a notification is about. Reporter kinds concern the person's own reports (as submitter or
 * collaborator) and carry only what a reporter may see; staff kinds go to triagers and leads
 * (`assigned` to the assignee). `disclosure_requested` is both: the other side of a disclosure
 * request hears of it.
 */
export const NOTIFICATION_KINDS = [
  'state_changed',
  'reply',
  'severity_changed',
  'reward_awarded',
  'disclosure_requested',
  'new_report',
  'reporter_reply',
  'retest_incomplete',
  'assigned',
  'sla_breach',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Kinds `notifyStaff` sends to every active triager and lead. */
export const STAFF_NOTIFICATION_KINDS = ['new_report', 'reporter_reply', 'retest_incomplete', 'sla_breach', 'disclosure_requested'] as const;
export type StaffNotificationKind = (typeof STAFF_NOTIFICATION_KINDS)[number];

export type ReporterNotificationKind = 'state_changed' | 'reply' | 'severity_changed' | 'reward_awarded' | 'disclosure_requested';

interface KindInfo {
  audience: 'reporter' | 'staff';
  /** Mail is on unless the person turns it off (in-app is always on by default). */
  mailByDefault: boolean;
  /** Roles for whom mail is on by default even though `mailByDefault` is not (leads: missed targets). */
  mailByDefaultFor?: readonly Role[];
  description: string;
}

export const NOTIFICATION_KIND_INFO: Record<NotificationKind, KindInfo> = {
  state_changed: { audience: 'reporter', mailByDefault: true, description: 'One of your reports changed state' },
  reply: { audience: 'reporter', mailByDefault: true, description: 'The security team (or a fellow reporter) replied on one of your reports' },
  severity_changed: { audience: 'reporter', mailByDefault: true, description: 'The severity of one of your reports changed' },
  reward_awarded: { audience: 'reporter', mailByDefault: true, description: 'A reward of yours on one of your reports was awarded, paid or cancelled' },
  disclosure_requested: { audience: 'reporter', mailByDefault: true, description: 'The other side asked to disclose a report you take part in' },
  new_report: { audience: 'staff', mailByDefault: true, description: 'A new report was submitted' },
  reporter_reply: { audience: 'staff', mailByDefault: false, description: 'A reporter replied on a report' },
  retest_incomplete: { audience: 'staff', mailByDefault: true, description: 'A reporter found a fix incomplete on retest, reopening the report' },
  assigned: { audience: 'staff', mailByDefault: true, description: 'A report was assigned to you' },
  // Mailed as one digest per hourly pass; leads get it unless they turn it off, triagers if they turn it on.
  sla_breach: { audience: 'staff', mailByDefault: false, mailByDefaultFor: ['lead'], description: 'A report missed a response target (mail: one digest per hourly check)' },
};

export function isNotificationKind(value: string): value is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(value);
}

/** Staff kinds matter to triagers and leads; reporter kinds to anyone (staff file reports too). */
export function kindsFor(roles: readonly Role[]): NotificationKind[] {
  const triages = roles.some((role) => role === 'triager' || role === 'lead');
  return NOTIFICATION_KINDS.filter((kind) => NOTIFICATION_KIND_INFO[kind].audience === 'reporter' || triages);
}

export interface NotificationPreference {
  kind: NotificationKind;
  description: string;
  inApp: boolean;
  email: boolean;
}

/** The setting for `kind` of someone who has not chosen; some kinds mail some roles by default. */
export function defaultPreference(kind: NotificationKind, roles: readonly Role[]): NotificationPreference {
  const info = NOTIFICATION_KIND_INFO[kind];
  return { kind, description: info.description, inApp: true, email: info.mailByDefault || roles.some((role) => info.mailByDefaultFor?.includes(role) ?? false) };
}

export interface NotificationView {
  id: string;
  kind: string;
  reportId: string | null;
  title: string;
  body: string;
  /** Where to read more: the report in cvdesk. */
  url: string | null;
  read: boolean;
  readAt: string | null;
  createdAt: string;
}

export function presentNotification(row: NotificationRow, publicUrl: string): NotificationView {
  return {
    id: row.id,
    kind: row.kind,
    reportId: row.report_id,
    title: row.title,
    body: row.body,
    url: row.report_id ? reportUrl(publicUrl, row.report_id) : null,
    read: row.read_at !== null,
    readAt: row.read_at,
    createdAt: row.created_at,
  };
}

export const reportUrl = (publicUrl: string, reportId: string) => `${publicUrl}/reports/${reportId}`;
