import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, invalid } from '../../shared/errors.js';
import { iso } from '../../shared/time.js';
import { recordAudit } from '../audit/audit.service.js';
import { actorLabel, type Actor } from '../auth/actor.js';
import { assertCanChangeSettings, assertCanReadSettings } from './settings.policy.js';
import { deleteSetting, selectSettings, upsertSetting, type SettingRow } from './settings.repository.js';
import { SETTINGS, SETTING_KEYS, isSettingKey, type SettingKey, type Settings } from './settings.js';

export interface SettingDetail {
  key: SettingKey;
  description: string;
  value: unknown;
  default: unknown;
  /** No value is stored: the default applies (and follows PUBLIC_URL where it depends on it). */
  isDefault: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface SettingsView {
  settings: Settings;
  details: SettingDetail[];
}

/**
 * Every setting with stored values applied over the defaults. For services (security.txt, mail);
 * no policy: what a service does with a setting is that service's business. A stored value that
 * no longer validates (the rules changed, or PUBLIC_URL moved to https) gives way to the default.
 */
export async function readSettings(context: AppContext, db: Executor): Promise<Settings> {
  return resolve(context, await selectSettings(db)).settings;
}

export async function getSettings(context: AppContext, db: Executor, actor: Actor): Promise<SettingsView> {
  assertCanReadSettings(actor);
  return resolve(context, await selectSettings(db));
}

/**
 * Changes some settings. Each given key is validated (the error names it, e.g. `/hiringUrl`);
 * `null` resets a key to its default. Keys whose value does not change are left alone; one audit
 * event lists what changed, from and to.
 */
export async function changeSettings(context: AppContext, trx: Executor, actor: Actor, patch: Record<string, unknown>): Promise<SettingsView> {
  assertCanChangeSettings(actor);
  const entries = Object.entries(patch);
  if (entries.length === 0) throw new AppError('validation_failed', 'Name at least one setting to change', [{ field: '/', message: 'is empty' }]);
  const current = resolve(context, await selectSettings(trx));
  const now = iso(context.clock.now());
  const by = actorLabel(actor);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const writes: (() => Promise<void>)[] = [];
  for (const [key, raw] of entries) {
    if (!isSettingKey(key)) throw invalid(`/${key}`, 'is not a setting');
    const detail = current.details.find((d) => d.key === key)!;
    if (raw === null) {
      if (detail.isDefault) continue;
      changes[key] = { from: detail.value, to: detail.default };
      writes.push(() => deleteSetting(trx, key));
      continue;
    }
    const value = SETTINGS[key].parse(raw, `/${key}`, context.config);
    if (!detail.isDefault && JSON.stringify(value) === JSON.stringify(detail.value)) continue;
    if (detail.isDefault && JSON.stringify(value) === JSON.stringify(detail.default)) continue;
    changes[key] = { from: detail.value, to: value };
    writes.push(() => upsertSetting(trx, { key, value: JSON.stringify(value), updated_at: now, updated_by: by }));
  }
  if (writes.length === 0) return current;
  for (const write of writes) await write();
  await recordAudit(context, trx, actor, { action: 'settings.changed', objectType: 'settings', objectId: null, data: { changes } });
  return resolve(context, await selectSettings(trx));
}

function resolve(context: AppContext, rows: SettingRow[]): SettingsView {
  const stored = new Map(rows.map((row) => [row.key, row]));
  const details = SETTING_KEYS.map((key): SettingDetail => {
    const definition = SETTINGS[key];
    const fallback = definition.defaultValue(context.config);
    const row = stored.get(key);
    let value: unknown = fallback;
    let isDefault = true;
    if (row) {
      try {
        value = definition.parse(JSON.parse(row.value), `/${key}`, context.config);
        isDefault = false;
      } catch {
        // Falls back to the default, see readSettings.
      }
    }
    return {
      key,
      description: definition.description,
      value,
      default: fallback,
      isDefault,
      updatedAt: isDefault ? null : row!.updated_at,
      updatedBy: isDefault ? null : row!.updated_by,
    };
  });
  const settings = Object.fromEntries(details.map((d) => [d.key, d.value])) as Settings;
  return { settings, details };
}
