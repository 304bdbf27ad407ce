import type { AppContext } from '../../context.js';
import { lockForUpdate } from '../../db/dialect.js';
import { coalescedPer } from '../../shared/coalesced-runs.js';
import { repeatEvery, type Repeating } from '../../shared/repeat-every.js';
import { addMinutes, iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { systemActor } from '../auth/actor.js';
import { sendMail } from '../mail/mail.service.js';
import { emitWebhookEvents } from '../webhooks/webhook.service.js';
import { alarmRecipients, readIncidentSettings, type IncidentSettings } from './incident-settings.js';
import { programRefs } from './incident-programs.js';
import { reportUrl } from '../notifications/notification.js';
import { incidentUrl, isSealed, type IncidentRow, type ProgramRef } from './incident.js';

/**
 * Raising the alarm. A new incident alerts the on-call addresses (incident settings; every active
 * lead by default) by mail and emits the webhook event `incident.received` at once, and again every
 * `alarmRepeatMinutes` until a triager or lead acknowledges it. Neither carries anything the
 * reporter wrote: only that an incident arrived, when, for which programme, and where to read it.
 * Plain mail filed as an open report is such an incident too (incident.ts, isSealed): its alarm
 * says it came unencrypted and links the report to read and the incident to acknowledge.
 *
 * The incident row is its own alarm queue: it is stored due (`next_alarm_at` = its arrival), and
 * whoever stored it calls `raiseDueAlarms` after commit and before answering. An alarm round takes
 * every due incident at once, in one transaction: one mail per on-call address listing them all,
 * one webhook event per incident, and each incident due again `alarmRepeatMinutes` later. So a
 * burst of incidents — or a flood meant to bury the on-call mailbox — makes one mail per round
 * (submissions committed while a round is made join the next), not one per incident; the alarm is
 * never held back to collect more. Repeats, and any round a crash cut short, are picked up by the alarm watch
 * (every minute in each process that runs jobs) and by the hourly task. Rounds hold a lock, so two
 * processes never alarm the same incident twice.
 */

/**
 * An incident due within this much is alarmed in the current round (repeats travel together).
 * Less than the shortest repeat interval (1 minute), so an incident a round has just alarmed is
 * never due again within the same pass.
 */
const EARLY_TOLERANCE_MS = 30_000;
/** Most incidents one round takes (and so one mail lists, in part). */
const ROUND = 500;
/** Most rounds one pass runs; a larger backlog is left for the next pass (the watch's, a minute later). */
const ROUNDS_PER_PASS = 20;
/** Most incidents one mail names; the rest are counted, with the link to the list. */
const LISTED = 50;
/** How often each process running jobs looks for due alarms. */
export const ALARM_WATCH_MS = 60_000;

interface Alarm {
  incident: IncidentRow;
  program: ProgramRef | null;
  /** 1 for the first alarm, then counting up. */
  number: number;
}

/** " for the programme X by mail": where and how an incident arrived. */
const arrival = ({ incident, program }: Alarm) => `${program ? ` for the programme ${program.name}` : ''}${incident.source === 'mail' ? ' by mail' : ''}`;

/** An open incident (plain mail) is read on its report; the incident page is where it is acknowledged. */
const reportLink = (context: AppContext, { incident }: Alarm) => (isSealed(incident) ? null : reportUrl(context.config.publicUrl, incident.report_id!));

/** The alarm mail: no content, only arrivals and links. One incident reads as before; several are listed. */
function alarmMail(context: AppContext, alarms: readonly Alarm[], settings: IncidentSettings): { subject: string; text: string } {
  const repeat = `Until someone acknowledges ${alarms.length === 1 ? 'it' : 'each'}, this alert is repeated every ${settings.alarmRepeatMinutes} minutes.\n`;
  if (alarms.length === 1) {
    const [alarm] = alarms as [Alarm];
    const { incident, number } = alarm;
    const reminder = number > 1 ? ` (reminder ${number})` : '';
    const report = reportLink(context, alarm);
    if (report) {
      return {
        subject: `[cvdesk] ALERT: unencrypted report received by mail${reminder} — please acknowledge`,
        text:
          `An unencrypted report arrived at ${incident.received_at}${arrival(alarm)}, and was filed as an open report.\n\n` +
          `Its content is not in this message. Read it in cvdesk:\n\n  ${report}\n\n` +
          `Acknowledge it to stop these alerts:\n\n  ${incidentUrl(context.config.publicUrl, incident.id)}\n\n` +
          repeat,
      };
    }
    return {
      subject: `[cvdesk] ALERT: encrypted incident report received${reminder} — please acknowledge`,
      text:
        `An encrypted incident report arrived at ${incident.received_at}${arrival(alarm)}.\n\n` +
        `Its content is sealed: it is not in this message. Read it, and acknowledge it to stop these alerts, in cvdesk:\n\n` +
        `  ${incidentUrl(context.config.publicUrl, incident.id)}\n\n` +
        repeat,
    };
  }
  const allSealed = alarms.every((alarm) => isSealed(alarm.incident));
  const what = allSealed ? 'encrypted incident reports' : 'incident reports';
  const listed = alarms.slice(0, LISTED).map((alarm) => {
    const report = reportLink(context, alarm);
    return (
      `- received ${alarm.incident.received_at}${arrival(alarm)}${report ? ', unencrypted' : ''}${alarm.number > 1 ? ` (reminder ${alarm.number})` : ''}:\n` +
      `  ${incidentUrl(context.config.publicUrl, alarm.incident.id)}${report ? `\n  read it: ${report}` : ''}`
    );
  });
  const more = alarms.length > LISTED ? `\n…and ${alarms.length - LISTED} more: ${context.config.publicUrl}/incidents\n` : '';
  return {
    subject: `[cvdesk] ALERT: ${alarms.length} ${what} waiting — please acknowledge`,
    text:
      `${alarms.length} ${what} are waiting to be acknowledged.\n\n` +
      `Their content ${allSealed ? 'is sealed: it is' : 'is'} not in this message. Read them, and acknowledge each to stop these alerts, in cvdesk:\n\n` +
      `${listed.join('\n')}\n${more}\n` +
      repeat,
  };
}

/** One round: every incident due now (up to ROUND), alarmed together. Returns how many were taken. */
async function alarmRound(context: AppContext): Promise<number> {
  return context.db.transaction().execute(async (trx) => {
    await lockForUpdate(trx, context.engine, 'incident_alarms');
    const now = context.clock.now();
    // Through incidents_alarm_due alone (a condition on state would lead SQLite to the state index
    // and every waiting incident): only new incidents have a next alarm.
    const taken = await trx
      .selectFrom('incidents')
      .selectAll()
      .where('next_alarm_at', '<=', iso(new Date(now.getTime() + EARLY_TOLERANCE_MS)))
      .orderBy('next_alarm_at')
      .orderBy('id')
      .limit(ROUND)
      .execute();
    if (taken.length === 0) return 0;
    const stale = taken.filter((incident) => incident.state !== 'new').map((incident) => incident.id);
    if (stale.length > 0) await trx.updateTable('incidents').set({ next_alarm_at: null }).where('id', 'in', stale).execute();
    const waiting = taken.filter((incident) => incident.state === 'new').map((incident) => incident.id);
    if (waiting.length === 0) return taken.length;
    const settings = await readIncidentSettings(trx);
    const next = iso(addMinutes(now, settings.alarmRepeatMinutes));
    // Claimed by the update itself, still new: an incident acknowledged since it was read
    // (PostgreSQL re-checks the condition on the row's latest version) is not alarmed.
    const claimed = new Set(
      (
        await trx
          .updateTable('incidents')
          .set((eb) => ({ alarm_count: eb('alarm_count', '+', 1), last_alarm_at: iso(now), next_alarm_at: next }))
          .where('id', 'in', waiting)
          .where('state', '=', 'new')
          .where('next_alarm_at', 'is not', null)
          .returning('id')
          .execute()
      ).map((row) => row.id),
    );
    const due = taken.filter((incident) => claimed.has(incident.id));
    if (due.length === 0) return taken.length;
    const programs = await programRefs(trx, due.map((incident) => incident.program_id));
    const alarms: Alarm[] = due.map((incident) => ({ incident, program: incident.program_id ? (programs.get(incident.program_id) ?? null) : null, number: incident.alarm_count + 1 }));
    const mail = alarmMail(context, alarms, settings);
    for (const to of await alarmRecipients(trx, settings)) await sendMail(context, trx, { to, ...mail });
    await emitWebhookEvents(
      context,
      trx,
      'incident.received',
      alarms.map((alarm) => ({
        incident: {
          id: alarm.incident.id,
          receivedAt: alarm.incident.received_at,
          source: alarm.incident.source,
          program: alarm.program ? { id: alarm.program.id, slug: alarm.program.slug } : null,
          url: incidentUrl(context.config.publicUrl, alarm.incident.id),
          sealed: isSealed(alarm.incident),
          // Plain mail: the open report it was filed as, where it is read.
          reportUrl: reportLink(context, alarm),
        },
        alarm: alarm.number,
        acknowledged: false,
      })),
    );
    for (const alarm of alarms.filter((a) => a.number > 1)) {
      await recordAudit(context, trx, systemActor('cvdesk'), { action: 'incident.alarm_repeated', objectType: 'incident', objectId: alarm.incident.id, data: { alarm: alarm.number } });
    }
    return taken.length;
  });
}

/** Every alarm that is due now, round after round; returns how many incidents were alarmed. */
export async function runDueAlarms(context: AppContext): Promise<number> {
  let total = 0;
  for (let round = 0, taken = ROUND; taken === ROUND && round < ROUNDS_PER_PASS; round++, total += taken) taken = await alarmRound(context);
  return total;
}

/**
 * Raises every due alarm; concurrent callers (a burst of submissions) share one round. Call it
 * after committing new incidents, before answering. Never rejects: an alarm that could not be
 * raised stays due, and the alarm watch tries again.
 */
export const raiseDueAlarms: (context: AppContext) => Promise<void> = coalescedPer(
  (context) => context.db,
  async (context) => {
    await runDueAlarms(context);
  },
);

export type AlarmWatch = Repeating;

/** Looks for due alarms now and every ALARM_WATCH_MS (in processes that run jobs). */
export function startAlarmWatch(context: AppContext, intervalMs = ALARM_WATCH_MS): AlarmWatch {
  return repeatEvery(intervalMs, () => raiseDueAlarms(context));
}
