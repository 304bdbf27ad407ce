import type { AppContext } from '../context.js';
import { MAIL_SEND_JOB } from '../domain/mail/mail.service.js';
import type { JobHandlers } from './job-queue.js';
import { sendMailJob } from './processors/send-mail.js';
import { WEBHOOK_DELIVER_JOB } from '../domain/webhooks/webhook.js';
import { deliverWebhookJob } from './processors/deliver-webhook.js';
import { KEYS_DAILY_CHECK_JOB } from '../domain/keys/key-warnings.service.js';
import { keysDailyCheckJob } from './tasks/keys-daily-check.js';
import { REPORTS_HOURLY_JOB, runReportsHourly } from '../domain/reports/report-housekeeping.js';
import { INCIDENT_ALARM_JOB, INCIDENTS_HOURLY_JOB } from '../domain/incidents/incident.js';
import { runDueAlarms } from '../domain/incidents/incident-alarms.js';
import { runIncidentsHourly } from '../domain/incidents/incident-retention.js';
import { runVendorDiscoveryJob, VENDOR_DISCOVERY_JOB } from '../domain/discovery/discovery.service.js';
import { CVE_IDS_REJECT_JOB, CVE_IDS_RESERVE_JOB, CVE_IDS_SYNC_JOB } from '../domain/cve-ids/cve-ids.js';
import { runRejection } from '../domain/cve-ids/cve-id-rejection.js';
import { runReservation } from '../domain/cve-ids/cve-id-reservation.js';
import { runSync } from '../domain/cve-ids/cve-id-sync.js';
import { findCredentials } from '../domain/cve-ids/cve-services-connection.js';
import { CVE_RECORD_OPERATION_JOB, runRecordOperation } from '../domain/cve-records/record-publication.js';
import { CVE_RECORDS_CLOCK_JOB, runPublicationClock } from '../domain/cve-records/publication-clock.js';
import { CASE_NOTICE_JOB, caseNoticeJob } from '../domain/cases/case-notices.js';
import { CASES_HOURLY_JOB, runCaseReminders } from '../domain/cases/case-schedule.js';

/**
 * Every job cvdesk runs, by name: one line per processor or task. A job whose name is missing
 * here is dead-lettered with an error naming it (and can be retried once a handler exists).
 * Built once per queue; handlers read `context` when they run, not when they are built.
 */
export function buildJobHandlers(context: AppContext): JobHandlers {
  return {
    [MAIL_SEND_JOB]: sendMailJob(context),
    [WEBHOOK_DELIVER_JOB]: deliverWebhookJob(context),
    [KEYS_DAILY_CHECK_JOB]: keysDailyCheckJob(context),
    [REPORTS_HOURLY_JOB]: async () => {
      await runReportsHourly(context);
    },
    [INCIDENT_ALARM_JOB]: async () => {
      await runDueAlarms(context);
    },
    [INCIDENTS_HOURLY_JOB]: async () => {
      await runIncidentsHourly(context);
    },
    [VENDOR_DISCOVERY_JOB]: async (payload: { discoveryId: string }) => {
      await runVendorDiscoveryJob(context, payload);
    },
    [CVE_IDS_RESERVE_JOB]: async (payload: { reservationId: string }) => {
      await runReservation(context, payload.reservationId);
    },
    [CVE_IDS_REJECT_JOB]: async (payload: { cveId: string; reason: string }) => {
      await runRejection(context, payload);
    },
    [CVE_RECORD_OPERATION_JOB]: async (payload: { operationId: string }) => {
      await runRecordOperation(context, payload.operationId);
    },
    [CVE_RECORDS_CLOCK_JOB]: async () => {
      await runPublicationClock(context);
    },
    [CASE_NOTICE_JOB]: caseNoticeJob(context),
    [CASES_HOURLY_JOB]: async () => {
      await runCaseReminders(context);
    },
    [CVE_IDS_SYNC_JOB]: async (payload: { full?: boolean; task?: string }) => {
      // The hourly task runs only where CVE Services is configured; a requested sync always runs.
      if (payload.task && !(await findCredentials(context, context.db))) return;
      await runSync(context, { full: Boolean(payload.full) });
    },
  };
}
