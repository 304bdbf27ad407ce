import type { PrivateKey } from 'openpgp';
import { api } from '../api/client';
import { unlockKey, WrongPassphrase } from './openpgp';

/**
 * The organisation's private keys, unlocked in the page with their passphrase: what staff do to
 * read sealed incidents and encrypted vendor replies. The server hands out only the
 * passphrase-protected key (each fetch audited); the passphrase and the unlocked key stay here.
 */

export interface ProtectedPrivateKey {
  fingerprint: string;
  status: string;
  uid: string;
  /** Armoured, passphrase-protected: unlocked in this page only. */
  privateKey: string;
  publicKey: string;
}

export interface OrganisationKeyListing {
  fingerprint: string;
  status: 'current' | 'previous' | 'revoked';
}

/** The passphrase-protected private key: `current`, or a previous key's fingerprint. Audited. */
export function fetchProtectedPrivateKey(which: string, signal?: AbortSignal): Promise<ProtectedPrivateKey> {
  return api.get<ProtectedPrivateKey>(which === 'current' ? '/keys/current/private' : `/keys/${encodeURIComponent(which)}/private`, undefined, { signal });
}

/** Every organisation key (public facts only), for content that may predate the current key. */
export async function organisationKeyFingerprints(signal?: AbortSignal): Promise<string[]> {
  const { items } = await api.get<{ items: OrganisationKeyListing[] }>('/keys', undefined, { signal });
  return items.map((key) => key.fingerprint);
}

export interface UnlockedOrganisationKeys {
  keys: PrivateKey[];
  /** The current key's public half, to encrypt replies to. */
  currentPublicKey: string;
  /** Keys fetched that this passphrase did not open (a key rotated with a passphrase of its own). */
  locked: { fingerprint: string; status: string }[];
}

/**
 * Fetches the current key and the other keys named (content encrypted to an older key needs it)
 * and unlocks each that `passphrase` opens; the others are listed as `locked`. Throws
 * WrongPassphrase when it opens none; a named key that cannot be fetched is skipped.
 */
export async function unlockOrganisationKeys(passphrase: string, otherFingerprints: readonly string[] = []): Promise<UnlockedOrganisationKeys> {
  const current = await fetchProtectedPrivateKey('current');
  const others = await Promise.all(
    [...new Set(otherFingerprints)].filter((fingerprint) => fingerprint !== current.fingerprint).map((fingerprint) => fetchProtectedPrivateKey(fingerprint).catch(() => null)),
  );
  const keys: PrivateKey[] = [];
  const locked: UnlockedOrganisationKeys['locked'] = [];
  for (const key of [current, ...others]) {
    if (!key) continue;
    try {
      keys.push(await unlockKey(key.privateKey, passphrase));
    } catch (error) {
      if (!(error instanceof WrongPassphrase)) throw error;
      locked.push({ fingerprint: key.fingerprint, status: key.status });
    }
  }
  if (keys.length === 0) throw new WrongPassphrase('This passphrase does not unlock the organisation key.');
  return { keys, currentPublicKey: current.publicKey, locked };
}

/** `more` added to `unlocked`: each key once, and only what neither opened still locked. */
export function mergeUnlocked(unlocked: UnlockedOrganisationKeys, more: UnlockedOrganisationKeys): UnlockedOrganisationKeys {
  const fingerprint = (key: PrivateKey) => key.getFingerprint().toUpperCase();
  const keys = [...unlocked.keys, ...more.keys.filter((key) => !unlocked.keys.some((have) => fingerprint(have) === fingerprint(key)))];
  const open = new Set(keys.map(fingerprint));
  const locked = [...unlocked.locked, ...more.locked].filter((key, i, all) => !open.has(key.fingerprint.toUpperCase()) && all.findIndex((k) => k.fingerprint === key.fingerprint) === i);
  return { keys, currentPublicKey: unlocked.currentPublicKey, locked };
}
