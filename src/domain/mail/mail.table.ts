export type MailStatus = 'stored' | 'queued' | 'sent' | 'failed';

export interface MailOutboxTable {
  id: string;
  recipient: string;
  subject: string;
  /** Message text sealed with the master key: mail carries sign-in links. */
  body: string;
  /** stored: kept for an admin to read (no SMTP); queued/sent/failed: delivery through SMTP. */
  status: MailStatus;
  error: string | null;
  created_at: string;
  sent_at: string | null;
}
