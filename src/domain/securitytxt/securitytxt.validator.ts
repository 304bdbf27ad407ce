import { parseRfc3339 } from './date-time.js';
import { isLanguageTag } from './language-tag.js';
import { parseSecurityTxt, type ParsedSecurityTxt, type SecurityTxtField } from './securitytxt.parser.js';
import { IssueCollector, KNOWN_FIELDS, type SecurityTxtReport } from './securitytxt.js';
import { verifySecurityTxtSignature } from './securitytxt.signature.js';

export interface SecurityTxtValidationOptions {
  /**
   * Where the file was fetched from. With a redirect chain, its first and last URL: a `Canonical`
   * field must name one of them (`no_canonical_match`). Leave out for a file read from disk.
   */
  url?: string | readonly string[];
  /** The clock `Expires` is judged against; default now. */
  now?: Date;
  /** Read at most this many bytes; default 32 KiB. */
  maxBytes?: number;
  /** Report fields RFC 9116 does not define (`unknown_field`); default true. */
  notifyUnknownFields?: boolean;
}

export interface SecurityTxtCheckOptions extends SecurityTxtValidationOptions {
  /** Armoured OpenPGP public keys (one or more per string); a signed file must verify against one of them. */
  verificationKeys?: string | readonly string[];
}

const KNOWN = new Set<string>(KNOWN_FIELDS);
/** Fields whose value is a web page or document: only `https:` will do. */
const WEB_FIELDS = new Set(['acknowledgments', 'canonical', 'csaf', 'hiring', 'policy']);
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
// RFC 6068: one or more addresses, then header fields (?subject=…).
const MAILTO = /^mailto:[^\s@,?]+@[^\s@,?]+(,[^\s@,?]+@[^\s@,?]+)*(\?\S*)?$/i;
// RFC 3966: a global number ("+" and digits with visual separators) or a local one, then parameters.
// (The lookahead asks for a digit without the quadratic backtracking of `[…]*[0-9][…]*`.)
const TEL = /^tel:\+?(?=[0-9().-]*[0-9])[0-9().-]+(;[A-Za-z0-9-]+(=[^\s;]+)?)*$/i;
const OPENPGP4FPR = /^openpgp4fpr:([0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/i;
const DNS_URI = /^dns:[^\s]+$/i;
const SUGGESTIONS: Record<string, string> = { acknowledgements: 'Acknowledgments', acknowledgement: 'Acknowledgments', 'preferred-language': 'Preferred-Languages', expire: 'Expires', contacts: 'Contact', 'csaf-provider': 'CSAF' };

function isHttpsUri(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Normalises a URL for comparison (case of scheme and host, default port, percent-encoding); the string as is when it is not one. */
function normaliseUrl(value: string): string {
  try {
    return new URL(value).href;
  } catch {
    return value;
  }
}

function checkUri(field: SecurityTxtField, issues: IssueCollector): void {
  const { name, rawName, value, line } = field;
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (!scheme) {
    const hint = name === 'contact' && /^[^\s@]+@[^\s@]+$/.test(value) ? ` (for an e-mail address write "mailto:${value}")` : '';
    issues.add('no_uri', line, `The value of "${rawName}" must be a URI${hint}.`);
    return;
  }
  if (scheme === 'https') {
    if (!isHttpsUri(value)) issues.add('no_uri', line, `The value of "${rawName}" is not a valid https URI.`);
    return;
  }
  if (scheme === 'http') {
    issues.add('no_https', line, `"${rawName}" must not use plain http: a web URI must begin with "https://".`);
    return;
  }
  if (name === 'contact') {
    if (scheme === 'mailto') {
      if (!MAILTO.test(value)) issues.add('no_uri', line, `"${value.slice(0, 80)}" is not a valid mailto: URI (mailto:name@example.org).`);
    } else if (scheme === 'tel') {
      if (!TEL.test(value)) issues.add('no_uri', line, `"${value.slice(0, 80)}" is not a valid tel: URI (tel:+1-201-555-0123).`);
    } else issues.add('no_uri', line, `"Contact" must be a mailto:, tel: or https: URI, not ${scheme}:.`);
    return;
  }
  if (name === 'encryption') {
    if (scheme === 'openpgp4fpr') {
      if (!OPENPGP4FPR.test(value)) issues.add('no_uri', line, 'An openpgp4fpr: URI must hold a 40 or 64 hexadecimal digit key fingerprint.');
    } else if (scheme === 'dns') {
      if (!DNS_URI.test(value)) issues.add('no_uri', line, `"${value.slice(0, 80)}" is not a valid dns: URI.`);
    } else issues.add('no_https', line, `"Encryption" must be an https:, dns: or openpgp4fpr: URI, not ${scheme}:.`);
    return;
  }
  if (WEB_FIELDS.has(name)) issues.add('no_https', line, `"${rawName}" must be a web URI beginning with "https://", not ${scheme}:.`);
}

function checkExpires(field: SecurityTxtField, now: Date, issues: IssueCollector): void {
  const expires = parseRfc3339(field.value);
  if (!expires) {
    issues.add('invalid_expiry', field.line, `"${field.value.slice(0, 80)}" is not an RFC 3339 date and time, e.g. 2026-12-31T23:59:59Z.`);
    return;
  }
  const yearAhead = new Date(now.getTime());
  yearAhead.setUTCFullYear(yearAhead.getUTCFullYear() + 1);
  if (expires.getTime() < now.getTime()) issues.add('expired', field.line, `The file expired on ${expires.toISOString()}.`);
  else if (expires.getTime() > yearAhead.getTime()) issues.add('long_expiry', field.line, `"Expires" is more than a year ahead (${expires.toISOString()}); a year or less is recommended.`);
}

function checkLanguages(field: SecurityTxtField, issues: IssueCollector): void {
  const bad = field.value.split(',').map((tag) => tag.trim()).filter((tag) => !isLanguageTag(tag));
  if (bad.length > 0) {
    const shown = bad.map((tag) => (tag ? `"${tag.slice(0, 40)}"` : 'an empty entry')).join(', ');
    issues.add('invalid_lang', field.line, `"Preferred-Languages" must list RFC 5646 language tags separated by commas; ${shown} is not one.`);
  }
}

/** Adds the field-level and file-level findings for `parsed` to `issues`. */
function collect(parsed: ParsedSecurityTxt, options: SecurityTxtValidationOptions, issues: IssueCollector): void {
  issues.addAll(parsed.issues);
  const now = options.now ?? new Date();
  const seen = new Map<string, SecurityTxtField[]>();
  for (const field of parsed.fields) {
    const earlier = seen.get(field.name);
    if (earlier) earlier.push(field);
    else seen.set(field.name, [field]);
    switch (field.name) {
      case 'expires':
        if (earlier) issues.add('multi_expire', field.line, `"Expires" must appear only once (first on line ${earlier[0]!.line}).`);
        checkExpires(field, now, issues);
        break;
      case 'preferred-languages':
        if (earlier) issues.add('multi_lang', field.line, `"Preferred-Languages" must appear only once (first on line ${earlier[0]!.line}).`);
        checkLanguages(field, issues);
        break;
      default:
        if (!KNOWN.has(field.name)) {
          if (options.notifyUnknownFields === false) break;
          const suggestion = SUGGESTIONS[field.name];
          issues.add(
            'unknown_field',
            field.line,
            suggestion
              ? `"${field.rawName}" is not a security.txt field; did you mean "${suggestion}"?`
              : `"${field.rawName}" is not a field RFC 9116 defines: a custom field few readers understand, or a misspelt one.`,
          );
        } else checkUri(field, issues);
    }
  }

  if (!seen.has('expires')) issues.add('no_expire', null, 'The "Expires" field must be present.');
  const contacts = seen.get('contact') ?? [];
  if (contacts.length === 0) issues.add('no_contact', null, 'The "Contact" field must appear at least once.');
  else if (contacts.some((c) => c.value.toLowerCase().startsWith('mailto:')) && !seen.has('encryption')) {
    issues.add('no_encryption', null, 'An "Encryption" field should be present when "Contact" gives an e-mail address.');
  }

  const canonical = seen.get('canonical') ?? [];
  const urls = options.url === undefined ? [] : typeof options.url === 'string' ? [options.url] : [...options.url];
  if (urls.length > 0 && canonical.length > 0) {
    const wanted = new Set(urls.map(normaliseUrl));
    if (!canonical.some((c) => wanted.has(normaliseUrl(c.value)))) {
      issues.add('no_canonical_match', null, `No "Canonical" field names the address the file was read from (${urls.join(' → ')}).`);
    }
  }

  if (parsed.signature === null) issues.add('not_signed', null, 'security.txt should be digitally signed (OpenPGP cleartext signature).');
  else if (canonical.length === 0) issues.add('no_canonical', null, 'A signed file should have a "Canonical" field, so the signature cannot be replayed elsewhere.');
}

function parsedFrom(input: string | Uint8Array | ParsedSecurityTxt, options: SecurityTxtValidationOptions): ParsedSecurityTxt {
  return typeof input === 'string' || input instanceof Uint8Array ? parseSecurityTxt(input, { ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}) }) : input;
}

/**
 * Validates a security.txt file against RFC 9116: syntax, required and single fields, URIs,
 * `Expires`, languages, `Canonical` against `url`, the shape of an OpenPGP signature. Does not
 * verify a signature (see `checkSecurityTxt`). Never throws.
 *
 * ```ts
 * const report = validateSecurityTxt('Contact: mailto:security@example.org\nExpires: 2030-01-01T00:00:00Z\n');
 * report.valid; // true; report.recommendations has not_signed and no_encryption
 * ```
 */
export function validateSecurityTxt(input: string | Uint8Array | ParsedSecurityTxt, options: SecurityTxtValidationOptions = {}): SecurityTxtReport {
  const issues = new IssueCollector();
  collect(parsedFrom(input, options), options, issues);
  return issues.report();
}

/**
 * Adds every finding for `parsed` to `issues`, verifying a signature when `verificationKeys` are
 * given: for callers (the fetcher) that add findings of their own to the same report.
 */
export async function collectSecurityTxtIssues(parsed: ParsedSecurityTxt, options: SecurityTxtCheckOptions, issues: IssueCollector): Promise<void> {
  collect(parsed, options, issues);
  const keys = options.verificationKeys === undefined ? [] : typeof options.verificationKeys === 'string' ? [options.verificationKeys] : [...options.verificationKeys];
  if (parsed.signature === null || issues.has('signed_format_issue')) return;
  if (keys.length === 0) {
    // A signature nobody checked proves nothing: a file altered after signing reads as valid here.
    issues.add('signature_unverified', parsed.signature.signatureLine, 'The file is signed, but the signature was not verified: no key to verify it with was given (e.g. --key FILE).');
    return;
  }
  const verdict = await verifySecurityTxtSignature(parsed.signature, keys);
  if (verdict.status === 'malformed') issues.add('signed_format_issue', parsed.signature.headerLine, verdict.message);
  else if (verdict.status === 'invalid') issues.add('signature_invalid', parsed.signature.signatureLine, verdict.message);
}

/**
 * `validateSecurityTxt`, and when `verificationKeys` are given and the file is signed, verifies the
 * signature: `signature_invalid` when no key verifies it, or when the text OpenPGP verified is
 * not the text that was parsed. Throws `validation_failed` only when a key is not an OpenPGP key.
 */
export async function checkSecurityTxt(input: string | Uint8Array | ParsedSecurityTxt, options: SecurityTxtCheckOptions = {}): Promise<SecurityTxtReport> {
  const issues = new IssueCollector();
  await collectSecurityTxtIssues(parsedFrom(input, options), options, issues);
  return issues.report();
}
