/**
 * Reading a reward amount typed by a person, strictly. "5,000" must never become 5 and "5,00"
 * must never be guessed at: an amount is digits, optionally grouped in threes by commas or by
 * spaces (one kind throughout), then optionally a point and at most two decimals (fewer where the
 * currency has fewer). Anything else is refused with what is wrong, before anything is sent.
 */

/** The server's ceiling for one award, in minor units (REWARD_LIMITS.maxAmount: a 32-bit column). */
export const MAX_AWARD_MINOR = 2_000_000_000;

export type AmountResult = { ok: true; minor: number } | { ok: false; problem: string };

// Spaces people (and locales) put between groups: space, no-break space, narrow no-break space.
const SPACES = /[ \u00a0\u202f]/g;

export function parseAmount(text: string, currency: string, digits: number): AmountResult {
  const refuse = (problem: string): AmountResult => ({ ok: false, problem });
  const value = text.trim().replace(SPACES, ' ');
  if (!value) return refuse(`give an amount in ${currency}, such as 5,000`);
  if (/^[-−]/.test(value)) return refuse('must be more than zero');
  if (/[^0-9., ]/.test(value)) return refuse('use digits only, with an optional point for decimals (such as 5,000 or 5000.50); no currency signs or letters');

  const [whole = '', fraction, extra] = value.split('.');
  if (extra !== undefined) return refuse('has more than one decimal point');
  if (!whole) return refuse('put a digit before the decimal point, such as 0.50');
  if (fraction !== undefined && !/^\d+$/.test(fraction)) return refuse('give the decimals as digits after the point, or leave the point out');

  const places = Math.min(2, digits);
  if (fraction !== undefined && fraction.length > places) {
    return refuse(places === 0 ? `${currency} amounts are whole numbers: no decimals` : `has more than ${places} decimal place${places === 1 ? '' : 's'}`);
  }

  let integer: string;
  if (/^\d+$/.test(whole)) integer = whole;
  else if (/^\d{1,3}(,\d{3})+$/.test(whole) || /^\d{1,3}( \d{3})+$/.test(whole)) integer = whole.replace(/[, ]/g, '');
  else if (/,\d{1,2}$/.test(whole) && fraction === undefined) return refuse('is ambiguous: a comma only separates thousands here; write decimals with a point, such as 5.50');
  else return refuse('has separators in the wrong places: group thousands in threes, such as 5,000 or 1 000 000, and use one kind of separator');

  const minorText = integer + (fraction ?? '').padEnd(digits, '0');
  const minor = Number(minorText.replace(/^0+(?=\d)/, ''));
  if (minor === 0) return refuse('must be more than zero');
  if (!Number.isSafeInteger(minor) || minor > MAX_AWARD_MINOR) return refuse(`is more than one award can be (${(MAX_AWARD_MINOR / 10 ** digits).toLocaleString('en')} ${currency})`);
  return { ok: true, minor };
}
