import type { Config } from '../../config/config.js';
import type { Settings } from '../settings/settings.js';

/**
 * Renders /.well-known/security.txt (RFC 9116) from the settings. Pure: the caller decides the
 * Expires date and whether an Encryption field is due (only when a current key exists).
 * LF line endings throughout, ending in a newline. (Parsing and validating security.txt files is
 * src/domain/securitytxt/'s business, not this file's.)
 */
export interface SecurityTxtInput {
  settings: Settings;
  config: Config;
  expires: Date;
  /** A current OpenPGP key exists: name /pgp-key.txt in Encryption. */
  encryption: boolean;
}

export const SECURITY_TXT_PATH = '/.well-known/security.txt';
export const PGP_KEY_PATH = '/pgp-key.txt';

export function renderSecurityTxt({ settings, config, expires, encryption }: SecurityTxtInput): string {
  const base = config.publicUrl;
  const lines: string[] = [`# Security contact for ${settings.organisationName} (RFC 9116)`];
  const contacts = [`${base}/report`, ...(settings.securityContactEmail ? [`mailto:${settings.securityContactEmail}`] : []), ...settings.securityContactUris];
  for (const contact of new Set(contacts)) lines.push(`Contact: ${contact}`);
  lines.push(`Expires: ${rfc3339(expires)}`);
  if (encryption) lines.push(`Encryption: ${base}${PGP_KEY_PATH}`);
  lines.push(`Acknowledgments: ${settings.acknowledgmentsUrl}`);
  lines.push(`Preferred-Languages: ${settings.preferredLanguages.join(', ')}`);
  lines.push(`Canonical: ${base}${SECURITY_TXT_PATH}`);
  lines.push(`Policy: ${settings.securityPolicyUrl}`);
  if (settings.hiringUrl) lines.push(`Hiring: ${settings.hiringUrl}`);
  if (settings.csafProviderMetadataUrl) lines.push(`CSAF: ${settings.csafProviderMetadataUrl}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Expires for a file made at `now`: the start of today (UTC) plus the validity, so the file is
 * the same all day (caches, signatures) and always less than a year ahead (validity ≤ 364 days).
 */
export function securityTxtExpiry(now: Date, validityDays: number): Date {
  const startOfDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(startOfDay + validityDays * 86_400_000);
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z');
}
