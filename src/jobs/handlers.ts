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
import { runIncidentAlarm, type AlarmPayload } from '../domain/incidents/incident-alarms.js';
import { runIncidentsHourly } from '../domain/incidents/incident-retention.js';

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
    [INCIDENT_ALARM_JOB]: async (payload: AlarmPayload) => {
      await runIncidentAlarm(context, payload.incidentId);
    },
    [INCIDENTS_HOURLY_JOB]: async () => {
      await runIncidentsHourly(context);
    },
  };
}
