import type { AlgorithmInfo, Key, PrivateKey } from 'openpgp';
import { invalid } from '../../shared/errors.js';

/**
 * OpenPGP.js, loaded on first use: most processes never touch a key, and the library is large.
 * Every OpenPGP operation in cvdesk goes through this module or keys.service.ts.
 */
export type OpenPgp = typeof import('openpgp');

let loading: Promise<OpenPgp> | undefined;

export function loadOpenPgp(): Promise<OpenPgp> {
  loading ??= import('openpgp');
  return loading;
}

/** Upper-case hex without spaces, as GnuPG prints it. */
export function fingerprintOf(key: Key): string {
  return key.getFingerprint().toUpperCase();
}

/** Accepts `ABCD 1234 …`, lower case, or a `0x` prefix; throws validation_failed naming `field`. */
export function normaliseFingerprint(raw: string, field = '/fingerprint'): string {
  const fingerprint = raw.replace(/\s+/g, '').replace(/^0x/i, '').toUpperCase();
  if (!/^(?:[0-9A-F]{40}|[0-9A-F]{64})$/.test(fingerprint)) throw invalid(field, 'must be a full key fingerprint (40 or 64 hex digits)');
  return fingerprint;
}

/** An algorithm as GnuPG names it: ed25519, cv25519, rsa4096, nistp256 … */
export function algorithmName(info: AlgorithmInfo): string {
  switch (info.algorithm) {
    case 'eddsaLegacy':
    case 'ed25519':
      return 'ed25519';
    case 'ed448':
      return 'ed448';
    case 'x25519':
      return 'cv25519';
    case 'x448':
      return 'cv448';
    case 'rsaEncryptSign':
    case 'rsaEncrypt':
    case 'rsaSign':
      return `rsa${info.bits ?? ''}`;
    case 'ecdh':
    case 'ecdsa':
      return info.curve === 'curve25519Legacy' ? 'cv25519' : (info.curve ?? info.algorithm).toLowerCase();
    default:
      return String(info.algorithm).toLowerCase();
  }
}

/** `primary/encryption-subkey`, e.g. `ed25519/cv25519`. */
export async function describeAlgorithms(key: Key, date: Date): Promise<string> {
  const primary = algorithmName(key.getAlgorithmInfo());
  try {
    const encryption = await key.getEncryptionKey(undefined, date);
    if (encryption !== key) return `${primary}/${algorithmName(encryption.getAlgorithmInfo())}`;
  } catch {
    // No encryption key: the primary alone.
  }
  return primary;
}

export async function primaryUserId(key: Key, date: Date): Promise<string> {
  try {
    const primary = await key.getPrimaryUser(date);
    if (primary.user.userID) return primary.user.userID.userID;
  } catch {
    // Falls through to the first user ID.
  }
  return key.getUserIDs()[0] ?? '';
}

/** The key's expiry as ISO text, or null when it never expires. */
export async function expiryOf(key: Key): Promise<string | null> {
  const expiry = await key.getExpirationTime();
  return expiry instanceof Date ? expiry.toISOString() : null;
}

/** True when any secret key material in `key` is stored without passphrase protection. */
export function hasUnprotectedSecret(key: PrivateKey): boolean {
  return key.getKeys().some(({ keyPacket }) => {
    const secret = keyPacket as { isMissingSecretKeyMaterial?: () => boolean; isDecrypted(): boolean | null };
    if (secret.isMissingSecretKeyMaterial?.()) return false;
    return secret.isDecrypted() === true;
  });
}

/** Unlocks a passphrase-protected private key; a wrong passphrase is validation_failed on `field`. */
export async function unlockPrivateKey(armoredPrivateKey: string, passphrase: string, field = '/passphrase'): Promise<PrivateKey> {
  const openpgp = await loadOpenPgp();
  if (!passphrase) throw invalid(field, 'is required');
  const locked = await openpgp.readPrivateKey({ armoredKey: armoredPrivateKey });
  try {
    return await openpgp.decryptKey({ privateKey: locked, passphrase });
  } catch (error) {
    if (/passphrase/i.test((error as Error).message)) throw invalid(field, 'does not unlock the key');
    throw error;
  }
}

/**
 * Several public keys as one armoured block (what /pgp-key.txt and /notice-signing-key.txt
 * serve): GnuPG and OpenPGP.js both import every key in it.
 */
export async function armorPublicKeys(armoredKeys: string[]): Promise<string> {
  const openpgp = await loadOpenPgp();
  const parts: Uint8Array[] = [];
  for (const armoredKey of armoredKeys) parts.push((await openpgp.readKey({ armoredKey })).toPublic().write());
  const bytes = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  // With the CRC-24 line: GnuPG 2.2 misreads armour whose base64 ends without padding and has none (dev.gnupg.org T7071).
  return openpgp.armor(openpgp.enums.armor.publicKey, bytes, undefined, undefined, undefined, true);
}
