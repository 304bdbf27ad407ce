import type { AppContext } from '../../context.js';
import { addDays, iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { systemActor } from '../auth/actor.js';
import { sendMail } from '../mail/mail.service.js';
import { runDueAlarms } from './incident-alarms.js';
import { alarmRecipients, readIncidentSettings } from './incident-settings.js';
import { deletesAt, incidentUrl, type IncidentRow } from './incident.js';
import { discardCiphertexts } from './incident-store.js';

/**
 * Retention, run hourly (job `incidents.hourly`):
 * - a sealed incident that is closed and was never unsealed is deleted `retentionDays` after it
 *   was closed (per programme, else the incident setting; null keeps it). The on-call addresses
 *   are reminded `retentionReminderDays` before; deletion never comes sooner than that after the
 *   reminder. What is deleted: the incident, its messages, receipt and mail link. What stays: an
 *   audit event that it existed — id, received time, size, closing time — and nothing else.
 *   An incident that names a report — unsealed, or plain mail filed open from the start — is kept.
 * - receipts past their expiry are deleted (the hash goes; the incident stays).
 * - any alarm whose job was lost is sent.
 * Each step commits on its own: one failing incident does not hold up the rest.
 */

const CVDESK = systemActor('cvdesk');

export interface HourlyOutcome {
  alarms: number;
  receiptsExpired: number;
  reminded: number;
  deleted: number;
}

export async function runIncidentsHourly(context: AppContext): Promise<HourlyOutcome> {
  const alarms = await runDueAlarms(context);
  const receiptsExpired = await expireReceipts(context);
  const { reminded, deleted } = await applyRetention(context);
  return { alarms, receiptsExpired, reminded, deleted };
}

export async function expireReceipts(context: AppContext): Promise<number> {
  const now = iso(context.clock.now());
  return context.db.transaction().execute(async (trx) => {
    const expired = await trx.selectFrom('incident_receipts').select(['lookup_id', 'incident_id']).where('expires_at', '<=', now).limit(1000).execute();
    if (expired.length === 0) return 0;
    await trx.deleteFrom('incident_receipts').where('lookup_id', 'in', expired.map((r) => r.lookup_id)).execute();
    for (const receipt of expired) await recordAudit(context, trx, CVDESK, { action: 'incident.receipt_expired', objectType: 'incident', objectId: receipt.incident_id, data: {} });
    return expired.length;
  });
}

export async function applyRetention(context: AppContext): Promise<{ reminded: number; deleted: number }> {
  const settings = await readIncidentSettings(context.db);
  const now = context.clock.now();
  const candidates = await context.db
    .selectFrom('incidents')
    .selectAll()
    .where('state', '=', 'closed')
    .where('unsealed_at', 'is', null)
    .where('report_id', 'is', null)
    .where('closed_at', 'is not', null)
    .orderBy('closed_at')
    .limit(1000)
    .execute();
  let reminded = 0;
  let deleted = 0;
  for (const incident of candidates) {
    const due = deletesAt(incident, settings);
    if (!due) continue;
    const dueAt = new Date(due);
    const reminderDays = settings.retentionReminderDays;
    const remindFrom = addDays(dueAt, -reminderDays);
    if (reminderDays > 0 && !incident.retention_warned_at) {
      if (now >= remindFrom) {
        if (await remind(context, incident, dueAt > now ? dueAt : addDays(now, reminderDays))) reminded += 1;
      }
      continue;
    }
    const warnedUntil = incident.retention_warned_at ? addDays(new Date(incident.retention_warned_at), reminderDays) : dueAt;
    if (now >= dueAt && now >= warnedUntil) {
      if (await deleteIncident(context, incident, settings)) deleted += 1;
    }
  }
  return { reminded, deleted };
}

async function remind(context: AppContext, incident: IncidentRow, deleteOn: Date): Promise<boolean> {
  return context.db.transaction().execute(async (trx) => {
    // Still closed, naming no report (never unsealed) and not yet reminded (someone may have acted since the list was read).
    const claimed = await trx
      .updateTable('incidents')
      .set({ retention_warned_at: iso(context.clock.now()) })
      .where('id', '=', incident.id)
      .where('state', '=', 'closed')
      .where('unsealed_at', 'is', null)
      .where('report_id', 'is', null)
      .where('retention_warned_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return false;
    const settings = await readIncidentSettings(trx);
    for (const to of await alarmRecipients(trx, settings)) {
      await sendMail(context, trx, {
        to,
        subject: `[cvdesk] A sealed incident will be deleted on ${iso(deleteOn).slice(0, 10)}`,
        text:
          `The sealed incident received at ${incident.received_at} (closed ${incident.closed_at}) was never unsealed; under the retention ` +
          `policy it will be deleted on or after ${iso(deleteOn)}.\n\nTo keep it, unseal it or acknowledge it again (which reopens it): ` +
          `${incidentUrl(context.config.publicUrl, incident.id)}\n`,
      });
    }
    await recordAudit(context, trx, CVDESK, { action: 'incident.retention_reminded', objectType: 'incident', objectId: incident.id, data: { deleteOn: iso(deleteOn) } });
    return true;
  });
}

async function deleteIncident(context: AppContext, incident: IncidentRow, settings: Awaited<ReturnType<typeof readIncidentSettings>>): Promise<boolean> {
  const keys: string[] = [];
  const deleted = await context.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('incidents').selectAll().where('id', '=', incident.id).executeTakeFirst();
    if (!current || current.state !== 'closed' || current.unsealed_at || current.report_id || current.closed_at !== incident.closed_at) return false;
    const messages = await trx.selectFrom('incident_messages').select('storage_key').where('incident_id', '=', current.id).execute();
    keys.push(...messages.map((m) => m.storage_key));
    await trx.deleteFrom('mail_intake_links').where('incident_id', '=', current.id).execute();
    await trx.deleteFrom('incident_receipts').where('incident_id', '=', current.id).execute();
    await trx.deleteFrom('incident_messages').where('incident_id', '=', current.id).execute();
    await trx.deleteFrom('incidents').where('id', '=', current.id).execute();
    await recordAudit(context, trx, CVDESK, {
      action: 'incident.deleted',
      objectType: 'incident',
      objectId: current.id,
      data: {
        reason: 'retention',
        receivedAt: current.received_at,
        size: current.size,
        closedAt: current.closed_at,
        messages: messages.length,
        retentionDays: current.program_id && Object.hasOwn(settings.programRetentionDays, current.program_id) ? settings.programRetentionDays[current.program_id] : settings.retentionDays,
      },
    });
    return true;
  });
  // The ciphertext goes once the rows are gone.
  if (deleted) await discardCiphertexts(context, keys);
  return deleted;
}
