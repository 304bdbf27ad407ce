/** In-app notifications, one row per recipient; the report change that caused it is audited. */
export interface NotificationTable {
  id: string;
  recipient_id: string;
  /** A NotificationKind (see notification.ts). */
  kind: string;
  report_id: string | null;
  title: string;
  /** Public text only (a reply, a close reason): never internal notes. */
  body: string;
  read_at: string | null;
  created_at: string;
}

/** A person's choice for one kind; kinds without a row use the defaults in notification.ts. */
export interface NotificationPreferenceTable {
  user_id: string;
  kind: string;
  in_app: number;
  email: number;
  updated_at: string;
}
