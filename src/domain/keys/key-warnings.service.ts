import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { sendMail } from '../mail/mail.service.js';
import { findUsers } from '../users/user.repository.js';
import { findCurrentKey, latestSecurityTxtSignature, setSecurityTxtSignatureWarning, updateKey } from './keys.repository.js';
import { securityTxtSettings, signatureProblem } from './security-txt.service.js';

/**
 * The daily key check (job `keys.daily-check`, enqueued once a day by the scheduler): mails the
 * leads when the current key is 30, 7 and 1 day(s) from expiry and when it has expired, and when
 * the signed security.txt nears its Expires or no longer matches the settings or the key (it is
 * then served unsigned). Each warning is sent once: the last one sent is kept on the key or the
 * signature row, so a job that runs twice, or a check that runs every day, does not mail again.
 */

export const KEYS_DAILY_CHECK_JOB = 'keys.daily-check';

const DAY = 86_400_000;

export type ExpiryLevel = 'expires-30' | 'expires-7' | 'expires-1' | 'expired';

/** How close `expiresAt` is: the warning due now, or null while it is more than 30 days away. */
export function expiryLevel(expiresAt: string, now: Date): ExpiryLevel | null {
  const left = Date.parse(expiresAt) - now.getTime();
  if (left <= 0) return 'expired';
  if (left <= DAY) return 'expires-1';
  if (left <= 7 * DAY) return 'expires-7';
  if (left <= 30 * DAY) return 'expires-30';
  return null;
}

export interface DailyKeyCheckResult {
  /** Warnings mailed in this run, e.g. `key:expires-30`, `security-txt:stale`. */
  warnings: string[];
}

export async function runDailyKeyCheck(context: AppContext, trx: Executor, actor: Actor): Promise<DailyKeyCheckResult> {
  const now = context.clock.now();
  const warnings: string[] = [];
  const key = await findCurrentKey(trx);
  if (!key) return { warnings };
  const settings = await securityTxtSettings(context, trx);
  const leads = (await findUsers(trx, context.engine, { role: 'lead', limit: 1000 })).filter((user) => user.disabled_at === null);
  const mailLeads = async (subject: string, text: string) => {
    for (const lead of leads) await sendMail(context, trx, { to: lead.email, subject, text });
  };
  const organisation = settings.organisationName;
  const days = (iso: string) => Math.max(0, Math.ceil((Date.parse(iso) - now.getTime()) / DAY));

  const keyLevel = key.expires_at ? expiryLevel(key.expires_at, now) : null;
  if (keyLevel && keyLevel !== key.expiry_warning) {
    const when = keyLevel === 'expired' ? 'has expired' : `expires in ${days(key.expires_at!)} day(s)`;
    await mailLeads(
      `[${organisation}] The organisation's OpenPGP key ${when}`,
      [
        `The OpenPGP key that reporters encrypt to ${when} (${key.expires_at}).`,
        '',
        `  ${key.fingerprint}`,
        `  ${key.user_id} (${key.algorithm})`,
        '',
        keyLevel === 'expired'
          ? 'Reporters can no longer encrypt to it. Make a new key now:'
          : 'Make its successor before then; the old key stays available to decrypt earlier reports:',
        '',
        '  cvdesk keys rotate --passphrase-stdin',
        '',
        'and sign security.txt with the new key:',
        '',
        '  cvdesk keys sign-securitytxt --passphrase-stdin',
        '',
        `${context.config.publicUrl}`,
      ].join('\n'),
    );
    await updateKey(trx, key.id, { expiry_warning: keyLevel });
    await recordAudit(context, trx, actor, { action: 'key.expiry_warned', objectType: 'openpgp_key', objectId: key.id, data: { fingerprint: key.fingerprint, level: keyLevel, leads: leads.length } });
    warnings.push(`key:${keyLevel}`);
  }

  const signature = await latestSecurityTxtSignature(trx);
  if (signature) {
    const problem = signatureProblem(context, settings, key, signature, now);
    const level = problem === 'settings_changed' || problem === 'key_changed' ? 'stale' : expiryLevel(signature.expires_at, now);
    if (level && level !== signature.warning) {
      const what =
        level === 'stale'
          ? problem === 'key_changed'
            ? 'was signed with a key that is no longer current, so it is served unsigned'
            : 'no longer matches the settings, so it is served unsigned'
          : level === 'expired'
            ? 'passed its Expires date, so it is served unsigned'
            : `expires in ${days(signature.expires_at)} day(s) (${signature.expires_at}); after that it is served unsigned`;
      await mailLeads(
        `[${organisation}] Sign security.txt again`,
        [
          `The signed security.txt ${what}.`,
          '',
          'Sign the current version with the current key:',
          '',
          '  cvdesk keys sign-securitytxt --passphrase-stdin',
          '',
          `${context.config.publicUrl}/.well-known/security.txt`,
        ].join('\n'),
      );
      await setSecurityTxtSignatureWarning(trx, signature.id, level);
      await recordAudit(context, trx, actor, { action: 'security_txt.renewal_warned', objectType: 'security_txt', objectId: signature.id, data: { level, leads: leads.length } });
      warnings.push(`security-txt:${level}`);
    }
  }
  return { warnings };
}
