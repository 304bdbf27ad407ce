import type { Key } from 'openpgp';
import { invalid } from '../../shared/errors.js';
import { trimTrailingBlanks, type SecurityTxtSignature } from './securitytxt.parser.js';

export type SignatureVerdict =
  | { status: 'verified'; keyId: string; fingerprint: string }
  /** The signature does not verify against any of the keys, or covers other text than was parsed. */
  | { status: 'invalid'; message: string }
  /** OpenPGP could not read the signed message at all. */
  | { status: 'malformed'; message: string };

/** OpenPGP.js is large: load it only when a signature is to be verified. */
const loadOpenpgp = () => import('openpgp');

/** One line ending and no trailing blanks, as the signature framework treats text (RFC 4880 section 7.1). */
function canonicalText(text: string): string {
  return text
    .split(/\r?\n/)
    .map(trimTrailingBlanks)
    .join('\n');
}

/** Reads armoured public keys; throws `validation_failed` naming the one that is not a key. */
export async function readVerificationKeys(armoredKeys: readonly string[]): Promise<Key[]> {
  const openpgp = await loadOpenpgp();
  const keys: Key[] = [];
  for (const [index, armored] of armoredKeys.entries()) {
    try {
      keys.push(...(await openpgp.readKeys({ armoredKeys: armored })));
    } catch (error) {
      throw invalid(`/verificationKeys/${index}`, `not an armoured OpenPGP public key: ${(error as Error).message}`);
    }
  }
  return keys;
}

/**
 * Verifies the cleartext signature of a parsed security.txt against armoured public keys. The
 * message is read by OpenPGP.js independently of cvdesk's parser, and the two readings of the
 * signed text must agree, so fields cvdesk reports as signed are the ones the signature covers.
 */
export async function verifySecurityTxtSignature(signature: SecurityTxtSignature, armoredKeys: readonly string[]): Promise<SignatureVerdict> {
  const verificationKeys = await readVerificationKeys(armoredKeys);
  const openpgp = await loadOpenpgp();
  let message: Awaited<ReturnType<typeof openpgp.readCleartextMessage>>;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: signature.armored });
  } catch (error) {
    return { status: 'malformed', message: `The signed message cannot be read: ${(error as Error).message}` };
  }
  if (canonicalText(message.getText()) !== canonicalText(signature.text)) {
    return { status: 'invalid', message: 'The text the signature covers is not the text of the file as read.' };
  }
  let results: Awaited<ReturnType<typeof openpgp.verify>>['signatures'];
  try {
    ({ signatures: results } = await openpgp.verify({ message, verificationKeys, expectSigned: false }));
  } catch (error) {
    return { status: 'invalid', message: `The signature does not verify: ${(error as Error).message}` };
  }
  const reasons: string[] = [];
  for (const result of results) {
    try {
      await result.verified;
      const key = verificationKeys.find((k) => k.getKeyIDs().some((id) => id.equals(result.keyID)));
      return { status: 'verified', keyId: result.keyID.toHex(), fingerprint: key?.getFingerprint() ?? '' };
    } catch (error) {
      reasons.push((error as Error).message);
    }
  }
  const fingerprints = verificationKeys.map((k) => k.getFingerprint().toUpperCase()).join(', ');
  return { status: 'invalid', message: `The signature does not verify against the given key${verificationKeys.length > 1 ? 's' : ''} (${fingerprints}): ${reasons.join('; ') || 'no signature found'}.` };
}
