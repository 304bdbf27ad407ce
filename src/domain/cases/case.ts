import type { Selectable } from 'kysely';
import { AppError, invalid } from '../../shared/errors.js';
import { shortRef } from '../../shared/ids.js';
import type {
  CaseParticipantStatusTable,
  CaseParticipantTable,
  CaseTable,
  CaseVulnerabilityTable,
} from './case.table.js';

export type CaseRow = Selectable<CaseTable>;
export type VulnerabilityRow = Selectable<CaseVulnerabilityTable>;
export type ParticipantRow = Selectable<CaseParticipantTable>;
export type ParticipantStatusRow = Selectable<CaseParticipantStatusTable>;

export const CASE_STATES = ['draft', 'notifying', 'coordinating', 'disclosed', 'closed'] as const;
export type CaseState = (typeof CASE_STATES)[number];
export const OPEN_STATES: readonly CaseState[] = ['draft', 'notifying', 'coordinating'];

/**
 * How a case moves. `notifying` is entered by the first notice sent; `disclosed` needs a recorded
 * disclosure decision (case-decisions.ts); `closed` ends a case that is not disclosed (or after).
 */
export const CASE_TRANSITIONS: Readonly<Record<CaseState, readonly CaseState[]>> = {
  draft: ['notifying', 'closed'],
  notifying: ['coordinating', 'disclosed', 'closed'],
  coordinating: ['disclosed', 'closed'],
  disclosed: ['closed'],
  closed: [],
};

export function assertTransition(from: CaseState, to: CaseState): void {
  if (!CASE_TRANSITIONS[from].includes(to)) {
    throw new AppError('invalid_transition', `A ${from} case cannot become ${to}${CASE_TRANSITIONS[from].length ? ` (it can become ${CASE_TRANSITIONS[from].join(', ')})` : ''}`);
  }
}

/** The case's reference in notices, on its page and in the CLI: e.g. [case 1A2B3C4D]. */
export const caseRef = (caseId: string): string => shortRef(caseId).toUpperCase();

export const isOpen = (state: string): boolean => (OPEN_STATES as readonly string[]).includes(state);

export const PARTICIPANT_ROLES = ['vendor', 'coordinator', 'reporter_org'] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

/**
 * A participant's status for one vulnerability. `no_response` is what staff (or escalation) record
 * when a participant was asked and never answered; `unknown` means nobody has said yet.
 */
export const VULNERABILITY_STATUSES = ['unknown', 'affected', 'not_affected', 'fixed', 'no_response'] as const;
export type VulnerabilityStatus = (typeof VULNERABILITY_STATUSES)[number];
/** What a participant may set for itself in the portal (no_response is staff's word about them). */
export const PORTAL_STATUSES = ['affected', 'not_affected', 'fixed'] as const;

export const CREDIT_KINDS = ['team', 'individual', 'automated'] as const;
export type CreditKind = (typeof CREDIT_KINDS)[number];

export const NOTICE_KINDS = ['initial', 'follow_up', 'escalation', 'update'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const CASE_LIMITS = {
  title: 200,
  summary: 20_000,
  product: 200,
  versions: 50,
  version: 100,
  cvssVectors: 3,
  vulnerabilities: 200,
  participants: 100,
  statement: 20_000,
  message: 20_000,
  evidence: 5_000,
  reason: 2_000,
  creditName: 200,
  credits: 50,
  /** Characters of a mailed reply's clear text kept in the contact log. */
  replyText: 100_000,
  /** Characters of armoured OpenPGP in a mailed reply: kept whole, a reply with more is refused. */
  replyArmour: 10_000_000,
} as const;

const CONTROL = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const LINE_CONTROL = /[\0-\x1f\x7f]/;

/** A one-line text field, trimmed; throws naming `field`. */
export function oneLine(value: string, field: string, max: number): string {
  const text = value.trim();
  if (!text) throw invalid(field, 'must not be empty');
  if (text.length > max) throw invalid(field, `must be at most ${max} characters`);
  if (LINE_CONTROL.test(text)) throw invalid(field, 'must be one line without control characters');
  return text;
}

/** A Markdown or plain-text body: newlines and tabs allowed, other control characters not. */
export function bodyText(value: string, field: string, max: number, { required = true } = {}): string {
  const text = value.replace(/\r\n?/g, '\n').trim();
  if (required && !text) throw invalid(field, 'must not be empty');
  if (text.length > max) throw invalid(field, `must be at most ${max} characters`);
  if (CONTROL.test(text)) throw invalid(field, 'must not contain control characters');
  return text;
}

// ---------------------------------------------------------------------------------------------
// Embargo: a date and an hour in an IANA time zone, kept as the UTC instant plus the zone.
// ---------------------------------------------------------------------------------------------

export interface EmbargoInput {
  /** YYYY-MM-DD, the local date in `zone`. */
  date: string;
  /** HH:MM (24-hour), the local time in `zone`. */
  time: string;
  /** An IANA time zone name, e.g. Europe/Amsterdam, America/New_York, UTC. */
  zone: string;
}

export interface EmbargoView {
  /** The UTC instant. */
  endsAt: string;
  zone: string;
  /** The agreed local date and time in `zone`, YYYY-MM-DDTHH:MM. */
  local: string;
  /** The zone's UTC offset at that instant, e.g. +01:00. */
  offset: string;
}

/** The canonical name of a time zone Intl knows; throws naming `field` otherwise. */
export function checkTimeZone(zone: string, field: string): string {
  if (!zone || zone.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(zone)) throw invalid(field, 'is not an IANA time zone name (e.g. Europe/Amsterdam)');
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw invalid(field, `"${zone}" is not a time zone this server knows (IANA names such as Europe/Amsterdam)`);
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time in `zone` at `instant`, as milliseconds of the same fields read as UTC. */
function wallClock(instant: number, zone: string): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
}

/** Offset of `zone` from UTC at `instant`, in minutes. */
export function zoneOffsetMinutes(instant: number, zone: string): number {
  return Math.round((wallClock(instant, zone) - Math.floor(instant / 1000) * 1000) / 60_000);
}

/**
 * The UTC instant of a local date and time in `zone`. A local time that does not exist (skipped
 * by a daylight-saving change) is refused; one that exists twice (the hour repeated in autumn)
 * is the first of the two.
 */
export function embargoInstant(input: EmbargoInput, field = '/embargo'): { endsAt: string; zone: string } {
  const zone = checkTimeZone(input.zone, `${field}/zone`);
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.date);
  if (!date) throw invalid(`${field}/date`, 'must be a date written YYYY-MM-DD');
  const time = /^(\d{2}):(\d{2})$/.exec(input.time);
  if (!time) throw invalid(`${field}/time`, 'must be an hour written HH:MM (24-hour)');
  const [year, month, day, hour, minute] = [Number(date[1]), Number(date[2]), Number(date[3]), Number(time[1]), Number(time[2])];
  if (hour > 23 || minute > 59) throw invalid(`${field}/time`, `${input.time} is not a time of day`);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || year < 2000 || year > 2200) {
    throw invalid(`${field}/date`, `${input.date} is not a calendar date`);
  }
  // Each offset the zone has around that day; the instants whose wall clock reads back the same are the answers.
  const offsets = new Set([-36, -12, 0, 12, 36].map((h) => zoneOffsetMinutes(wall + h * 3_600_000, zone)));
  const candidates = [...offsets].map((offset) => wall - offset * 60_000).filter((instant) => wallClock(instant, zone) === wall).sort((a, b) => a - b);
  if (candidates.length === 0) throw invalid(`${field}/time`, `${input.date} ${input.time} does not exist in ${zone} (a daylight-saving change skips it)`);
  return { endsAt: new Date(candidates[0]!).toISOString(), zone };
}

export function presentEmbargo(endsAt: string | null, zone: string | null): EmbargoView | null {
  if (!endsAt || !zone) return null;
  const instant = Date.parse(endsAt);
  const local = new Date(wallClock(instant, zone)).toISOString().slice(0, 16);
  const offset = zoneOffsetMinutes(instant, zone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return { endsAt, zone, local, offset: `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}` };
}

export function parseJsonArray(text: string): string[] {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
