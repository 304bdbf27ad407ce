import { describe, expect, it } from 'vitest';
import { assertTransition, checkTimeZone, embargoInstant, presentEmbargo } from '../../../src/domain/cases/case.js';
import { escapeText, foldLine, icalDateTime, renderCalendar } from '../../../src/domain/cases/ical.js';

describe('embargo end: a date and an hour in an IANA time zone', () => {
  it('turns local time into the UTC instant, in winter and in summer', () => {
    expect(embargoInstant({ date: '2026-01-15', time: '10:00', zone: 'Europe/Amsterdam' })).toEqual({ endsAt: '2026-01-15T09:00:00.000Z', zone: 'Europe/Amsterdam' });
    expect(embargoInstant({ date: '2026-07-15', time: '10:00', zone: 'Europe/Amsterdam' }).endsAt).toBe('2026-07-15T08:00:00.000Z');
    expect(embargoInstant({ date: '2026-07-15', time: '10:00', zone: 'America/New_York' }).endsAt).toBe('2026-07-15T14:00:00.000Z');
    expect(embargoInstant({ date: '2026-07-15', time: '10:00', zone: 'Asia/Kolkata' }).endsAt).toBe('2026-07-15T04:30:00.000Z');
    expect(embargoInstant({ date: '2026-12-31', time: '23:30', zone: 'Pacific/Auckland' }).endsAt).toBe('2026-12-31T10:30:00.000Z');
    expect(embargoInstant({ date: '2026-03-01', time: '00:00', zone: 'UTC' }).endsAt).toBe('2026-03-01T00:00:00.000Z');
  });

  it('refuses a local time skipped by daylight saving, and takes the first of a repeated one', () => {
    expect(() => embargoInstant({ date: '2026-03-29', time: '02:30', zone: 'Europe/Amsterdam' })).toThrow(/does not exist in Europe\/Amsterdam/);
    // 2026-10-25 02:30 happens twice in Amsterdam: first at +02:00.
    expect(embargoInstant({ date: '2026-10-25', time: '02:30', zone: 'Europe/Amsterdam' }).endsAt).toBe('2026-10-25T00:30:00.000Z');
  });

  it('refuses unknown zones, impossible dates and bad times, naming the field', () => {
    expect(() => embargoInstant({ date: '2026-01-15', time: '10:00', zone: 'Mars/Olympus_Mons' })).toThrow(/embargo\/zone/);
    expect(() => embargoInstant({ date: '2026-01-15', time: '10:00', zone: '../../etc/passwd' })).toThrow(/not an IANA time zone/);
    expect(() => embargoInstant({ date: '2026-02-30', time: '10:00', zone: 'UTC' })).toThrow(/not a calendar date/);
    expect(() => embargoInstant({ date: '15/01/2026', time: '10:00', zone: 'UTC' })).toThrow(/YYYY-MM-DD/);
    expect(() => embargoInstant({ date: '2026-01-15', time: '24:00', zone: 'UTC' })).toThrow(/not a time of day/);
    expect(() => embargoInstant({ date: '2026-01-15', time: '10', zone: 'UTC' })).toThrow(/HH:MM/);
    expect(checkTimeZone('europe/amsterdam', '/zone')).toBe('Europe/Amsterdam');
  });

  it('shows the agreed local time and offset again', () => {
    const { endsAt, zone } = embargoInstant({ date: '2026-07-15', time: '10:00', zone: 'America/New_York' });
    expect(presentEmbargo(endsAt, zone)).toEqual({ endsAt, zone, local: '2026-07-15T10:00', offset: '-04:00' });
    expect(presentEmbargo(null, null)).toBeNull();
  });
});

describe('case state transitions', () => {
  it('follows draft → notifying → coordinating → disclosed | closed', () => {
    expect(() => assertTransition('draft', 'notifying')).not.toThrow();
    expect(() => assertTransition('notifying', 'coordinating')).not.toThrow();
    expect(() => assertTransition('coordinating', 'disclosed')).not.toThrow();
    expect(() => assertTransition('disclosed', 'closed')).not.toThrow();
    expect(() => assertTransition('draft', 'disclosed')).toThrow(/cannot become disclosed/);
    expect(() => assertTransition('closed', 'draft')).toThrow(/A closed case cannot become draft$/);
    expect(() => assertTransition('disclosed', 'coordinating')).toThrow(/can become closed/);
  });
});

describe('iCalendar output (RFC 5545)', () => {
  it('escapes backslashes, semicolons, commas and newlines in TEXT', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('folds lines longer than 75 octets without splitting UTF-8 characters', () => {
    const line = `SUMMARY:${'é'.repeat(100)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(2);
    for (const [i, part] of parts.entries()) {
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
      if (i > 0) expect(part.startsWith(' ')).toBe(true);
      expect(part).not.toContain('\uFFFD');
    }
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join('')).toBe(line);
    expect(foldLine('SHORT:line')).toBe('SHORT:line');
  });

  it('renders a calendar with CRLF line ends, UTC times and one event per deadline', () => {
    const text = renderCalendar('Deadlines, mine', [{ uid: 'case-1-deadline@cvdesk', start: '2026-03-01T09:00:00.000Z', summary: 'Deadline; case "A, B"', description: 'Line one\nLine two', url: 'https://cvdesk.example/cases/1' }], new Date('2026-01-01T00:00:00Z'));
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
    expect(lines).toContain('X-WR-CALNAME:Deadlines\\, mine');
    expect(lines).toContain('DTSTART:20260301T090000Z');
    expect(lines).toContain('DTEND:20260301T093000Z');
    expect(lines).toContain('DTSTAMP:20260101T000000Z');
    expect(lines).toContain('SUMMARY:Deadline\\; case "A\\, B"');
    expect(lines).toContain('DESCRIPTION:Line one\\nLine two');
    expect(lines.at(-2)).toBe('END:VCALENDAR');
    expect(icalDateTime('2026-11-27T12:34:56.789Z')).toBe('20261127T123456Z');
  });
});
