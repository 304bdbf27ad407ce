/**
 * RFC 3339 `date-time` (section 5.6), the form RFC 9116 requires for `Expires`:
 * `2026-12-31T23:59:59Z`, `2026-12-31T23:59:59.5+02:00`. `T` and `Z` may be lower case (ABNF
 * strings are case-insensitive); a space instead of `T`, a missing offset or a bare date are not
 * accepted. Calendar and clock ranges are checked (no 31 April, no 24:00), a leap second is allowed.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The instant `value` names, or null when it is not an RFC 3339 date-time. */
export function parseRfc3339(value: string): Date | null {
  const match = DATE_TIME.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  const fraction = match[7] ? Number(`0${match[7]}`) : 0;
  let offsetMinutes = 0;
  const zone = match[8]!;
  if (zone !== 'Z' && zone !== 'z') {
    const offsetHours = Number(zone.slice(1, 3));
    const offsetMins = Number(zone.slice(4, 6));
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, Math.min(second, 59), 0);
  date.setTime(date.getTime() + (second === 60 ? 1000 : 0) + Math.floor(fraction * 1000) - offsetMinutes * 60_000);
  return Number.isNaN(date.getTime()) ? null : date;
}
