import { invalid } from '../../shared/errors.js';
import { LIMITS } from './vendor.js';

export interface ParsedVendorKey {
  fingerprint: string;
  armored: string;
  userIds: string[];
  expiresAt: string | null;
}

/**
 * Reads one armoured OpenPGP public key a vendor publishes. A private key is refused outright
 * (it must never be stored here, and was likely pasted by mistake), as are several keys at once.
 */
export async function parseVendorKey(armored: string, field = '/armored'): Promise<ParsedVendorKey> {
  if (Buffer.byteLength(armored) > LIMITS.keyBytes) throw invalid(field, `an armoured key is at most ${LIMITS.keyBytes} bytes`);
  if (/-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(armored)) throw invalid(field, 'is a private key: give the vendor’s public key only');
  const openpgp = await import('openpgp');
  let keys: Awaited<ReturnType<typeof openpgp.readKeys>>;
  try {
    keys = await openpgp.readKeys({ armoredKeys: armored });
  } catch (error) {
    throw invalid(field, `not an armoured OpenPGP public key: ${(error as Error).message}`);
  }
  if (keys.length !== 1) throw invalid(field, `holds ${keys.length} keys; add them one at a time`);
  const key = keys[0]!;
  if (key.isPrivate()) throw invalid(field, 'is a private key: give the vendor’s public key only');
  let expiresAt: string | null = null;
  try {
    const expiry = await key.getExpirationTime();
    if (expiry instanceof Date) expiresAt = expiry.toISOString();
  } catch {
    // A key without a valid self-signature has no expiry we can read; it is still stored for its fingerprint.
  }
  return { fingerprint: key.getFingerprint().toUpperCase(), armored: key.armor(), userIds: key.getUserIDs().slice(0, 20), expiresAt };
}
