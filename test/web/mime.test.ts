import { describe, expect, it } from 'vitest';
import { looksLikeMimeEntity, readMimeEntity } from '../../web/src/lib/mime.js';

/**
 * The page's reader of decrypted PGP/MIME bodies (web/src/lib/mime.ts): hostile input, so what
 * it returns must be right for what mail clients send and bounded for what they should not.
 * (The round trip through GnuPG and the mail intake is in test/server/cases-encrypted-replies.)
 */
const bytes = (lines: string[], encoding: BufferEncoding = 'utf8') => new Uint8Array(Buffer.from(lines.join('\r\n'), encoding));

describe('reading a decrypted MIME entity', () => {
  it('tells a MIME entity from plain text', () => {
    expect(looksLikeMimeEntity('Content-Type: text/plain\r\n\r\nhi')).toBe(true);
    expect(looksLikeMimeEntity('Hello,\nContent-Type: is a header name')).toBe(false);
    expect(looksLikeMimeEntity('Subject: x\nno content type\n')).toBe(false);
  });

  it('looks for Content-Type in the header block only, folded headers included', () => {
    // A plain-text report that quotes a header in its body is not MIME.
    expect(looksLikeMimeEntity('Title: XSS in the upload\n\nThe server answers with\nContent-Type: text/html\n')).toBe(false);
    expect(looksLikeMimeEntity('Subject: x\r\nContent-Type: multipart/mixed;\r\n boundary="b"\r\n\r\n--b\r\n')).toBe(true);
    expect(looksLikeMimeEntity('Content-Type: text/plain\r\n')).toBe(true);
    expect(looksLikeMimeEntity(' Content-Type: text/plain\n\nindented first line')).toBe(false);
    expect(looksLikeMimeEntity('Content-Type: text/plain\nnot a header\n\nbody')).toBe(false);
    expect(looksLikeMimeEntity('\n\nContent-Type: text/plain')).toBe(false);
  });

  it('keeps the plain text of an alternative and drops its HTML; reads charsets and quoted-printable', () => {
    const mime = readMimeEntity(
      bytes(
        [
          'Content-Type: multipart/alternative; boundary="=_Part+1.2(x)"',
          'Subject: =?utf-8?Q?Caf=C3=A9?= =?utf-8?B?IG9r?=',
          '',
          '--=_Part+1.2(x)',
          'Content-Type: text/plain; charset=iso-8859-1',
          'Content-Transfer-Encoding: quoted-printable',
          '',
          'caf=E9 au lait, a soft=',
          ' break',
          '--=_Part+1.2(x)',
          'Content-Type: text/html',
          '',
          '<b>caf\u00e9</b>',
          '--=_Part+1.2(x)--',
        ],
        'latin1',
      ),
    );
    expect(mime).toEqual({ subject: 'Café ok', texts: ['café au lait, a soft break'], attachments: [], truncated: false });
  });

  it('names attachments from RFC 2231 and RFC 2047 parameters, and numbers unnamed parts; HTML alone is an attachment', () => {
    const mime = readMimeEntity(
      bytes([
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: application/octet-stream',
        "Content-Disposition: attachment; filename*0*=utf-8''%E2%82%AC; filename*1*=%20rates.txt",
        'Content-Transfer-Encoding: base64',
        '',
        'AAEC/w==',
        '--b',
        'Content-Type: image/png; name="=?iso-8859-1?Q?r=E9sum=E9.png?="',
        '',
        'png',
        '--b',
        'Content-Type: text/html',
        '',
        '<script>x</script>',
        '--b',
        'Content-Type: application/pgp-signature',
        '',
        'sig',
        // No closing delimiter: what follows the last one is still read.
      ]),
    );
    expect(mime.texts).toEqual([]);
    expect(mime.attachments.map((a) => [a.name, a.type, Array.from(a.bytes)])).toEqual([
      ['€ rates.txt', 'application/octet-stream', [0, 1, 2, 255]],
      ['résumé.png', 'image/png', [...Buffer.from('png')]],
      ['part-3.html', 'text/html', [...Buffer.from('<script>x</script>')]],
      ['part-4.asc', 'application/pgp-signature', [...Buffer.from('sig')]],
    ]);
  });

  it('stops at its depth bound and says so', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20; i++) lines.push(`Content-Type: multipart/mixed; boundary=b${i}`, '', `--b${i}`);
    lines.push('Content-Type: text/plain', '', 'deep');
    const mime = readMimeEntity(bytes(lines));
    expect(mime.truncated).toBe(true);
    expect(mime.texts).toEqual([]);
  });

  it('reads a single text part with \n line breaks', () => {
    expect(readMimeEntity(bytes(['Content-Type: text/plain; charset="utf-8"', '', 'line one', 'line two'])).texts).toEqual(['line one\nline two']);
  });
});
