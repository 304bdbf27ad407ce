import type { Command } from 'commander';
import { changeSettings, getSettings } from '../../domain/settings/settings.service.js';
import { SETTINGS, SETTING_KEYS, isSettingKey } from '../../domain/settings/settings.js';
import { inTransaction } from '../../server/transaction.js';
import { CliFailure } from '../failure.js';
import { operator, print, withContext, type CliIO, type GlobalOptions } from '../io.js';

/**
 * A value from the command line, by the setting's type: `null` puts it back to its default; lists
 * are comma-separated (or a JSON array); numbers are numbers; anything else is the text itself.
 */
function parseValue(key: string, raw: string): unknown {
  if (raw === 'null') return null;
  const schema = isSettingKey(key) ? (SETTINGS[key].schema as { type?: string }) : {};
  if (schema.type === 'array') {
    if (raw.trim().startsWith('[')) {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        throw new CliFailure(`${key}: not a JSON list`, 2);
      }
    }
    return raw.split(',').map((item) => item.trim()).filter(Boolean);
  }
  if (schema.type === 'integer' || schema.type === 'number') return /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
  return raw;
}

export function registerSettingsCommands(program: Command, io: CliIO): void {
  const settings = program.command('settings').description(`organisation settings: ${SETTING_KEYS.join(', ')}`);

  settings
    .command('show')
    .description('print every setting, marking those left at their default')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions) => {
      await withContext(options, async (context) => {
        const view = await getSettings(context, context.db, operator());
        print(io, options, view.settings, () => view.details.map((d) => `${d.key}\t${JSON.stringify(d.value)}${d.isDefault ? '\t(default)' : ''}`).join('\n'));
      });
    });

  settings
    .command('set')
    .description('change settings: KEY=VALUE … (VALUE as JSON or text; lists comma-separated; null = back to the default)')
    .argument('<assignments...>', 'e.g. securityContactEmail=security@example.org preferredLanguages=en,de')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (assignments: string[], options: GlobalOptions) => {
      const patch: Record<string, unknown> = {};
      for (const assignment of assignments) {
        const at = assignment.indexOf('=');
        if (at <= 0) throw new CliFailure(`expected KEY=VALUE, got "${assignment}"`, 2);
        const key = assignment.slice(0, at);
        if (!isSettingKey(key)) throw new CliFailure(`unknown setting "${key}"; settings are ${SETTING_KEYS.join(', ')}`, 2);
        patch[key] = parseValue(key, assignment.slice(at + 1));
      }
      await withContext(options, async (context) => {
        const view = await inTransaction(context, (trx) => changeSettings(context, trx, operator(), patch));
        print(io, options, view.settings, () => Object.keys(patch).map((key) => `${key} = ${JSON.stringify(view.settings[key as keyof typeof view.settings])}`).join('\n'));
      });
    });
}
