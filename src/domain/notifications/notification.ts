import type { Selectable } from 'kysely';
import type { Role } from '../../shared/roles.js';
import type { NotificationTable } from './notification.table.js';

export type NotificationRow = Selectable<NotificationTable>;

/**
 * What a notification is about. Reporter kinds concern the reporter's own reports and carry only
 * what the reporter may see; staff kinds go to triagers and leads (`assigned` to the assignee).
 */
export const NOTIFICATION_KINDS = ['state_changed', 'reply', 'severity_changed', 'reward_awarded', 'new_report', 'reporter_reply', 'assigned', 'sla_breach'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Kinds `notifyStaff` sends to every active triager and lead. */
export const STAFF_NOTIFICATION_KINDS = ['new_report', 'reporter_reply', 'sla_breach'] as const;
export type StaffNotificationKind = (typeof STAFF_NOTIFICATION_KINDS)[number];

export type ReporterNotificationKind = 'state_changed' | 'reply' | 'severity_changed' | 'reward_awarded';

interface KindInfo {
  audience: 'reporter' | 'staff';
  /** Mail is on unless the person turns it off (in-app is always on by default). */
  mailByDefault: boolean;
  description: string;
}

export const NOTIFICATION_KIND_INFO: Record<NotificationKind, KindInfo> = {
  state_changed: { audience: 'reporter', mailByDefault: true, description: 'One of your reports changed state' },
  reply: { audience: 'reporter', mailByDefault: true, description: 'The security team replied on one of your reports' },
  severity_changed: { audience: 'reporter', mailByDefault: true, description: 'The severity of one of your reports changed' },
  reward_awarded: { audience: 'reporter', mailByDefault: true, description: 'You were awarded a reward for one of your reports' },
  new_report: { audience: 'staff', mailByDefault: true, description: 'A new report was submitted' },
  reporter_reply: { audience: 'staff', mailByDefault: false, description: 'A reporter replied on a report' },
  assigned: { audience: 'staff', mailByDefault: true, description: 'A report was assigned to you' },
  sla_breach: { audience: 'staff', mailByDefault: false, description: 'A report missed a response target' },
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

export function defaultPreference(kind: NotificationKind): NotificationPreference {
  const info = NOTIFICATION_KIND_INFO[kind];
  return { kind, description: info.description, inApp: true, email: info.mailByDefault };
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
