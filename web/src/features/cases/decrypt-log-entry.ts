import type { PrivateKey } from 'openpgp';
import { looksLikeMimeEntity, readMimeEntity, type MimeContent } from '../../lib/mime';
import { decryptBytesWith, DEFAULT_MAX_DECOMPRESSED_BYTES } from '../../lib/openpgp';
import { armouredMessages, outsideArmour } from '../../shared/server';

/**
 * An encrypted contact-log entry (a vendor's reply encrypted to the organisation key, inline or
 * PGP/MIME) decrypted in the page. The result lives in this page's memory only and is shown as
 * text; attachments only ever become downloads.
 */
export type DecryptedPart =
  /** A MIME entity (PGP/MIME): its text parts and attachments. */
  | ({ kind: 'mime' } & MimeContent)
  | { kind: 'text'; text: string }
  /** None of the unlocked keys decrypts this part. */
  | { kind: 'sealed' };

export interface DecryptedEntry {
  /** What the entry holds outside its armour: sent in the clear beside the encrypted parts. */
  clearText: string;
  parts: DecryptedPart[];
}

/**
 * What one decrypted part may decompress to. The server keeps at most 10 MB of armour per reply
 * (CASE_LIMITS.replyArmour), about 7.5 MB of ciphertext: this leaves room for text that
 * compresses well, not for a compression bomb.
 */
export const MAX_DECOMPRESSED_BYTES = DEFAULT_MAX_DECOMPRESSED_BYTES;

function readPlaintext(bytes: Uint8Array): DecryptedPart {
  const text = new TextDecoder().decode(bytes);
  return looksLikeMimeEntity(text) ? { kind: 'mime', ...readMimeEntity(bytes) } : { kind: 'text', text: text.replace(/\r\n?/g, '\n') };
}

/** Decrypts every armoured message in `body`; null when the keys decrypt none of them. */
export async function decryptLogEntry(keys: readonly PrivateKey[], body: string): Promise<DecryptedEntry | null> {
  const parts = await Promise.all(
    armouredMessages(body).map(async (armoured): Promise<DecryptedPart> => {
      const bytes = await decryptBytesWith(keys, armoured, { maxDecompressedBytes: MAX_DECOMPRESSED_BYTES });
      return bytes === null ? { kind: 'sealed' } : readPlaintext(bytes);
    }),
  );
  if (!parts.some((part) => part.kind !== 'sealed')) return null;
  return { clearText: outsideArmour(body).trim(), parts };
}
