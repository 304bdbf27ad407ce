import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, invalid } from '../../shared/errors.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import { findProgramById, findProgramBySlug } from '../programs/program.repository.js';
import { readSettings } from '../settings/settings.service.js';
import { normaliseEmail } from '../users/user.js';
import { assertCanChangeIncidentSettings, assertCanReadIncidentSettings } from './incident.policy.js';

/**
 * Incident settings, kept apart from the organisation settings (table incident_settings, same
 * shape): who is alarmed, how often, the statement reporters accept, retention, receipts and the
 * programme plain mail goes to. Leads change them; each change is audited from → to.
 */
export interface IncidentSettings {
  /** Alarm recipients; null: every active lead. */
  onCallEmails: string[] | null;
  alarmRepeatMinutes: number;
  /** What reporters accept before sending; its version goes up by one with each change of text. */
  statement: string;
  statementVersion: number;
  /** Days after closing that a sealed incident never unsealed is deleted; null: kept for ever. */
  retentionDays: number | null;
  /** Per programme (by id), overriding retentionDays; null in the map: kept for ever. */
  programRetentionDays: Record<string, number | null>;
  /** Days before that deletion the on-call addresses are reminded. */
  retentionReminderDays: number;
  /** Days a receipt stays valid after it was issued or last used. */
  receiptValidityDays: number;
  /** Programme (id) that plain mail to the SMTP intake is filed in; null: plain mail is refused. */
  mailIntakeProgramId: string | null;
}

export const DEFAULT_STATEMENT =
  'Information you send through this form is shared with us unconditionally: no embargo demands, payment demands or agreements ' +
  'are attached to it, and we may use it as we see fit to protect our users. It is encrypted in your browser to our OpenPGP key ' +
  'before it leaves your computer.';

function defaults(): IncidentSettings {
  return {
    onCallEmails: null,
    alarmRepeatMinutes: 15,
    statement: DEFAULT_STATEMENT,
    statementVersion: 1,
    retentionDays: 365,
    programRetentionDays: {},
    retentionReminderDays: 7,
    receiptValidityDays: 90,
    mailIntakeProgramId: null,
  };
}

type Key = keyof IncidentSettings;
const KEYS = Object.keys(defaults()) as Key[];

function wholeNumber(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalid(field, `must be a whole number from ${min} to ${max}`);
  return value;
}

export async function readIncidentSettings(db: Executor): Promise<IncidentSettings> {
  const rows = await db.selectFrom('incident_settings').select(['key', 'value']).execute();
  const settings = defaults();
  for (const row of rows) if ((KEYS as string[]).includes(row.key)) (settings as unknown as Record<string, unknown>)[row.key] = JSON.parse(row.value);
  return settings;
}

export interface IncidentSettingsView extends Omit<IncidentSettings, 'mailIntakeProgramId' | 'programRetentionDays'> {
  mailIntakeProgram: { id: string; slug: string; name: string } | null;
  programRetentionDays: { programId: string; slug: string | null; days: number | null }[];
  /** Where alarms go now (the leads' addresses when onCallEmails is null). */
  alarmRecipients: string[];
}

export async function viewIncidentSettings(db: Executor, actor: Actor): Promise<IncidentSettingsView> {
  assertCanReadIncidentSettings(actor);
  return present(db, await readIncidentSettings(db));
}

async function present(db: Executor, settings: IncidentSettings): Promise<IncidentSettingsView> {
  const { mailIntakeProgramId, programRetentionDays, ...rest } = settings;
  const program = mailIntakeProgramId ? await findProgramById(db, mailIntakeProgramId) : undefined;
  const perProgram = [];
  for (const [programId, days] of Object.entries(programRetentionDays)) {
    perProgram.push({ programId, slug: (await findProgramById(db, programId))?.slug ?? null, days });
  }
  return {
    ...rest,
    mailIntakeProgram: program ? { id: program.id, slug: program.slug, name: program.name } : null,
    programRetentionDays: perProgram,
    alarmRecipients: await alarmRecipients(db, settings),
  };
}

/** The on-call addresses, or every active lead's. */
export async function alarmRecipients(db: Executor, settings: IncidentSettings): Promise<string[]> {
  if (settings.onCallEmails) return settings.onCallEmails;
  const leads = await db.selectFrom('users').select(['email', 'roles']).where('disabled_at', 'is', null).where('roles', 'like', '%"lead"%').orderBy('email').execute();
  return leads.map((lead) => lead.email);
}

export interface IncidentSettingsPatch {
  onCallEmails?: string[] | null | undefined;
  alarmRepeatMinutes?: number | undefined;
  statement?: string | undefined;
  retentionDays?: number | null | undefined;
  /** Programme slug or id → days (null: keep for ever); a programme mapped to "default" drops its override. */
  programRetentionDays?: Record<string, number | null | 'default'> | undefined;
  retentionReminderDays?: number | undefined;
  receiptValidityDays?: number | undefined;
  /** Programme slug or id; null: refuse plain mail. */
  mailIntakeProgram?: string | null | undefined;
}

async function programId(db: Executor, slugOrId: string, field: string): Promise<string> {
  const program = (await findProgramBySlug(db, slugOrId)) ?? (/^[0-9a-f-]{36}$/i.test(slugOrId) ? await findProgramById(db, slugOrId) : undefined);
  if (!program) throw invalid(field, `no programme "${slugOrId}"`);
  return program.id;
}

/** Applies a patch; one audit event lists each key from → to. */
export async function changeIncidentSettings(context: AppContext, trx: Executor, actor: Actor, patch: IncidentSettingsPatch): Promise<IncidentSettingsView> {
  assertCanChangeIncidentSettings(actor);
  const current = await readIncidentSettings(trx);
  const next: IncidentSettings = { ...current, programRetentionDays: { ...current.programRetentionDays } };
  if (patch.onCallEmails !== undefined) {
    if (patch.onCallEmails === null) next.onCallEmails = null;
    else {
      if (patch.onCallEmails.length === 0) throw invalid('/onCallEmails', 'name at least one address, or null for every lead');
      next.onCallEmails = [...new Set(patch.onCallEmails.map((email, i) => normaliseEmail(email, `/onCallEmails/${i}`)))];
    }
  }
  if (patch.alarmRepeatMinutes !== undefined) next.alarmRepeatMinutes = wholeNumber(patch.alarmRepeatMinutes, '/alarmRepeatMinutes', 1, 1440);
  if (patch.statement !== undefined) {
    const text = patch.statement.replace(/\r\n/g, '\n').trim();
    if (!text) throw invalid('/statement', 'must not be empty');
    if (text.length > 10_000) throw invalid('/statement', 'must be at most 10000 characters');
    if (text !== current.statement) {
      next.statement = text;
      next.statementVersion = current.statementVersion + 1;
    }
  }
  if (patch.retentionDays !== undefined) next.retentionDays = patch.retentionDays === null ? null : wholeNumber(patch.retentionDays, '/retentionDays', 1, 36_500);
  if (patch.programRetentionDays !== undefined) {
    for (const [slug, days] of Object.entries(patch.programRetentionDays)) {
      const field = `/programRetentionDays/${slug}`;
      const id = await programId(trx, slug, field);
      if (days === 'default') delete next.programRetentionDays[id];
      else next.programRetentionDays[id] = days === null ? null : wholeNumber(days, field, 1, 36_500);
    }
  }
  if (patch.retentionReminderDays !== undefined) next.retentionReminderDays = wholeNumber(patch.retentionReminderDays, '/retentionReminderDays', 0, 365);
  if (patch.receiptValidityDays !== undefined) next.receiptValidityDays = wholeNumber(patch.receiptValidityDays, '/receiptValidityDays', 1, 3650);
  if (patch.mailIntakeProgram !== undefined) {
    next.mailIntakeProgramId = patch.mailIntakeProgram === null ? null : await programId(trx, patch.mailIntakeProgram, '/mailIntakeProgram');
    const program = next.mailIntakeProgramId ? await findProgramById(trx, next.mailIntakeProgramId) : undefined;
    if (program && program.visibility !== 'public') throw invalid('/mailIntakeProgram', 'must be a public programme: mail is filed the way a reporter without an invitation would file it');
  }

  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const now = iso(context.clock.now());
  for (const key of KEYS) {
    if (JSON.stringify(current[key]) === JSON.stringify(next[key])) continue;
    // The statement's text goes into the audit log by version only: it can be long.
    changes[key] = key === 'statement' ? { from: `version ${current.statementVersion}`, to: `version ${next.statementVersion}` } : { from: current[key], to: next[key] };
    const value = JSON.stringify(next[key]);
    await trx
      .insertInto('incident_settings')
      .values({ key, value, updated_at: now, updated_by: actorLabel(actor) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now, updated_by: actorLabel(actor) }))
      .execute();
  }
  if (Object.keys(patch).length === 0) throw new AppError('validation_failed', 'Name at least one setting to change', [{ field: '/', message: 'is empty' }]);
  if (Object.keys(changes).length > 0) await recordAudit(context, trx, actor, { action: 'incident.settings_changed', objectType: 'settings', objectId: null, data: { changes } });
  return present(trx, next);
}

/** The organisation's name, for mail. */
export async function organisationName(context: AppContext, db: Executor): Promise<string> {
  return (await readSettings(context, db)).organisationName;
}
