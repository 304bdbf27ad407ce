import argon2 from 'argon2';
import { invalid } from '../shared/errors.js';

/** OWASP's argon2id parameters: 19 MiB, 2 iterations, 1 lane. */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export function hashSecret(secret: string): Promise<string> {
  return argon2.hash(secret, OPTIONS);
}

export async function verifySecret(hash: string, secret: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, secret);
  } catch {
    return false;
  }
}

/** A hash to verify against when the account does not exist, so timing does not tell. */
let dummyHash: Promise<string> | undefined;
export function dummySecretHash(): Promise<string> {
  dummyHash ??= hashSecret('not a real password, only for constant-time refusal');
  return dummyHash;
}

/** Length rules only (NIST SP 800-63B): no composition rules, but no trivially short passwords. */
export function checkPasswordStrength(password: string, field = '/password', email?: string): void {
  if (password.length < PASSWORD_MIN) throw invalid(field, `must be at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX) throw invalid(field, `must be at most ${PASSWORD_MAX} characters`);
  if (/^(.)\1+$/.test(password)) throw invalid(field, 'must not be one repeated character');
  const localPart = email?.toLowerCase().split('@')[0] ?? '';
  if (localPart.length >= 4 && password.toLowerCase().includes(localPart)) {
    throw invalid(field, 'must not contain your email address');
  }
}
