import { readReporterPublicKey } from '../domain/incidents/incident-openpgp.js';
import { loadOpenPgp } from '../domain/keys/openpgp.js';
import { armouredBlocks } from '../shared/openpgp-armour.js';

type Parsed = Awaited<ReturnType<(typeof import('mailparser'))['simpleParser']>>;

/** Characters of one armoured public key at most. */
const MAX_KEY_BLOCK = 200_000;

/** The first public key block in `text` (found in linear time: shared/openpgp-armour.ts), or null. */
function publicKeyBlock(text: string): string | null {
  const [first] = armouredBlocks(text, 'PUBLIC KEY BLOCK');
  return first !== undefined && first.length <= MAX_KEY_BLOCK ? first : null;
}

/** Base64 of a key in an Autocrypt header: a generous bound for one key with its subkeys. */
const MAX_KEYDATA = 100_000;

/**
 * The `keydata` of the Autocrypt header (autocrypt.org, Level 1) for `sender`, as binary. A header
 * for another address, with an unknown critical attribute (one not starting with `_`), or
 * malformed, is ignored — as the specification says.
 */
function autocryptKeydata(mail: Parsed, sender: string): Uint8Array | null {
  for (const { key, line } of mail.headerLines ?? []) {
    if (key !== 'autocrypt') continue;
    const attributes = new Map<string, string>();
    for (const part of line.replace(/^autocrypt:/i, '').replace(/\r?\n[ \t]+/g, ' ').split(';')) {
      const at = part.indexOf('=');
      if (at < 0) continue;
      attributes.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
    }
    if ([...attributes.keys()].some((name) => !['addr', 'keydata', 'prefer-encrypt'].includes(name) && !name.startsWith('_'))) continue;
    if (attributes.get('addr')?.toLowerCase() !== sender) continue;
    const keydata = (attributes.get('keydata') ?? '').replace(/\s+/g, '');
    if (!keydata || keydata.length > MAX_KEYDATA || !/^[A-Za-z0-9+/]+={0,2}$/.test(keydata)) continue;
    return new Uint8Array(Buffer.from(keydata, 'base64'));
  }
  return null;
}

/**
 * The sender's public key, when the mail carries one the server can see: the Autocrypt header that
 * mail programs such as Thunderbird send with every message, a key attached in the clear
 * (`application/pgp-keys`), or a public key block in the text. Replies are then encrypted to it, so
 * the reporter can read them. A key inside the encryption cannot be seen here (staff give it on the
 * incident page instead). Returns the armoured key, or null: a key that cannot encrypt is ignored.
 */
export async function senderPublicKey(mail: Parsed, sender: string | null, now: Date): Promise<string | null> {
  const candidates: (() => Promise<string | null>)[] = [];
  // Autocrypt names the From address (a Reply-To elsewhere does not change whose key it is).
  const from = mail.from?.value[0]?.address?.trim().toLowerCase();
  if (sender && from) {
    candidates.push(async () => {
      const binaryKey = autocryptKeydata(mail, from);
      if (!binaryKey) return null;
      const openpgp = await loadOpenPgp();
      return (await openpgp.readKey({ binaryKey })).armor();
    });
  }
  for (const attachment of mail.attachments) {
    if (attachment.contentType.toLowerCase() !== 'application/pgp-keys' && !/\.asc$/i.test(attachment.filename ?? '')) continue;
    candidates.push(async () => publicKeyBlock(attachment.content.toString('latin1')));
  }
  candidates.push(async () => publicKeyBlock(mail.text ?? ''));
  for (const candidate of candidates) {
    try {
      const armoured = await candidate();
      if (armoured) return (await readReporterPublicKey(armoured, '/publicKey', now)).armor();
    } catch {
      // Not a usable key: try the next place.
    }
  }
  return null;
}
