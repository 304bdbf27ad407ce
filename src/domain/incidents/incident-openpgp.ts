import type { Key, PrivateKey } from 'openpgp';
import type { Executor } from '../../db/dialect.js';
import { AppError } from '../../shared/errors.js';
import type { KeyStatus } from '../keys/keys.table.js';
import { fingerprintOf, hasUnprotectedSecret, loadOpenPgp } from '../keys/openpgp.js';

/**
 * Checks OpenPGP text without decrypting it: cvdesk never holds a key that could. What can be
 * checked is the armour (present, complete, checksum), the packet structure (recipients, one
 * integrity-protected encrypted body, nothing in the clear beside it) and the recipients' key
 * ids. Each refusal names what is wrong, so a reporter's tool can be fixed.
 */

export interface InspectedMessage {
  /** Bytes of the armoured text as received. */
  size: number;
  /**
   * The checked bytes (binary OpenPGP): what is stored, and armoured again, without armour headers,
   * when read (incident-store.ts). The text as received is not kept: its headers are cleartext
   * beside the encryption (a `Comment:` can carry anything), and OpenPGP.js, which staff decrypt
   * with, reads armour more loosely than `dearmour` (it takes a line of a vertical tab as a header,
   * where `dearmour` sees the blank line), so it could find other bytes in the same text than the
   * ones checked here.
   */
  bytes: Uint8Array;
  /** Key ids of the recipients (16 hex digits, lower case), in packet order. */
  keyIds: string[];
}

export interface Recipient {
  keyId: string;
  fingerprint: string;
}

const BEGIN = '-----BEGIN PGP MESSAGE-----';
const END = '-----END PGP MESSAGE-----';
const WILDCARD = '0000000000000000';

/** OpenPGP packet tags (RFC 9580 §5). */
const TAG = { pkesk: 1, signature: 2, skesk: 3, onePass: 4, compressed: 8, symEncrypted: 9, marker: 10, literal: 11, seipd: 18, aead: 20, padding: 21 } as const;

const openpgpInvalid = (field: string, message: string) => new AppError('openpgp_invalid', `${field.replace(/^\//, '')}: ${message}`, [{ field, message }]);
const unknownRecipient = (field: string, message: string) => new AppError('unknown_recipient', `${field.replace(/^\//, '')}: ${message}`, [{ field, message }]);

/** CRC-24 of RFC 9580 §6.1 (the armour checksum), sliced by four: four table lookups per 32 bits. */
const CRC24_TABLES = (() => {
  const tables = [0, 1, 2, 3].map(() => new Int32Array(256));
  for (let i = 0; i < 256; i++) {
    let crc = i << 16;
    for (let bit = 0; bit < 8; bit++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
    tables[0]![i] = crc & 0xffffff;
  }
  for (let t = 1; t < 4; t++) for (let i = 0; i < 256; i++) tables[t]![i] = ((tables[t - 1]![i]! << 8) ^ tables[0]![(tables[t - 1]![i]! >> 16) & 0xff]!) & 0xffffff;
  return tables as [Int32Array, Int32Array, Int32Array, Int32Array];
})();

function crc24(bytes: Uint8Array): number {
  const [t0, t1, t2, t3] = CRC24_TABLES;
  let crc = 0xb704ce;
  let i = 0;
  for (const end = bytes.length - 3; i < end; i += 4) {
    // Four bytes at once: the register (24 bits, top byte first) meets bytes i..i+2, then i+3.
    const a = ((crc >> 16) ^ bytes[i]!) & 0xff;
    const b = ((crc >> 8) ^ bytes[i + 1]!) & 0xff;
    const c = (crc ^ bytes[i + 2]!) & 0xff;
    const d = bytes[i + 3]!;
    crc = (t3[a]! ^ t2[b]! ^ t1[c]! ^ t0[d]!) & 0xffffff;
  }
  for (; i < bytes.length; i++) crc = ((crc << 8) ^ t0[((crc >> 16) ^ bytes[i]!) & 0xff]!) & 0xffffff;
  return crc;
}

/** Characters of base64 that `n` bytes encode to, without padding. */
const base64Length = (n: number) => Math.floor(n / 3) * 4 + [0, 2, 3][n % 3]!;

/**
 * `dearmour` for armour as OpenPGP.js and GnuPG write it — no armour headers, lines of one width
 * (a multiple of 4) ending alike (LF or CRLF), canonical base64, a checksum line or none — without
 * splitting the text into lines: about a third of the time for a large message. Returns the
 * checksum-verified bytes, or null for anything else (and for any fault), which `dearmour` then
 * reads line by line and names. It accepts only what `dearmour` accepts, with the same bytes.
 * Exported for its tests.
 */
export function dearmourCanonical(text: string): Uint8Array | null {
  const eol = text.startsWith(`${BEGIN}\r\n`) ? '\r\n' : '\n';
  const bodyStart = BEGIN.length + 2 * eol.length;
  if (!text.startsWith(`${BEGIN}${eol}${eol}`) || !text.endsWith(`${eol}${END}`)) return null;
  let bodyEnd = text.length - END.length - eol.length;
  let checksum: string | undefined;
  const lastLine = text.lastIndexOf(eol, bodyEnd - 1) + eol.length;
  if (lastLine >= bodyStart && text.charCodeAt(lastLine) === 61 /* = */) {
    checksum = text.slice(lastLine + 1, bodyEnd);
    bodyEnd = lastLine - eol.length;
  }
  // Every line but the last exactly `width` characters, each followed by the same line ending.
  const width = text.indexOf(eol, bodyStart) - bodyStart;
  if (width <= 0 || width % 4 !== 0 || bodyEnd <= bodyStart) return null;
  const stride = width + eol.length;
  const lines = Math.ceil((bodyEnd - bodyStart) / stride);
  for (let line = 1; line < lines; line++) if (!text.startsWith(eol, bodyStart + line * stride - eol.length)) return null;
  const data = bodyEnd - bodyStart - (lines - 1) * eol.length;
  if (data <= 0 || data - (lines - 1) * width > width) return null;
  const body = text.slice(bodyStart, bodyEnd);
  // Node's decoder skips what is not base64 (counted below) but also reads base64url's - and _.
  if (body.includes('-') || body.includes('_')) return null;
  let padding = 0;
  while (padding < 2 && body.charCodeAt(body.length - 1 - padding) === 61) padding++;
  const firstPad = body.indexOf('=');
  if (firstPad >= 0 && firstPad !== body.length - padding) return null;
  const bytes = Buffer.from(body, 'base64');
  // Every character but the line endings decoded: nothing was skipped.
  if (base64Length(bytes.length) !== data - padding) return null;
  // Canonical: the last group's unused bits are zero (it encodes back to the same characters).
  const tail = bytes.subarray(bytes.length - (bytes.length % 3 || 3)).toString('base64').replace(/=+$/, '');
  if (!body.endsWith(tail, body.length - padding)) return null;
  if (checksum !== undefined && (!/^[A-Za-z0-9+/]{4}$/.test(checksum) || Buffer.from(checksum, 'base64').readUIntBE(0, 3) !== crc24(bytes))) return null;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * The bytes inside one `PGP MESSAGE` armour block (`text` starts with its BEGIN line and ends with
 * its END line). As strict as OpenPGP.js — the blank line after the armour headers, base64 only —
 * and stricter in one way: a checksum line (`=XXXX`, which GnuPG and OpenPGP.js write) must match
 * the data, which OpenPGP.js 6 no longer checks. Node's native base64 does the decoding; the data
 * must be canonical base64 (re-encoding it gives the same text), which refuses any other character.
 */
function dearmour(text: string, field: string): Uint8Array {
  const canonical = dearmourCanonical(text);
  if (canonical) return canonical;
  const lines = text.split('\n').map((line) => line.trimEnd());
  if (lines[0] !== BEGIN) throw openpgpInvalid(field, 'is not valid OpenPGP armour (text after the -----BEGIN PGP MESSAGE----- line)');
  const last = lines.length - 1;
  // The END line alone: text in front of it would be neither checked nor decrypted.
  if (lines[last] !== END) throw openpgpInvalid(field, 'is not valid OpenPGP armour (text on the -----END PGP MESSAGE----- line)');
  let line = 1;
  while (line < last && lines[line] !== '') line++;
  if (line >= last) throw openpgpInvalid(field, 'is not valid OpenPGP armour (no blank line after the armour headers)');
  const body = lines.slice(line + 1, last).filter((l) => l !== '');
  const checksum = body.length > 0 && body[body.length - 1]!.startsWith('=') ? body.pop()!.slice(1) : undefined;
  const data = body.join('');
  const padding = data.indexOf('=');
  // Padding before the end: lines are missing or out of order.
  if (padding >= 0 && !/^={1,2}$/.test(data.slice(padding))) throw openpgpInvalid(field, 'is damaged: its data is cut or altered (base64 padding before the end)');
  const bytes = Buffer.from(data, 'base64');
  const unpadded = padding >= 0 ? data.slice(0, padding) : data;
  const encoded = bytes.toString('base64');
  let end = encoded.length;
  while (end > 0 && encoded.charCodeAt(end - 1) === 61 /* = */) end--;
  if (end !== unpadded.length || encoded.slice(0, end) !== unpadded) {
    throw openpgpInvalid(field, 'is not valid OpenPGP armour (bad base64 or armour headers)');
  }
  if (checksum !== undefined) {
    if (!/^[A-Za-z0-9+/]{4}$/.test(checksum)) throw openpgpInvalid(field, 'is not valid OpenPGP armour (bad checksum line)');
    if (Buffer.from(checksum, 'base64').readUIntBE(0, 3) !== crc24(bytes)) {
      throw openpgpInvalid(field, 'is damaged: its armour checksum does not match (truncated or altered on the way)');
    }
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** `bytes` as a `PGP MESSAGE` armour block as OpenPGP.js writes it: no headers, 60-character lines, the checksum line. */
export function armourMessage(bytes: Uint8Array): string {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
  const crc = crc24(bytes);
  const checksum = Buffer.from([crc >> 16, (crc >> 8) & 0xff, crc & 0xff]).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += 60) lines.push(data.slice(i, i + 60));
  return `${BEGIN}\n\n${lines.join('\n')}\n=${checksum}\n${END}\n`;
}

/** What kind of armoured block `text` starts with, for a message that says what was sent instead. */
function armourKind(text: string): string | undefined {
  return /^-----BEGIN PGP ([A-Z ,/0-9]+)-----/.exec(text)?.[1];
}

/**
 * The armoured text must be exactly one `PGP MESSAGE` block (surrounding white space aside),
 * readable by OpenPGP.js, holding recipients (public-key encrypted session keys) and one
 * integrity-protected encrypted data packet. Throws openpgp_invalid (400) or payload_too_large
 * (413) naming `field`; never anything that depends on the plaintext.
 */
export async function inspectEncryptedMessage(text: unknown, field: string, maxBytes: number): Promise<InspectedMessage> {
  if (typeof text !== 'string' || text.trim() === '') throw openpgpInvalid(field, 'is required: an armoured OpenPGP message');
  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxBytes) {
    throw new AppError('payload_too_large', `${field.replace(/^\//, '')}: is ${size} bytes; at most ${maxBytes} are accepted`, [{ field, message: `at most ${maxBytes} bytes` }]);
  }
  const trimmed = text.trim();
  const kind = armourKind(trimmed);
  if (kind === 'SIGNED MESSAGE') {
    throw openpgpInvalid(field, 'is a cleartext-signed message, readable by anyone: encrypt it to the organisation key instead (gpg --encrypt --armor)');
  }
  if (kind && kind !== 'MESSAGE') throw openpgpInvalid(field, `is a PGP ${kind.toLowerCase()}, not an encrypted message (-----BEGIN PGP MESSAGE-----)`);
  if (!kind) {
    if (trimmed.includes(BEGIN)) throw openpgpInvalid(field, 'has text before the armour: send only the -----BEGIN PGP MESSAGE----- block');
    throw openpgpInvalid(field, 'is not an armoured OpenPGP message (it must start with -----BEGIN PGP MESSAGE-----)');
  }
  const end = trimmed.indexOf(END);
  if (end < 0) throw openpgpInvalid(field, 'is truncated: the armour has no -----END PGP MESSAGE----- line');
  if (end + END.length !== trimmed.length) throw openpgpInvalid(field, 'has text after the armour, or more than one message: send exactly one -----BEGIN PGP MESSAGE----- block');

  const binaryMessage = dearmour(trimmed, field);
  const openpgp = await loadOpenPgp();
  let packets: { constructor: unknown }[];
  let keyIds: string[];
  try {
    const message = await openpgp.readMessage({ binaryMessage });
    packets = [...message.packets] as { constructor: unknown }[];
    keyIds = message.getEncryptionKeyIDs().map((id) => id.toHex().toLowerCase());
  } catch (error) {
    const reason = (error as Error).message ?? String(error);
    if (/integrity check|checksum/i.test(reason)) throw openpgpInvalid(field, 'is damaged: its armour checksum does not match (truncated or altered on the way)');
    if (/unexpected end|end of (packet|stream|input)/i.test(reason)) throw openpgpInvalid(field, 'is truncated: it ends inside an OpenPGP packet');
    if (/misformed armored text|armor/i.test(reason)) throw openpgpInvalid(field, 'is not valid OpenPGP armour (bad base64 or armour headers)');
    throw openpgpInvalid(field, `cannot be read as an OpenPGP message: ${reason.slice(0, 200)}`);
  }
  const tags = packets.map((packet) => (packet.constructor as { tag?: number }).tag ?? -1);
  const encrypted = tags.filter((tag) => tag === TAG.seipd || tag === TAG.aead);
  if (tags.includes(TAG.symEncrypted)) {
    throw openpgpInvalid(field, 'has no integrity protection (a legacy Symmetrically Encrypted Data packet): encrypt it again with a current OpenPGP tool');
  }
  if (encrypted.length === 0) {
    if (tags.some((tag) => tag === TAG.signature || tag === TAG.onePass)) throw openpgpInvalid(field, 'is signed but not encrypted: anyone could read it; encrypt it to the organisation key');
    if (tags.some((tag) => tag === TAG.literal || tag === TAG.compressed)) throw openpgpInvalid(field, 'is not encrypted: anyone could read it; encrypt it to the organisation key');
    throw openpgpInvalid(field, 'holds no encrypted data');
  }
  if (encrypted.length > 1) throw openpgpInvalid(field, 'holds more than one encrypted body: send one message');
  const last = tags[tags.length - 1];
  if (last !== TAG.seipd && last !== TAG.aead && last !== TAG.padding) throw openpgpInvalid(field, 'has packets after its encrypted body');
  const allowed = new Set<number>([TAG.pkesk, TAG.skesk, TAG.marker, TAG.seipd, TAG.aead, TAG.padding]);
  if (tags.some((tag) => !allowed.has(tag))) throw openpgpInvalid(field, 'holds packets outside its encryption (signatures or data in the clear)');
  if (!tags.includes(TAG.pkesk)) {
    if (tags.includes(TAG.skesk)) throw openpgpInvalid(field, "is encrypted with a password, not to a key: encrypt it to the organisation key (gpg --encrypt, not --symmetric)");
    throw openpgpInvalid(field, 'names no recipient');
  }
  return { size, keyIds, bytes: binaryMessage };
}

interface KnownKey {
  fingerprint: string;
  status: KeyStatus;
}

/** Key ids (primary and subkeys) of each organisation key, parsed once per key. */
const keyIdsByFingerprint = new Map<string, string[]>();

async function keyIdsOf(fingerprint: string, armoredKey: string): Promise<string[]> {
  const cached = keyIdsByFingerprint.get(fingerprint);
  if (cached) return cached;
  const openpgp = await loadOpenPgp();
  const key = await openpgp.readKey({ armoredKey });
  const ids = key.getKeys().map((k) => k.getKeyID().toHex().toLowerCase());
  keyIdsByFingerprint.set(fingerprint, ids);
  return ids;
}

/** Every key id of every organisation key, with its key's fingerprint and status. */
export async function organisationKeyIds(db: Executor): Promise<Map<string, KnownKey>> {
  const rows = await db.selectFrom('openpgp_keys').select(['fingerprint', 'status', 'public_key']).execute();
  const map = new Map<string, KnownKey>();
  for (const row of rows) for (const id of await keyIdsOf(row.fingerprint, row.public_key)) map.set(id, { fingerprint: row.fingerprint, status: row.status });
  return map;
}

/**
 * The organisation keys (current or previous) a message is encrypted to. A message for none of
 * them is refused (422 unknown_recipient): cvdesk could never decrypt it. A message only for a
 * revoked key is refused too — the reporter holds a stale key, and the revocation may mean the
 * key is compromised.
 */
export async function organisationRecipients(db: Executor, inspected: InspectedMessage, field: string): Promise<Recipient[]> {
  const known = await organisationKeyIds(db);
  const matches = inspected.keyIds.map((keyId) => ({ keyId, key: known.get(keyId) }));
  const usable = matches.filter((m) => m.key && m.key.status !== 'revoked').map((m) => ({ keyId: m.keyId, fingerprint: m.key!.fingerprint }));
  if (usable.length > 0) return [...new Map(usable.map((r) => [r.keyId, r])).values()];
  const revoked = matches.find((m) => m.key?.status === 'revoked');
  if (revoked) throw unknownRecipient(field, `is encrypted to a revoked organisation key (${revoked.key!.fingerprint}): fetch /pgp-key.txt again and encrypt to the current key`);
  if (inspected.keyIds.every((id) => id === WILDCARD)) {
    throw unknownRecipient(field, 'is encrypted to a hidden recipient (wildcard key id, e.g. gpg --throw-keyids): cvdesk cannot tell it is for the organisation key; encrypt without hiding the recipient');
  }
  if (known.size === 0) throw unknownRecipient(field, 'is encrypted to an unknown key: the organisation has no OpenPGP key yet');
  throw unknownRecipient(field, `is encrypted to an unknown key (key id ${inspected.keyIds.filter((id) => id !== WILDCARD).join(', ')}): not to a current or previous key of the organisation; fetch /pgp-key.txt and encrypt to the key there`);
}

const KEY_MAX_BYTES = 100_000;

/** Can encrypt now — or within a day, for a key made on a machine whose clock runs ahead. */
async function canEncrypt(key: Key, now: Date): Promise<boolean> {
  for (const date of [now, new Date(now.getTime() + 86_400_000)]) {
    try {
      await key.getEncryptionKey(undefined, date);
      return true;
    } catch {
      // Try the next date.
    }
  }
  return false;
}

/** The reporter's public key, for encrypted replies: one armoured public key that can encrypt now. */
export async function readReporterPublicKey(text: string, field: string, now: Date): Promise<Key> {
  const armored = text.trim();
  if (Buffer.byteLength(armored) > KEY_MAX_BYTES) throw openpgpInvalid(field, `is too large for one key (at most ${KEY_MAX_BYTES} bytes)`);
  if (/^-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(armored)) throw openpgpInvalid(field, 'is a private key: give only your public key (it was not stored)');
  if (!/^-----BEGIN PGP PUBLIC KEY BLOCK-----/.test(armored)) throw openpgpInvalid(field, 'is not an armoured OpenPGP public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)');
  // OpenPGP.js reads the first block and ignores what follows: a second block would be dropped unseen.
  const blocks = armored.split('-----BEGIN PGP').length - 1;
  if (blocks > 1) throw openpgpInvalid(field, `holds ${blocks} armoured blocks; give one public key`);
  if (!armored.endsWith('-----END PGP PUBLIC KEY BLOCK-----')) throw openpgpInvalid(field, 'has text after the -----END PGP PUBLIC KEY BLOCK----- line, or no such line');
  const openpgp = await loadOpenPgp();
  let keys: Key[];
  try {
    keys = await openpgp.readKeys({ armoredKeys: armored });
  } catch (error) {
    throw openpgpInvalid(field, `cannot be read: ${((error as Error).message ?? '').slice(0, 200)}`);
  }
  if (keys.length !== 1) throw openpgpInvalid(field, `holds ${keys.length} keys; give one`);
  const key = keys[0]!;
  if (!(await canEncrypt(key, now))) throw openpgpInvalid(field, 'has no valid encryption key (expired, revoked, signing only, or its subkey signatures do not verify)');
  return key;
}

/**
 * A reply key: the reporter's private key, protected by a passphrase (the /report page uses the
 * receipt code), so it can be kept here for a reporter who has no key of their own. An
 * unprotected private key is refused and not stored.
 */
export async function readProtectedReplyKey(text: string, field: string, now: Date): Promise<PrivateKey> {
  const armored = text.trim();
  if (Buffer.byteLength(armored) > KEY_MAX_BYTES) throw openpgpInvalid(field, `is too large for one key (at most ${KEY_MAX_BYTES} bytes)`);
  if (!/^-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(armored)) throw openpgpInvalid(field, 'is not an armoured OpenPGP private key (-----BEGIN PGP PRIVATE KEY BLOCK-----)');
  const openpgp = await loadOpenPgp();
  let key: PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey: armored });
  } catch (error) {
    throw openpgpInvalid(field, `cannot be read: ${((error as Error).message ?? '').slice(0, 200)}`);
  }
  if (hasUnprotectedSecret(key)) throw openpgpInvalid(field, 'is not protected by a passphrase: protect it (the /report page uses the receipt code) before sending it; it was not stored');
  if (!(await canEncrypt(key, now))) throw openpgpInvalid(field, 'has no valid encryption key');
  return key;
}

/** Key ids (lower-case hex) of every key in `key`. */
export function keyIdsOfKey(key: Key): string[] {
  return key.getKeys().map((k) => k.getKeyID().toHex().toLowerCase());
}

export { fingerprintOf };
