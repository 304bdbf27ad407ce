import type { Selectable } from 'kysely';
import { invalid } from '../../shared/errors.js';
import type { VendorContactTable, VendorKeyTable, VendorTable } from './vendor.table.js';

export type VendorRow = Selectable<VendorTable>;
export type VendorContactRow = Selectable<VendorContactTable>;
export type VendorKeyRow = Selectable<VendorKeyTable>;

export const VENDOR_KINDS = ['vendor', 'coordinator'] as const;
export type VendorKind = (typeof VENDOR_KINDS)[number];

/**
 * How a vendor can be reached. `security_txt` is the URL of their security.txt (a pointer, read by
 * discovery); `private_reporting` a forge's private vulnerability reporting page; `coordinator`
 * a coordinator that handles the vendor's reports (e.g. a CNA of CNAs).
 */
export const CONTACT_KINDS = ['email', 'web_form', 'private_reporting', 'security_txt', 'phone', 'coordinator', 'other'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/** `bounced` is set when mail to it came back; `stale` when its security.txt has expired. */
export const CONTACT_STATUSES = ['unverified', 'live', 'not_live', 'bounced', 'stale'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

export const CONTACT_SOURCES = ['manual', 'discovery', 'seed'] as const;
export type ContactSource = (typeof CONTACT_SOURCES)[number];

export const RESPONSE_KINDS = ['acknowledgement', 'fix'] as const;
export type ResponseKind = (typeof RESPONSE_KINDS)[number];

export const LIMITS = {
  name: 200,
  notes: 20_000,
  domains: 50,
  repositories: 100,
  packages: 500,
  contacts: 50,
  contactValue: 500,
  contactNote: 1000,
  keys: 10,
  keyBytes: 64 * 1024,
  search: 200,
} as const;

/** Where a found channel came from, and the proof: what was fetched, when, what it answered. */
export interface Evidence {
  url: string | null;
  fetched_at: string;
  http_status?: number | null;
  /** SHA-256 (hex) of the body read. */
  sha256?: string;
  /** The line or field that names the channel. */
  excerpt?: string;
  /** How the channel was judged live or not. */
  check?: string;
  [key: string]: unknown;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** `Example.ORG.` → `example.org`; throws `validation_failed` naming `field` when it is not a domain name. */
export function normaliseDomain(text: string, field: string): string {
  let value = text.trim().toLowerCase().replace(/\.$/, '');
  if (/^https?:\/\//.test(value)) {
    try {
      value = new URL(value).hostname;
    } catch {
      // judged below
    }
  }
  try {
    // IDNs become their ASCII (punycode) form.
    value = new URL(`https://${value}/`).hostname;
  } catch {
    throw invalid(field, `"${text.slice(0, 80)}" is not a domain name`);
  }
  if (/^[0-9.]+$/.test(value) || value.includes(':')) throw invalid(field, `"${text.slice(0, 80)}" is an IP address, not a domain name`);
  if (!DOMAIN.test(value)) throw invalid(field, `"${text.slice(0, 80)}" is not a domain name`);
  return value;
}

/** `git+https://GitHub.com/acme/widget.git/` → `https://github.com/acme/widget`; throws when it is not an http(s) or git URL. */
export function normaliseRepositoryUrl(text: string, field: string): string {
  let value = text.trim().replace(/^git\+/, '');
  const scp = /^git@([^:/]+):(.+)$/.exec(value);
  if (scp) value = `https://${scp[1]}/${scp[2]}`;
  value = value.replace(/^(git|ssh):\/\/(git@)?/, 'https://');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, `"${text.slice(0, 80)}" is not a repository URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(field, `a repository URL must use https, not ${url.protocol}`);
  if (url.username || url.password) throw invalid(field, 'a repository URL must not carry credentials');
  const path = url.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
  if (path === '' || path === '/') throw invalid(field, `"${text.slice(0, 80)}" names no repository`);
  return `${url.protocol}//${url.host.toLowerCase()}${path}`;
}

/** Checks a contact value for its kind; returns it normalised (mail addresses lower-cased, `mailto:` dropped). */
export function normaliseContactValue(kind: ContactKind, text: string, field: string): string {
  const value = text.trim();
  if (value === '' || value.length > LIMITS.contactValue) throw invalid(field, `must be 1 to ${LIMITS.contactValue} characters`);
  if (/[\0-\x1f\x7f]/.test(value)) throw invalid(field, 'must not contain control characters');
  switch (kind) {
    case 'email': {
      const address = value.replace(/^mailto:/i, '').toLowerCase();
      if (!/^[^\s@<>(),;:"[\]]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(address)) throw invalid(field, `"${value.slice(0, 80)}" is not an email address`);
      return address;
    }
    case 'phone':
      if (!/^(tel:)?\+?[0-9 ().-]{3,40}$/i.test(value)) throw invalid(field, `"${value.slice(0, 80)}" is not a phone number`);
      return value.replace(/^tel:/i, '');
    case 'coordinator':
    case 'other':
      return value;
    default: {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw invalid(field, `"${value.slice(0, 80)}" is not a URL`);
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(field, `must be an https URL, not ${url.protocol}`);
      return url.href;
    }
  }
}
