import type { RecoveryCodeTable, UserTable } from '../domain/users/user.table.js';
import type { ApiTokenTable, EmailTokenTable, SessionTable } from '../domain/auth/auth.table.js';
import type { AuditEventTable } from '../domain/audit/audit.table.js';
import type { JobTable } from '../jobs/job.table.js';
import type { MailOutboxTable } from '../domain/mail/mail.table.js';

/** Every table, as Kysely sees it. Each area owns its `*.table.ts`. */
export interface Database {
  users: UserTable;
  recovery_codes: RecoveryCodeTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  email_tokens: EmailTokenTable;
  audit_events: AuditEventTable;
  jobs: JobTable;
  mail_outbox: MailOutboxTable;
}
