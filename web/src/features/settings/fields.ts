import type { SettingDetail } from '../../api/types';

/**
 * How the web app shows each organisation setting. The server's registry
 * (src/domain/settings/settings.ts) is the authority: it validates and normalises every value.
 * A key this table does not know yet (a later area added it) still shows, with an input chosen
 * from the type of its value.
 */
export type FieldKind = 'text' | 'email' | 'url' | 'lines' | 'tags' | 'number';

export interface FieldSpec {
  label: string;
  kind: FieldKind;
  /** `null` is a valid value: an empty field means "not set". */
  nullable: boolean;
  /** Extra help beside the server's description. */
  hint?: string;
  group: 'organisation' | 'contacts' | 'links' | 'securitytxt' | 'other';
  /** The security.txt field it fills, if any. */
  field?: string;
}

export const FIELD_SPECS: Record<string, FieldSpec> = {
  organisationName: { label: 'Organisation name', kind: 'text', nullable: false, group: 'organisation' },
  securityContactEmail: {
    label: 'Security contact email',
    kind: 'email',
    nullable: true,
    group: 'contacts',
    field: 'Contact',
    hint: 'Leave empty to publish no mail address (the web form is always the first contact).',
  },
  securityContactUris: {
    label: 'Further contacts',
    kind: 'lines',
    nullable: false,
    group: 'contacts',
    field: 'Contact',
    hint: 'One per line, at most 10: https:, mailto: or tel: (e.g. tel:+1-201-555-0123).',
  },
  securityPolicyUrl: { label: 'Disclosure policy', kind: 'url', nullable: false, group: 'links', field: 'Policy' },
  acknowledgmentsUrl: { label: 'Acknowledgments page', kind: 'url', nullable: false, group: 'links', field: 'Acknowledgments' },
  hiringUrl: { label: 'Hiring page', kind: 'url', nullable: true, group: 'links', field: 'Hiring', hint: 'Leave empty to leave it out.' },
  csafProviderMetadataUrl: {
    label: 'CSAF provider metadata',
    kind: 'url',
    nullable: true,
    group: 'links',
    field: 'CSAF',
    hint: 'The URL of a provider-metadata.json; leave empty to leave it out.',
  },
  preferredLanguages: {
    label: 'Preferred languages',
    kind: 'tags',
    nullable: false,
    group: 'securitytxt',
    field: 'Preferred-Languages',
    hint: 'Language tags separated by commas, e.g. “en, de, fr-CH”.',
  },
  securityTxtValidityDays: {
    label: 'Validity (days)',
    kind: 'number',
    nullable: false,
    group: 'securitytxt',
    field: 'Expires',
    hint: 'Expires is the start of today (UTC) plus this many days: 1 to 364.',
  },
};

export const GROUPS: { id: FieldSpec['group']; title: string; description?: string }[] = [
  { id: 'organisation', title: 'Organisation' },
  { id: 'contacts', title: 'Contacts', description: 'Published in security.txt after the web form, in this order.' },
  { id: 'links', title: 'Links', description: 'Pages security.txt points to. URLs must start with https://.' },
  { id: 'securitytxt', title: 'security.txt' },
  { id: 'other', title: 'Other settings' },
];

function labelFromKey(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The spec of a key, made up from its value's type when the table does not list it. */
export function specFor(detail: SettingDetail): FieldSpec {
  const known = FIELD_SPECS[detail.key];
  if (known) return known;
  const sample = detail.value ?? detail.default;
  const kind: FieldKind = Array.isArray(sample) ? 'lines' : typeof sample === 'number' ? 'number' : 'text';
  return { label: labelFromKey(detail.key), kind, nullable: detail.value === null || detail.default === null, group: 'other' };
}

/** The text an input shows for a value. */
export function toDraft(spec: FieldSpec, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(String).join(spec.kind === 'tags' ? ', ' : '\n');
  return String(value);
}

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

/** The value to send for what was typed; a few plain mistakes are caught before asking the server. */
export function fromDraft(spec: FieldSpec, draft: string): Parsed {
  const text = draft.trim();
  switch (spec.kind) {
    case 'lines':
      return { ok: true, value: draft.split(/\r?\n/).map((line) => line.trim()).filter(Boolean) };
    case 'tags':
      return { ok: true, value: draft.split(/[,\s]+/).map((tag) => tag.trim()).filter(Boolean) };
    case 'number':
      if (!/^\d+$/.test(text)) return { ok: false, message: text ? 'must be a whole number' : 'must not be empty' };
      return { ok: true, value: Number(text) };
    default:
      if (!text) return spec.nullable ? { ok: true, value: null } : { ok: false, message: 'must not be empty; use “Reset to default” to go back to the default' };
      return { ok: true, value: text };
  }
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** How a value reads in the read-only view and in "Default: …". */
export function describeValue(spec: FieldSpec, value: unknown): string {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return 'not set';
  if (Array.isArray(value)) return value.join(spec.kind === 'tags' ? ', ' : ' · ');
  return String(value);
}
