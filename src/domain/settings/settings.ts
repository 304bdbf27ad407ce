import { Type, type TSchema } from 'typebox';
import type { Config } from '../../config/config.js';
import { invalid } from '../../shared/errors.js';
import { normaliseEmail } from '../users/user.js';

/**
 * The one registry of organisation-wide settings. Each key has a description, a JSON Schema
 * (the API validates requests against it and documents it), a default (which may depend on the
 * configuration, e.g. PUBLIC_URL) and a validator that checks and normalises a value, throwing
 * `validation_failed` naming the field. A later area adds its keys here and nothing else.
 */
export interface SettingDefinition<T> {
  description: string;
  /** JSON Schema of a value (including `null` where the setting is optional). */
  schema: TSchema;
  defaultValue(config: Config): T;
  /** Checks and normalises `value`; throws validation_failed naming `field`. */
  parse(value: unknown, field: string, config: Config): T;
}

function define<T>(definition: SettingDefinition<T>): SettingDefinition<T> {
  return definition;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  const trimmed = value.trim();
  if (!trimmed) throw invalid(field, 'must not be empty');
  if (trimmed.length > max) throw invalid(field, `must be at most ${max} characters`);
  if (CONTROL.test(trimmed)) throw invalid(field, 'must not contain control characters');
  return trimmed;
}

/**
 * A web address. RFC 9116 wants `https://` in security.txt; plain `http://` is accepted only
 * while PUBLIC_URL itself is plain HTTP (a development set-up).
 */
function webUrl(value: unknown, field: string, config: Config): string {
  const raw = text(value, field, 500);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(field, 'is not a valid URL');
  }
  const allowHttp = config.publicUrl.startsWith('http:');
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) throw invalid(field, 'must be an https:// URL');
  if (url.username || url.password) throw invalid(field, 'must not carry credentials');
  return url.href;
}

function optional<T>(parse: (value: unknown, field: string, config: Config) => T) {
  return (value: unknown, field: string, config: Config): T | null => (value === null ? null : parse(value, field, config));
}

function list<T>(value: unknown, field: string, max: number, item: (value: unknown, field: string) => T): T[] {
  if (!Array.isArray(value)) throw invalid(field, 'must be a list');
  if (value.length > max) throw invalid(field, `must have at most ${max} entries`);
  const items = value.map((entry, i) => item(entry, `${field}/${i}`));
  return [...new Set(items)];
}

/** A contact URI for security.txt: https:, mailto: or tel: (RFC 9116 §2.5.3). */
function contactUri(value: unknown, field: string, config: Config): string {
  const raw = text(value, field, 500);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (scheme === 'mailto') return `mailto:${normaliseEmail(raw.slice('mailto:'.length), field)}`;
  if (scheme === 'tel') {
    if (!/^tel:\+?[0-9][0-9().\- ]{2,30}$/i.test(raw)) throw invalid(field, 'is not a valid tel: URI');
    return `tel:${raw.slice(4).replace(/\s+/g, '')}`;
  }
  if (scheme === 'https' || scheme === 'http') return webUrl(raw, field, config);
  throw invalid(field, 'must be an https:, mailto: or tel: URI');
}

/** A BCP 47 language tag, canonicalised (`EN-gb` → `en-GB`). */
function languageTag(value: unknown, field: string): string {
  const raw = text(value, field, 35);
  try {
    const [canonical] = Intl.getCanonicalLocales(raw);
    if (canonical) return canonical;
  } catch {
    // RangeError: not a well-formed tag.
  }
  throw invalid(field, `"${raw}" is not a BCP 47 language tag`);
}

/**
 * `schema` or null, as a JSON Schema type list rather than anyOf: the API's ajv coerces types,
 * and in an anyOf with null it would quietly turn "" or 0 into null (a reset) instead of refusing it.
 */
export function orNull(schema: TSchema): TSchema {
  const type = (schema as { type?: unknown }).type;
  if (Array.isArray(type) && type.includes('null')) return schema;
  if (typeof type !== 'string') throw new Error('orNull needs a schema with a single type');
  return Type.Unsafe({ ...schema, type: [type, 'null'] });
}

const NullableString = (options: { maxLength: number; description?: string }) => orNull(Type.String({ minLength: 1, ...options }));

export const SETTINGS = {
  organisationName: define<string>({
    description: 'The organisation running this cvdesk, as shown to reporters and in mail',
    schema: Type.String({ minLength: 1, maxLength: 200 }),
    defaultValue: (config) => new URL(config.publicUrl).hostname,
    parse: (value, field) => text(value, field, 200),
  }),
  securityContactEmail: define<string | null>({
    description: 'Mail address for security reports, published in security.txt as a mailto: Contact',
    schema: NullableString({ maxLength: 261, description: 'an email address (a leading mailto: is accepted)' }),
    defaultValue: () => null,
    parse: optional((value, field) => normaliseEmail(text(value, field, 261).replace(/^mailto:/i, ''), field)),
  }),
  securityContactUris: define<string[]>({
    description: 'Further security.txt Contact URIs (https:, mailto:, tel:), after the web form and the mail address',
    schema: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 10 }),
    defaultValue: () => [],
    parse: (value, field, config) => list(value, field, 10, (item, itemField) => contactUri(item, itemField, config)),
  }),
  securityPolicyUrl: define<string>({
    description: 'The vulnerability disclosure policy (security.txt Policy)',
    schema: Type.String({ minLength: 1, maxLength: 500 }),
    defaultValue: (config) => `${config.publicUrl}/security`,
    parse: webUrl,
  }),
  acknowledgmentsUrl: define<string>({
    description: 'The page thanking researchers (security.txt Acknowledgments)',
    schema: Type.String({ minLength: 1, maxLength: 500 }),
    defaultValue: (config) => `${config.publicUrl}/hall-of-fame`,
    parse: webUrl,
  }),
  hiringUrl: define<string | null>({
    description: 'Security job openings (security.txt Hiring); omitted when unset',
    schema: NullableString({ maxLength: 500 }),
    defaultValue: () => null,
    parse: optional(webUrl),
  }),
  preferredLanguages: define<string[]>({
    description: 'Languages the team reads reports in, BCP 47 tags (security.txt Preferred-Languages)',
    schema: Type.Array(Type.String({ minLength: 1, maxLength: 35 }), { minItems: 1, maxItems: 20 }),
    defaultValue: () => ['en'],
    parse: (value, field) => {
      const tags = list(value, field, 20, languageTag);
      if (tags.length === 0) throw invalid(field, 'must name at least one language');
      return tags;
    },
  }),
  csafProviderMetadataUrl: define<string | null>({
    description: "The CSAF provider's provider-metadata.json (security.txt CSAF); omitted when unset",
    schema: NullableString({ maxLength: 500 }),
    defaultValue: () => null,
    parse: optional((value, field, config) => {
      const url = webUrl(value, field, config);
      if (!new URL(url).pathname.endsWith('/provider-metadata.json')) throw invalid(field, 'must point to a provider-metadata.json');
      return url;
    }),
  }),
  securityTxtValidityDays: define<number>({
    description: 'How far ahead security.txt Expires lies, in days (RFC 9116 advises less than a year)',
    schema: Type.Integer({ minimum: 1, maximum: 364 }),
    defaultValue: () => 180,
    parse: (value, field) => {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(field, 'must be a whole number of days');
      if (value < 1 || value > 364) throw invalid(field, 'must be between 1 and 364 days (less than a year)');
      return value;
    },
  }),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type Settings = { -readonly [K in SettingKey]: (typeof SETTINGS)[K] extends SettingDefinition<infer T> ? T : never };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(SETTINGS, key);
}

export function defaultSettings(config: Config): Settings {
  return Object.fromEntries(SETTING_KEYS.map((key) => [key, SETTINGS[key].defaultValue(config)])) as Settings;
}
