import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { armourMessage, dearmourCanonical, inspectEncryptedMessage } from '../../../src/domain/incidents/incident-openpgp.js';
import { AppError } from '../../../src/shared/errors.js';
import { GpgHome } from '../../helpers/gpg.js';

/**
 * Armour as tools write it is decoded by a fast path (`dearmourCanonical`) and anything else line
 * by line. Whatever path a text takes, an accepted message must be the bytes that were encrypted:
 * thousands of damaged copies (a character replaced, dropped or added anywhere) are either refused
 * with a 4xx error or read as exactly the original bytes.
 */
describe('sealed message armour: fast path and line-by-line reading agree', () => {
  const gpg = new GpgHome();
  const written: { tool: string; text: string }[] = [];
  let original: Uint8Array;

  beforeAll(async () => {
    const { publicKey } = await openpgp.generateKey({ userIDs: [{ email: 'security@example.org' }], type: 'ecc', curve: 'curve25519Legacy', format: 'armored' });
    const encrypted = await openpgp.encrypt({ message: await openpgp.createMessage({ text: 'x'.repeat(2000) }), encryptionKeys: await openpgp.readKey({ armoredKey: publicKey }) });
    original = (await inspectEncryptedMessage(encrypted, '/message', 1e7)).bytes;
    written.push({ tool: 'OpenPGP.js', text: encrypted }, { tool: 'cvdesk (60-character lines)', text: armourMessage(original) });
    expect(gpg.importKey(publicKey).status).toBe(0);
    const byGnuPG = gpg.ok(['--armor', '--encrypt', '--trust-model', 'always', '-r', 'security@example.org'], 'y'.repeat(2000));
    written.push({ tool: 'GnuPG', text: byGnuPG });
  });
  afterAll(() => gpg.destroy());

  it('takes the fast path for what OpenPGP.js, GnuPG and cvdesk write, with LF or CRLF, with or without the checksum line', async () => {
    for (const { tool, text } of written) {
      const trimmed = text.trim();
      for (const variant of [trimmed, trimmed.replace(/\n/g, '\r\n'), trimmed.replace(/\n=[A-Za-z0-9+/]{4}\n/, '\n')]) {
        expect(dearmourCanonical(variant), tool).not.toBeNull();
      }
      // base64url's characters are not base64 (Node's decoder would read '-' as '+').
      const body = trimmed.indexOf('\n\n') + 2;
      const plus = trimmed.indexOf('+', body);
      expect(plus).toBeGreaterThan(0);
      await expect(inspectEncryptedMessage(`${trimmed.slice(0, plus)}-${trimmed.slice(plus + 1)}`, '/message', 1e7)).rejects.toThrow(/bad base64/);
      // With an armour header it is read line by line.
      expect(dearmourCanonical(trimmed.replace('-----\n\n', '-----\nComment: hi\n\n'))).toBeNull();
    }
  });

  it('reads every damaged copy as the original bytes or refuses it with a 4xx error', async () => {
    const alphabet = ['A', 'z', '0', '+', '/', '-', '_', '=', ' ', '\t', '\r', '\n', '!', '\u00a0', '\u000b'];
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    let accepted = 0;
    let refused = 0;
    for (const { text } of written) {
      const reference = (await inspectEncryptedMessage(text, '/message', 1e7)).bytes;
      for (let i = 0; i < 800; i++) {
        const at = random(text.length);
        const char = alphabet[random(alphabet.length)]!;
        const kind = random(3);
        const damaged = kind === 0 ? text.slice(0, at) + char + text.slice(at + 1) : kind === 1 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + char + text.slice(at);
        try {
          const { bytes } = await inspectEncryptedMessage(damaged, '/message', 1e7);
          expect(Buffer.from(bytes).equals(Buffer.from(reference)), JSON.stringify({ at, char, kind })).toBe(true);
          accepted++;
        } catch (error) {
          expect(error, JSON.stringify({ at, char, kind })).toBeInstanceOf(AppError);
          expect((error as AppError).status).toBeLessThan(500);
          refused++;
        }
      }
    }
    // Both outcomes happen: harmless changes (white space at a line's end, in the headers) and real damage.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(2000);
    expect(original.length).toBeGreaterThan(0);
  });
});
