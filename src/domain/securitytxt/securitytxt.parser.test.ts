import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldValues, parseSecurityTxt } from './securitytxt.parser.js';
import { validateSecurityTxt } from './securitytxt.validator.js';
import { SECURITY_TXT_ERROR_CODES, SECURITY_TXT_NOTIFICATION_CODES, SECURITY_TXT_RECOMMENDATION_CODES, type SecurityTxtReport } from './securitytxt.js';

const SIGNED = [
  '-----BEGIN PGP SIGNED MESSAGE-----',
  'Hash: SHA512',
  '',
  'Contact: mailto:security@example.org',
  '- -Odd: a dash-escaped line',
  'Expires: 2026-06-01T00:00:00Z',
  '-----BEGIN PGP SIGNATURE-----',
  'Comment: made for a test',
  '',
  'wnUEARYIAB0WIQQ=',
  '=AbCd',
  '-----END PGP SIGNATURE-----',
  '',
].join('\n');

describe('parseSecurityTxt', () => {
  it('gives every field with its line, names in lower case and as written', () => {
    const parsed = parseSecurityTxt('# hello\n\nCONTACT: mailto:a@example.org\ncontact: https://example.org/report\nExpires:  2026-06-01T00:00:00Z\t \n');
    expect(parsed.fields).toEqual([
      { name: 'contact', rawName: 'CONTACT', value: 'mailto:a@example.org', line: 3 },
      { name: 'contact', rawName: 'contact', value: 'https://example.org/report', line: 4 },
      { name: 'expires', rawName: 'Expires', value: '2026-06-01T00:00:00Z', line: 5 },
    ]);
    expect(fieldValues(parsed, 'Contact')).toEqual(['mailto:a@example.org', 'https://example.org/report']);
    expect(parsed).toMatchObject({ signature: null, issues: [], lineCount: 5, truncated: false });
  });

  it('keeps a colon inside the value', () => {
    expect(parseSecurityTxt('Policy: https://example.org:8443/a:b\n').fields[0]!.value).toBe('https://example.org:8443/a:b');
  });

  it('reads a signed file: hash headers, dash-escaped text, and the signature apart from the fields', () => {
    const parsed = parseSecurityTxt(SIGNED);
    expect(parsed.issues).toEqual([]);
    expect(parsed.fields.map((f) => [f.name, f.line])).toEqual([
      ['contact', 4],
      ['-odd', 5],
      ['expires', 6],
    ]);
    expect(parsed.signature).toMatchObject({ hashes: ['SHA512'], headerLine: 1, signatureLine: 7 });
    expect(parsed.signature!.text).toBe('Contact: mailto:security@example.org\n-Odd: a dash-escaped line\nExpires: 2026-06-01T00:00:00Z');
    expect(parsed.signature!.armored).toBe(SIGNED);
  });

  it('numbers lines of CRLF files the same as LF ones', () => {
    const parsed = parseSecurityTxt(SIGNED.replace(/\n/g, '\r\n'));
    expect(parsed.issues).toEqual([]);
    expect(parsed.fields.map((f) => f.line)).toEqual([4, 5, 6]);
  });

  it('reads no further than the limit, and only whole lines', () => {
    const text = `Contact: mailto:a@example.org\n${'# filler\n'.repeat(10)}Expires: 2026-06-01T00:00:00Z\n`;
    const parsed = parseSecurityTxt(text, { maxBytes: 64 });
    expect(parsed.truncated).toBe(true);
    expect(parsed.lineCount).toBe(4);
    expect(parsed.issues.map((i) => i.code)).toEqual(['size_exceeded']);
    expect(parseSecurityTxt(new TextEncoder().encode(text), { maxBytes: 64 })).toMatchObject({ truncated: true, lineCount: 4 });
  });

  it('counts bytes, not characters, against the limit', () => {
    const text = `# ${'é'.repeat(20)}\n`; // 43 bytes, 23 characters
    expect(parseSecurityTxt(text, { maxBytes: 42 }).truncated).toBe(true);
    expect(parseSecurityTxt(text, { maxBytes: 43 }).truncated).toBe(false);
    expect(parseSecurityTxt(new TextEncoder().encode(text), { maxBytes: 42 }).truncated).toBe(true);
  });
});

describe('hostile input', () => {
  const time = (work: () => void) => {
    const started = performance.now();
    work();
    return performance.now() - started;
  };

  it('reads only the first 32 KiB of a file of many megabytes, quickly', () => {
    const bytes = new Uint8Array(64 * 1024 * 1024).fill(0x41);
    const text = 'Contact: x\n'.repeat(4 * 1024 * 1024);
    let report: SecurityTxtReport | undefined;
    expect(time(() => (report = validateSecurityTxt(bytes)))).toBeLessThan(1000);
    expect(report!.errors.map((e) => e.code)).toContain('size_exceeded');
    expect(time(() => (report = validateSecurityTxt(text)))).toBeLessThan(1000);
    expect(report!.errors.map((e) => e.code)).toContain('size_exceeded');
  });

  it('stays linear on lines built to make regular expressions backtrack', () => {
    const limit = 32 * 1024 - 2;
    for (const line of [' '.repeat(limit) + 'x', `Contact:${' '.repeat(limit - 10)}x`, `${'a'.repeat(limit - 3)}: `, `Preferred-Languages: ${'a-'.repeat(limit / 2 - 12)}`, `${'\t '.repeat(limit / 2 - 1)}#`, `wnUE${'A'.repeat(limit - 10)}!`, `Contact: tel:${'1'.repeat(limit - 20)}x`, `Contact: mailto:${'a@'.repeat(limit / 2 - 10)}`, `Contact: https://${'a.'.repeat(limit / 2 - 12)}`, `Expires: ${'2'.repeat(limit - 10)}`]) {
      expect(time(() => validateSecurityTxt(`${line}\n`)), line.slice(0, 30)).toBeLessThan(250);
      expect(time(() => validateSecurityTxt(`-----BEGIN PGP SIGNED MESSAGE-----\n\n${line}\n-----BEGIN PGP SIGNATURE-----\n\n${line}\n`)), line.slice(0, 30)).toBeLessThan(250);
    }
  });

  it('reports NUL bytes and invalid UTF-8 instead of failing', () => {
    const report = validateSecurityTxt(new Uint8Array([0x00, 0xff, 0xfe, 0x0a, 0xc3, 0x28, 0x0a]));
    expect(report.errors).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'utf8', line: 1 }), expect.objectContaining({ code: 'utf8', line: 2 }), expect.objectContaining({ code: 'invalid_line', line: 1 })]));
  });
});

describe('properties', () => {
  const CODES = new Set<string>([...SECURITY_TXT_ERROR_CODES, ...SECURITY_TXT_RECOMMENDATION_CODES, ...SECURITY_TXT_NOTIFICATION_CODES]);
  const wellFormed = (report: SecurityTxtReport, lineCount: number) => {
    expect(report.valid).toBe(report.errors.length === 0);
    for (const entry of [...report.errors, ...report.recommendations, ...report.notifications]) {
      expect(CODES.has(entry.code)).toBe(true);
      expect(typeof entry.message).toBe('string');
      if (entry.line !== null) {
        expect(entry.line).toBeGreaterThanOrEqual(1);
        expect(entry.line).toBeLessThanOrEqual(Math.max(lineCount, 1));
      }
    }
  };
  /** Lines that look like security.txt, signatures included, to reach deep into the parser. */
  const plausibleLine = fc.oneof(
    fc.constantFrom(
      'Contact: mailto:security@example.org',
      'Expires: 2030-01-01T00:00:00Z',
      'Canonical: https://example.org/.well-known/security.txt',
      'Preferred-Languages: en, fr',
      '-----BEGIN PGP SIGNED MESSAGE-----',
      'Hash: SHA256',
      '-----BEGIN PGP SIGNATURE-----',
      '-----END PGP SIGNATURE-----',
      'wnUEARYIAB0WIQQ=',
      '=AbCd',
      '- Contact: mailto:a@example.org',
      '',
      '#',
      ':',
      '\r',
    ),
    fc.string({ maxLength: 40 }),
    fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })).map(([k, v]) => `${k}: ${v}`),
  );

  it('never throws, and every finding has a known code and a line inside the file (text)', () => {
    fc.assert(
      fc.property(fc.array(plausibleLine, { maxLength: 30 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), (lines, eol, last) => {
        const text = lines.join(eol) + (last ? eol : '');
        const parsed = parseSecurityTxt(text);
        wellFormed(validateSecurityTxt(parsed), parsed.lineCount);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary strings and bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const parsed = parseSecurityTxt(text);
        wellFormed(validateSecurityTxt(parsed), parsed.lineCount);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 500 }), (bytes, maxBytes) => {
        const parsed = parseSecurityTxt(bytes, { maxBytes });
        wellFormed(validateSecurityTxt(parsed), parsed.lineCount);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the same fields whatever the line endings', () => {
    fc.assert(
      fc.property(fc.array(plausibleLine.filter((l) => !l.includes('\r') && !l.includes('\n')), { maxLength: 20 }), (lines) => {
        const lf = parseSecurityTxt(`${lines.join('\n')}\n`);
        const crlf = parseSecurityTxt(`${lines.join('\r\n')}\r\n`);
        expect(crlf.fields).toEqual(lf.fields);
      }),
      { numRuns: 1000 },
    );
  });
});
