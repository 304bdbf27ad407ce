import { describe, expect, it } from 'vitest';
import { MAX_AWARD_MINOR, parseAmount } from '../../web/src/features/rewards/amount.js';
import { REWARD_LIMITS } from '../../src/domain/rewards/reward.js';

/** The award dialog's reading of a typed amount (web/src/features/rewards/amount.ts): strict, never a guess. */
const usd = (text: string) => parseAmount(text, 'USD', 2);

describe('reading a typed reward amount', () => {
  it('accepts plain digits, thousands grouped in threes, and up to two decimals', () => {
    expect(usd('5000')).toEqual({ ok: true, minor: 500_000 });
    expect(usd('5,000')).toEqual({ ok: true, minor: 500_000 });
    expect(usd('5,000.50')).toEqual({ ok: true, minor: 500_050 });
    expect(usd('1 000')).toEqual({ ok: true, minor: 100_000 });
    expect(usd('1\u00a0000\u00a0000')).toEqual({ ok: true, minor: 100_000_000 });
    expect(usd('  250.5 ')).toEqual({ ok: true, minor: 25_050 });
    expect(usd('0.01')).toEqual({ ok: true, minor: 1 });
    expect(usd('1,234,567.89')).toEqual({ ok: true, minor: 123_456_789 });
  });

  it('refuses a comma that could be a decimal separator rather than guessing', () => {
    for (const text of ['5,5', '5,50', '1 000,50']) {
      const result = usd(text);
      expect(result.ok, text).toBe(false);
      if (!result.ok) expect(result.problem).toMatch(/ambiguous/);
    }
  });

  it('refuses badly grouped or mixed separators', () => {
    for (const text of ['5,0000', '50,00,000', '1,000 000', '10 00', ',500', '1,,000']) {
      const result = usd(text);
      expect(result.ok, text).toBe(false);
      if (!result.ok) expect(result.problem, text).toMatch(/wrong places|ambiguous/);
    }
  });

  it('names what is wrong with other input', () => {
    const problem = (text: string, currency = 'USD', digits = 2) => {
      const result = parseAmount(text, currency, digits);
      return result.ok ? null : result.problem;
    };
    expect(problem('')).toMatch(/give an amount in USD/);
    expect(problem('-5')).toMatch(/more than zero/);
    expect(problem('0')).toMatch(/more than zero/);
    expect(problem('0.00')).toMatch(/more than zero/);
    expect(problem('$500')).toMatch(/digits only/);
    expect(problem('1e3')).toMatch(/digits only/);
    expect(problem('5.')).toMatch(/decimals as digits/);
    expect(problem('.5')).toMatch(/digit before the decimal point/);
    expect(problem('1.2.3')).toMatch(/more than one decimal point/);
    expect(problem('5.005')).toMatch(/more than 2 decimal places/);
    expect(problem('500.5', 'JPY', 0)).toMatch(/JPY amounts are whole numbers/);
    expect(problem('99999999999999999999')).toMatch(/more than one award can be/);
  });

  it('keeps currencies without decimals whole and reads three-digit currencies to two places', () => {
    expect(parseAmount('5,000', 'JPY', 0)).toEqual({ ok: true, minor: 5000 });
    expect(parseAmount('1.5', 'BHD', 3)).toEqual({ ok: true, minor: 1500 });
  });

  it('stops at the server ceiling, and no further', () => {
    expect(MAX_AWARD_MINOR).toBe(REWARD_LIMITS.maxAmount);
    expect(usd('20,000,000')).toEqual({ ok: true, minor: MAX_AWARD_MINOR });
    expect(usd('20,000,000.01').ok).toBe(false);
  });
});
