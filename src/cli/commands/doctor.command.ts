import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { Command } from 'commander';
import { ConfigError, type Config } from '../../config/config.js';
import { webDistDir } from '../../config/paths.js';
import { connectDatabase } from '../../db/connect.js';
import { pendingMigrations } from '../../db/migrate.js';
import { findCurrentKey } from '../../domain/keys/keys.repository.js';
import { currentNoticeSigner, listNoticeSigningKeys } from '../../domain/keys/notice-signing.service.js';
import { createSecretBox, loadMasterKey } from '../../security/secret-box.js';
import type { Executor } from '../../db/dialect.js';
import { CliFailure } from '../failure.js';
import { configFrom, operator, print, type CliIO, type GlobalOptions } from '../io.js';

export interface Finding {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
}

/**
 * Whether the current notice-signing key opens with the master key this configuration uses. Makes
 * no master key: where none exists yet, nothing sealed under one can be checked, and the master-key
 * check below says so.
 */
async function unsealsNoticeSigner(config: Config, db: Executor): Promise<boolean> {
  if (!config.masterKey && !fs.existsSync(path.join(config.dataDir, 'master.key'))) return false;
  try {
    return (await currentNoticeSigner({ secrets: createSecretBox(loadMasterKey(config.masterKey, config.dataDir)) }, db)) !== null;
  } catch {
    return false;
  }
}

/** Checks configuration, database, keys, SMTP and the web build, and says what is wrong. */
export async function diagnose(options: GlobalOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  const add = (check: string, status: Finding['status'], message: string) => findings.push({ check, status, message });
  let config: Config;
  try {
    config = configFrom(options);
    add('configuration', 'ok', 'environment variables are valid');
  } catch (error) {
    add('configuration', 'fail', error instanceof ConfigError ? error.message : String(error));
    return findings;
  }

  try {
    const database = await connectDatabase(config);
    try {
      await sql`select 1`.execute(database.db);
      const pending = await pendingMigrations(database.db, database.pgSchema);
      add('database', 'ok', `${database.engine} reachable${database.sqliteFile ? ` (${database.sqliteFile})` : ''}`);
      add('migrations', pending.length ? 'warn' : 'ok', pending.length ? `pending: ${pending.join(', ')} (run cvdesk migrate)` : 'current');
      if (pending.length === 0) {
        const key = await findCurrentKey(database.db);
        const daysLeft = key?.expires_at ? Math.floor((new Date(key.expires_at).getTime() - Date.now()) / 86_400_000) : undefined;
        if (!key) add('openpgp key', 'warn', 'no organisation key: encrypted reports need one (cvdesk keys generate)');
        else if (daysLeft !== undefined && daysLeft < 0) add('openpgp key', 'fail', `the current key ${key.fingerprint} has expired: rotate it (cvdesk keys rotate)`);
        else if (daysLeft !== undefined && daysLeft < 30) add('openpgp key', 'warn', `the current key ${key.fingerprint} expires in ${daysLeft} days: rotate it`);
        else add('openpgp key', 'ok', `current key ${key.fingerprint}${daysLeft !== undefined ? `, ${daysLeft} days left` : ''}`);
        // Only a warning: unsigned notices still reach the vendor (encrypted when it has a key).
        const signing = (await listNoticeSigningKeys(database.db, operator())).find((k) => k.status === 'current');
        if (!signing) add('notice-signing key', 'warn', 'none: case notices to vendors go out unsigned; make one with cvdesk keys notice-signing-key rotate (or OpenPGP keys in the web app, as a lead)');
        else if (await unsealsNoticeSigner(config, database.db)) add('notice-signing key', 'ok', `case notices are signed with ${signing.fingerprint}`);
        else {
          // Sealed under another master key (a database restored without its master.key): every notice would fail to send.
          add('notice-signing key', 'fail', `${signing.fingerprint} cannot be unsealed with this master key, so notices cannot be sent: restore the master key it was made under, or make a new one (cvdesk keys notice-signing-key rotate)`);
        }
      }
    } finally {
      await database.close();
    }
  } catch (error) {
    add('database', 'fail', `cannot use the database: ${(error as Error).message}`);
  }

  if (config.masterKey) add('master key', 'ok', 'from CVDESK_MASTER_KEY');
  else {
    const file = path.join(config.dataDir, 'master.key');
    if (!fs.existsSync(file)) add('master key', 'warn', `${file} will be made on first start; back it up with the database`);
    else {
      try {
        loadMasterKey(undefined, config.dataDir);
        const mode = fs.statSync(file).mode & 0o777;
        add('master key', mode & 0o077 ? 'fail' : 'ok', mode & 0o077 ? `${file} is readable by others (mode ${mode.toString(8)}); chmod 600 it` : `${file} (mode 600)`);
      } catch (error) {
        add('master key', 'fail', (error as Error).message);
      }
    }
  }

  if (!config.smtpUrl) add('mail', 'warn', 'SMTP_URL is not set: mail is kept in the outbox for an admin to read');
  else {
    try {
      const { default: nodemailer } = await import('nodemailer');
      await nodemailer.createTransport(config.smtpUrl).verify();
      add('mail', 'ok', `SMTP server at ${new URL(config.smtpUrl).host} accepts connections`);
    } catch (error) {
      add('mail', 'fail', `SMTP server at ${new URL(config.smtpUrl).host}: ${(error as Error).message}`);
    }
  }

  add('web app', fs.existsSync(path.join(webDistDir(), 'index.html')) ? 'ok' : 'fail', fs.existsSync(path.join(webDistDir(), 'index.html')) ? 'built' : 'not built: run npm run build');
  if (!config.publicUrl.startsWith('https://') && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|$)/.test(config.publicUrl)) {
    add('public address', 'warn', `${config.publicUrl} is not https: sessions and reports travel in clear text`);
  } else add('public address', 'ok', config.publicUrl);
  return findings;
}

export function registerDoctorCommand(program: Command, io: CliIO): void {
  program
    .command('doctor')
    .description('check configuration, database, keys, SMTP and the web build; exit 1 if something is wrong')
    .option('--json', 'print JSON')
    .option('--data <dir>', 'data folder')
    .action(async (options: GlobalOptions) => {
      const findings = await diagnose(options);
      print(io, options, findings, () => findings.map((f) => `${f.status === 'ok' ? 'ok  ' : f.status === 'warn' ? 'warn' : 'FAIL'}  ${f.check}: ${f.message}`).join('\n'));
      if (findings.some((f) => f.status === 'fail')) throw new CliFailure('', 1);
    });
}
