import type { PrivateKey } from 'openpgp';

/**
 * OpenPGP.js in the page: loaded on first use, as its own chunk, so the main bundle does not
 * carry it. Unlocked keys and plaintext live only in this page's memory: nothing here sends
 * anything anywhere. Used by sealed incidents and by encrypted replies in a case's contact log.
 */

type OpenPgp = typeof import('openpgp');
let loading: Promise<OpenPgp> | undefined;

export function loadOpenPgp(): Promise<OpenPgp> {
  loading ??= import('openpgp');
  return loading;
}

export class WrongPassphrase extends Error {}

/** Unlocks an armoured, passphrase-protected private key here, in memory. */
export async function unlockKey(armoredKey: string, passphrase: string): Promise<PrivateKey> {
  const openpgp = await loadOpenPgp();
  const privateKey = await openpgp.readPrivateKey({ armoredKey });
  if (privateKey.isDecrypted()) return privateKey;
  try {
    return await openpgp.decryptKey({ privateKey, passphrase });
  } catch {
    throw new WrongPassphrase('This passphrase does not unlock the key.');
  }
}

/** A compressed message that decompresses to more than the caller allows: a compression bomb, most likely. */
export class PlaintextTooLarge extends Error {}

/** What a message may decompress to in this tab unless a caller says otherwise (GnuPG opens larger ones). */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/**
 * The plaintext's bytes, or null when none of `keys` can decrypt the message. Bytes, not text:
 * a mailed-in PGP/MIME body is a MIME entity whose parts may be in any charset.
 * `maxDecompressedBytes` bounds what a compressed message may grow to (OpenPGP.js allows any size
 * by default: a few hundred kilobytes of zeros compressed fill this tab's memory); beyond it,
 * PlaintextTooLarge. Every message is bounded: sealed reports come from anyone.
 */
export async function decryptBytesWith(keys: readonly PrivateKey[], armoredMessage: string, options: { maxDecompressedBytes?: number } = {}): Promise<Uint8Array | null> {
  if (keys.length === 0) return null;
  const openpgp = await loadOpenPgp();
  const limit = options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  try {
    const message = await openpgp.readMessage({ armoredMessage });
    const { data } = await openpgp.decrypt({ message, decryptionKeys: [...keys], format: 'binary', config: { maxDecompressedMessageSize: limit } });
    return data;
  } catch (error) {
    if (error instanceof Error && /maximum decompressed (message )?size exceeded/i.test(error.message)) {
      throw new PlaintextTooLarge(`The message decompresses to more than ${Math.round(limit / 1024 / 1024)} MB: it is not opened here.`);
    }
    return null;
  }
}
