import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { addMinutes, iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { systemActor } from '../auth/actor.js';
import { sendMail } from '../mail/mail.service.js';
import { emitWebhookEvent } from '../webhooks/webhook.service.js';
import { alarmRecipients, readIncidentSettings, type IncidentSettings } from './incident-settings.js';
import { INCIDENT_ALARM_JOB, incidentUrl, type IncidentRow, type ProgramRef } from './incident.js';

/**
 * Raising the alarm. A new incident alerts the on-call addresses (incident settings; every
 * active lead by default) by mail and emits the webhook event `incident.received`, at once (in
 * the submission's transaction, as outbox jobs), and again every `alarmRepeatMinutes` until a
 * triager or lead acknowledges it. Neither carries anything the reporter wrote: only that an
 * incident arrived, when, for which programme, and where to read it.
 *
 * The schedule lives in the incident (`next_alarm_at`); an `incidents.alarm` job is queued for
 * that time, and the hourly task picks up any alarm whose job was lost. Claiming an alarm is a
 * conditional update on `next_alarm_at`, so a job and the hourly sweep never both send it.
 */

/** A job that runs up to this early (clock skew between processes and the database) still counts. */
const EARLY_TOLERANCE_MS = 60_000;

export interface AlarmPayload {
  incidentId: string;
}

function alarmText(context: AppContext, incident: IncidentRow, program: ProgramRef | null, alarm: number, settings: IncidentSettings): { subject: string; text: string } {
  const where = program ? ` for the programme ${program.name}` : '';
  return {
    subject: `[cvdesk] ALERT: encrypted incident report received${alarm > 1 ? ` (reminder ${alarm})` : ''} — please acknowledge`,
    text:
      `An encrypted incident report arrived at ${incident.received_at}${where}${incident.source === 'mail' ? ' by mail' : ''}.\n\n` +
      `Its content is sealed: it is not in this message. Read it, and acknowledge it to stop these alerts, in cvdesk:\n\n` +
      `  ${incidentUrl(context.config.publicUrl, incident.id)}\n\n` +
      `Until someone acknowledges it, this alert is repeated every ${settings.alarmRepeatMinutes} minutes.\n`,
  };
}

async function programRef(db: Executor, programId: string | null): Promise<ProgramRef | null> {
  if (!programId) return null;
  const row = await db.selectFrom('programs').select(['id', 'slug', 'name']).where('id', '=', programId).executeTakeFirst();
  return row ?? null;
}

/**
 * Sends alarm number `incident.alarm_count + 1` and schedules the next, in `trx`. The caller has
 * claimed it (or just made the incident). Returns the columns it changed.
 */
export async function raiseAlarm(context: AppContext, trx: Executor, incident: IncidentRow, settings: IncidentSettings): Promise<Pick<IncidentRow, 'alarm_count' | 'last_alarm_at' | 'next_alarm_at'>> {
  const now = context.clock.now();
  const alarm = incident.alarm_count + 1;
  const program = await programRef(trx, incident.program_id);
  const { subject, text } = alarmText(context, incident, program, alarm, settings);
  for (const to of await alarmRecipients(trx, settings)) await sendMail(context, trx, { to, subject, text });
  await emitWebhookEvent(context, trx, 'incident.received', {
    incident: {
      id: incident.id,
      receivedAt: incident.received_at,
      source: incident.source,
      program: program ? { id: program.id, slug: program.slug } : null,
      url: incidentUrl(context.config.publicUrl, incident.id),
    },
    alarm,
    acknowledged: false,
  });
  const next = addMinutes(now, settings.alarmRepeatMinutes);
  const changes = { alarm_count: alarm, last_alarm_at: iso(now), next_alarm_at: iso(next) };
  await trx.updateTable('incidents').set(changes).where('id', '=', incident.id).execute();
  await context.jobs.enqueue(trx, INCIDENT_ALARM_JOB, { incidentId: incident.id } satisfies AlarmPayload, { runAt: next });
  return changes;
}

/**
 * Job `incidents.alarm`: the next alarm of one incident, if it is still unacknowledged and due.
 * Returns whether an alarm was sent.
 */
export async function runIncidentAlarm(context: AppContext, incidentId: string): Promise<boolean> {
  return context.db.transaction().execute(async (trx) => {
    const incident = await trx.selectFrom('incidents').selectAll().where('id', '=', incidentId).executeTakeFirst();
    if (!incident || incident.state !== 'new' || !incident.next_alarm_at) return false;
    const now = context.clock.now();
    if (new Date(incident.next_alarm_at).getTime() > now.getTime() + EARLY_TOLERANCE_MS) return false;
    // Claim this alarm: whoever else looks at the same time finds next_alarm_at changed.
    const claimed = await trx
      .updateTable('incidents')
      .set({ next_alarm_at: null })
      .where('id', '=', incident.id)
      .where('next_alarm_at', '=', incident.next_alarm_at)
      .where('state', '=', 'new')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return false;
    const settings = await readIncidentSettings(trx);
    const changes = await raiseAlarm(context, trx, incident, settings);
    await recordAudit(context, trx, systemActor('cvdesk'), { action: 'incident.alarm_repeated', objectType: 'incident', objectId: incident.id, data: { alarm: changes.alarm_count } });
    return true;
  });
}

/** Every alarm that is due (a lost job's too); returns how many were sent. */
export async function runDueAlarms(context: AppContext): Promise<number> {
  const due = await context.db
    .selectFrom('incidents')
    .select('id')
    .where('state', '=', 'new')
    .where('next_alarm_at', '<=', iso(new Date(context.clock.now().getTime() + EARLY_TOLERANCE_MS)))
    .orderBy('next_alarm_at')
    .limit(500)
    .execute();
  let sent = 0;
  for (const { id } of due) if (await runIncidentAlarm(context, id)) sent += 1;
  return sent;
}
