import type { RecoveryCodeTable, UserTable } from '../domain/users/user.table.js';
import type { ApiTokenTable, EmailTokenTable, SessionTable } from '../domain/auth/auth.table.js';
import type { AuditEventTable } from '../domain/audit/audit.table.js';
import type { JobTable } from '../jobs/job.table.js';
import type { MailOutboxTable } from '../domain/mail/mail.table.js';
import type { SettingTable } from '../domain/settings/settings.table.js';
import type { OpenPgpKeyTable, SecurityTxtSignatureTable } from '../domain/keys/keys.table.js';
import type { ScheduledRunTable } from '../jobs/tasks/scheduled-run.table.js';
import type { ProgramAssetTable, ProgramExclusionTable, ProgramMemberTable, ProgramPolicyTable, ProgramTable } from '../domain/programs/program.table.js';
import type { ReportEventTable, ReportTable, ReportTermTable } from '../domain/reports/report.table.js';
import type { AttachmentTable } from '../domain/attachments/attachment.table.js';

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
  settings: SettingTable;
  openpgp_keys: OpenPgpKeyTable;
  security_txt_signatures: SecurityTxtSignatureTable;
  scheduled_runs: ScheduledRunTable;
  programs: ProgramTable;
  program_policies: ProgramPolicyTable;
  program_assets: ProgramAssetTable;
  program_exclusions: ProgramExclusionTable;
  program_members: ProgramMemberTable;
  reports: ReportTable;
  report_events: ReportEventTable;
  report_terms: ReportTermTable;
  attachments: AttachmentTable;
}
