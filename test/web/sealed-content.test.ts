import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, PlaintextTooLarge, decryptBytesWith } from '../../web/src/lib/openpgp.js';

// sealed.ts imports as the web bundler does (no file extensions), which the server's type check
// refuses: it is loaded by a path the type checker does not follow (vitest resolves it).
const SEALED = '../../web/src/features/incidents/sealed';
interface SealedModule {
  readContent(bytes: Uint8Array): { kind: string } & Record<string, unknown>;
}
const { readContent } = (await import(SEALED)) as SealedModule;

/**
 * What a decrypted sealed-incident message is read as (web/src/features/incidents/sealed.ts
 * `readContent`): the web form's JSON packages exactly as before, a mailed-in PGP/MIME entity as
 * its text parts and attachments (lib/mime.ts), anything else as text.
 */
const utf8 = (text: string) => new TextEncoder().encode(text);
const crlf = (lines: string[]) => lines.join('\r\n');

describe('reading a decrypted sealed-incident message', () => {
  it('reads the web form’s packages by their format, even when a field quotes MIME headers', () => {
    const fields = { title: 'Header injection', description: 'Content-Type: text/html\r\n\r\n<b>x</b>' };
    const files = [{ name: 'poc.txt', type: 'text/plain', size: 3, data: 'YWJj' }];
    const incident = JSON.stringify({ format: 'cvdesk-incident/1', createdAt: '2026-11-28T05:00:00.000Z', fields, files });
    expect(readContent(utf8(incident))).toEqual({ kind: 'incident', fields: Object.entries(fields), files, createdAt: '2026-11-28T05:00:00.000Z' });
    const reply = JSON.stringify({ format: 'cvdesk-reply/1', text: 'Content-Type: text/plain\n\nthanks', files: [] });
    expect(readContent(utf8(reply))).toEqual({ kind: 'reply', text: 'Content-Type: text/plain\n\nthanks', files: [] });
    expect(readContent(utf8('{"format":"something else"}'))).toEqual({ kind: 'text', text: '{"format":"something else"}' });
  });

  it('reads a PGP/MIME entity from its bytes: text parts in their charset, attachments byte for byte, HTML only as an attachment', () => {
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const entity = Buffer.concat([
      Buffer.from(
        crlf([
          'Content-Type: multipart/mixed; boundary="outer"',
          'Subject: =?utf-8?Q?Caf=C3=A9?= bug',
          '',
          '--outer',
          'Content-Type: text/plain; charset=iso-8859-1',
          'Content-Transfer-Encoding: 8bit',
          '',
          '',
        ]),
        'latin1',
      ),
      Buffer.from('caf\u00e9 <script>alert(1)</script>', 'latin1'),
      Buffer.from(
        crlf([
          '',
          '--outer',
          'Content-Type: text/html',
          '',
          '<img src=x onerror=alert(1)>',
          '--outer',
          'Content-Type: application/octet-stream',
          'Content-Disposition: attachment; filename="dump.bin"',
          'Content-Transfer-Encoding: base64',
          '',
          binary.toString('base64'),
          '--outer--',
          '',
        ]),
      ),
    ]);
    const content = readContent(new Uint8Array(entity));
    expect(content.kind).toBe('mime');
    expect(content.subject).toBe('Café bug');
    expect(content.texts).toEqual(['café <script>alert(1)</script>']);
    expect(content.truncated).toBe(false);
    const attachments = content.attachments as { name: string; type: string; bytes: Uint8Array }[];
    expect(attachments.map((a) => [a.name, a.type])).toEqual([
      ['part-1.html', 'text/html'],
      ['dump.bin', 'application/octet-stream'],
    ]);
    expect(Buffer.from(attachments[1]!.bytes).equals(binary)).toBe(true);
  });

  it('reads plain text (inline PGP) as text, a header quoted after a blank line included', () => {
    const text = 'Title: XSS\n\nThe upload answers with\nContent-Type: text/html\n';
    expect(readContent(utf8(text))).toEqual({ kind: 'text', text });
    // Not UTF-8: decoded as before, with replacement characters.
    expect(readContent(new Uint8Array([0x68, 0x69, 0xff]))).toEqual({ kind: 'text', text: 'hi\ufffd' });
  });

  it('decrypts the bytes with the 64 MB bound the incident page relies on', async () => {
    const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'org@cvdesk.example' }], format: 'object' });
    const compressed = async (bytes: Uint8Array) =>
      openpgp.encrypt({ message: await openpgp.createMessage({ binary: bytes }), encryptionKeys: publicKey, config: { preferredCompressionAlgorithm: openpgp.enums.compression.zlib } });
    await expect(decryptBytesWith([privateKey], await compressed(new Uint8Array(DEFAULT_MAX_DECOMPRESSED_BYTES + 1024 * 1024)))).rejects.toThrow(PlaintextTooLarge);
    const mime = utf8(crlf(['Content-Type: text/plain; charset=utf-8', '', 'a mailed report']));
    const bytes = await decryptBytesWith([privateKey], await compressed(mime));
    expect(readContent(bytes!)).toMatchObject({ kind: 'mime', subject: null, texts: ['a mailed report'], attachments: [] });
  });
});
