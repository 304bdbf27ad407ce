import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, matchTotp, newTotpSecret, totpCode, totpStep } from './totp.js';

describe('TOTP', () => {
  // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", 8 digits.
  const seed = Buffer.from('12345678901234567890');
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches the RFC 6238 vector at %i s', (seconds, expected) => {
    expect(totpCode(seed, totpStep(new Date(seconds * 1000)), 8)).toBe(expected);
  });

  it('round-trips base32', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 7]);
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
  });

  it('accepts the current code once and refuses a replay', () => {
    const secret = newTotpSecret();
    const at = new Date('2026-11-27T12:00:10Z');
    const code = totpCode(secret, totpStep(at));
    const step = matchTotp(secret, code, at, null);
    expect(step).toBe(totpStep(at));
    expect(matchTotp(secret, code, at, step)).toBeNull();
  });

  it('allows one step of drift but not two', () => {
    const secret = newTotpSecret();
    const at = new Date('2026-11-27T12:00:10Z');
    expect(matchTotp(secret, totpCode(secret, totpStep(at) - 1), at, null)).not.toBeNull();
    expect(matchTotp(secret, totpCode(secret, totpStep(at) - 2), at, null)).toBeNull();
    expect(matchTotp(secret, 'abcdef', at, null)).toBeNull();
  });
});
