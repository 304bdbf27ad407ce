import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { makeGnupg } from '../../../test/cli/securitytxt.support.js';
import { parseRfc3339 } from './date-time.js';
import { isLanguageTag } from './language-tag.js';
import { checkSecurityTxt, validateSecurityTxt, type SecurityTxtValidationOptions } from './securitytxt.validator.js';
import type { SecurityTxtCode, SecurityTxtReport } from './securitytxt.js';

const now = new Date('2026-03-01T00:00:00Z');
const EXPIRES = 'Expires: 2026-06-01T00:00:00Z';
const CONTACT = 'Contact: mailto:security@example.org';
const file = (...lines: string[]) => `${lines.join('\n')}\n`;
const codes = (entries: { code: string }[]) => entries.map((e) => e.code);
const all = (report: SecurityTxtReport) => [...report.errors, ...report.recommendations, ...report.notifications];

const VALID = file(
  '# security.txt for example.org',
  'Contact: mailto:security@example.org',
  'Contact: https://example.org/security',
  'Contact: tel:+1-201-555-0123',
  EXPIRES,
  'Encryption: https://example.org/pgp-key.txt',
  'Encryption: openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f',
  'Encryption: dns:5d2d37ab76d47d36._openpgpkey.example.com?type=OPENPGPKEY',
  'Acknowledgments: https://example.org/hall-of-fame',
  'Preferred-Languages: en, de-CH, zh-Hant-TW',
  'Canonical: https://example.org/.well-known/security.txt',
  'Policy: https://example.org/policy',
  'Hiring: https://example.org/jobs',
  'CSAF: https://example.org/.well-known/csaf/provider-metadata.json',
);

describe('a valid security.txt', () => {
  it('has no errors and no notifications; only the recommendation to sign it', () => {
    const report = validateSecurityTxt(VALID, { now });
    expect(report).toEqual({ valid: true, errors: [], recommendations: [expect.objectContaining({ code: 'not_signed', line: null })], notifications: [] });
  });

  it('takes mailto: with several addresses and header fields, and tel: with visual separators', () => {
    const report = validateSecurityTxt(file('Contact: mailto:a@example.org,b@example.org?subject=Security%20report', 'Contact: tel:+44-20-7946-0000', EXPIRES), { now });
    expect(report.errors).toEqual([]);
  });

  it('needs no more than one Contact and one Expires', () => {
    const report = validateSecurityTxt(file(CONTACT, EXPIRES), { now });
    expect(report.valid).toBe(true);
    expect(codes(report.recommendations)).toEqual(['no_encryption', 'not_signed']);
  });

  it('reads field names in any case, comments, blank lines, CRLF, trailing blanks and an empty file part', () => {
    const text = ['# comment', '', 'CONTACT: https://example.org/report  ', 'expires: 2026-06-01t00:00:00z', 'pReFeRrEd-LaNgUaGeS: EN', '#'].join('\r\n') + '\r\n';
    const report = validateSecurityTxt(text, { now });
    expect(report.errors).toEqual([]);
    expect(report.notifications).toEqual([]);
  });

  it('accepts the same file as bytes', () => {
    expect(validateSecurityTxt(new TextEncoder().encode(VALID), { now }).valid).toBe(true);
  });

  it('matches Canonical against the URL it was read from, or either end of a redirect chain', () => {
    const url = 'https://example.org/.well-known/security.txt';
    expect(validateSecurityTxt(VALID, { now, url }).valid).toBe(true);
    expect(validateSecurityTxt(VALID, { now, url: ['https://www.example.org/.well-known/security.txt', url] }).valid).toBe(true);
    expect(validateSecurityTxt(VALID, { now, url: 'HTTPS://EXAMPLE.ORG:443/.well-known/security.txt' }).valid).toBe(true);
  });
});

/** One fixture per code: the text, and where the finding must be. */
const FIXTURES: [SecurityTxtCode, number | null, string | Uint8Array, SecurityTxtValidationOptions?][] = [
  ['utf8', 2, new Uint8Array([...new TextEncoder().encode(`${CONTACT}\n# caf`), 0xe9, ...new TextEncoder().encode(`\n${EXPIRES}\n`)])],
  ['utf8', 1, new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(file(CONTACT, EXPIRES))])],
  ['utf8', 3, file(CONTACT, EXPIRES, '# \uD800 lone surrogate')],
  ['no_expire', null, file(CONTACT)],
  ['multi_expire', 3, file(CONTACT, EXPIRES, 'Expires: 2026-05-01T00:00:00Z')],
  ['invalid_expiry', 2, file(CONTACT, 'Expires: 2026-06-01')],
  ['invalid_expiry', 2, file(CONTACT, 'Expires: Mon, 01 Jun 2026 00:00:00 GMT')],
  ['invalid_expiry', 2, file(CONTACT, 'Expires: 2026-06-01 00:00:00Z')],
  ['invalid_expiry', 2, file(CONTACT, 'Expires: 2026-02-29T00:00:00Z')],
  ['invalid_expiry', 2, file(CONTACT, 'Expires: 2026-06-01T24:00:00Z')],
  ['invalid_expiry', 2, file(CONTACT, 'Expires: 2026-06-01T00:00:00')],
  ['expired', 2, file(CONTACT, 'Expires: 2026-02-28T23:59:59Z')],
  ['expired', 2, file(CONTACT, 'Expires: 2026-03-01T01:00:00+02:00')],
  ['no_contact', null, file(EXPIRES)],
  ['no_canonical_match', null, file(CONTACT, EXPIRES, 'Canonical: https://example.org/.well-known/security.txt'), { url: 'https://example.com/.well-known/security.txt' }],
  ['multi_lang', 4, file(CONTACT, EXPIRES, 'Preferred-Languages: en', 'Preferred-Languages: fr')],
  ['invalid_lang', 3, file(CONTACT, EXPIRES, 'Preferred-Languages: en, english')],
  ['invalid_lang', 3, file(CONTACT, EXPIRES, 'Preferred-Languages: en_US')],
  ['invalid_lang', 3, file(CONTACT, EXPIRES, 'Preferred-Languages: en,,fr')],
  ['no_uri', 1, file('Contact: security@example.org', EXPIRES)],
  ['no_uri', 1, file('Contact: mailto:security', EXPIRES)],
  ['no_uri', 1, file('Contact: tel:call-us', EXPIRES)],
  ['no_uri', 1, file('Contact: xmpp:security@example.org', EXPIRES)],
  ['no_uri', 3, file(CONTACT, EXPIRES, 'Encryption: openpgp4fpr:1234')],
  ['no_uri', 3, file(CONTACT, EXPIRES, 'Policy: https://')],
  ['no_uri', 3, file(CONTACT, EXPIRES, 'Canonical: /.well-known/security.txt')],
  ['no_https', 1, file('Contact: http://example.org/report', EXPIRES)],
  ['no_https', 3, file(CONTACT, EXPIRES, 'Policy: http://example.org/policy')],
  ['no_https', 3, file(CONTACT, EXPIRES, 'Acknowledgments: ftp://example.org/thanks')],
  ['no_https', 3, file(CONTACT, EXPIRES, 'Encryption: ldap://example.org/key')],
  ['no_https', 3, file(CONTACT, EXPIRES, 'Hiring: http://example.org/jobs')],
  ['no_https', 3, file(CONTACT, EXPIRES, 'CSAF: http://example.org/provider-metadata.json')],
  ['prec_ws', 1, file('Contact : mailto:security@example.org', EXPIRES)],
  ['no_space', 1, file('Contact:mailto:security@example.org', EXPIRES)],
  ['no_space', 1, file('Contact:\tmailto:security@example.org', EXPIRES)],
  ['empty_key', 3, file(CONTACT, EXPIRES, ': value')],
  ['empty_value', 3, file(CONTACT, EXPIRES, 'Policy:   ')],
  ['invalid_line', 3, file(CONTACT, EXPIRES, 'this line is neither a field nor a comment')],
  ['invalid_line', 3, file(CONTACT, EXPIRES, ' Policy: https://example.org/indented')],
  ['invalid_line', 3, file(CONTACT, EXPIRES, 'Pol icy: https://example.org/policy')],
  ['invalid_line', 3, file(CONTACT, EXPIRES, '# a NUL \u0000 in a comment')],
  ['invalid_line', 3, file(CONTACT, EXPIRES, 'Policy: https://example.org/\u001b[31m')],
  ['no_line_separators', 2, `${CONTACT}\n${EXPIRES}`],
  ['no_line_separators', 1, `${CONTACT}\r${EXPIRES}\r`],
  ['mixed_line_endings', 2, `${CONTACT}\n${EXPIRES}\r\n`],
  ['size_exceeded', null, file(CONTACT, EXPIRES, ...Array.from({ length: 2000 }, (_, i) => `# padding line ${i} ........................`))],
  ['size_exceeded', null, file(CONTACT, EXPIRES, '# tiny limit'), { maxBytes: 40 }],
  ['signed_format_issue', 2, file('# not first', '-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA256', '', CONTACT, EXPIRES, '-----BEGIN PGP SIGNATURE-----', '', 'wnUEARYIAB0WIQQ=', '-----END PGP SIGNATURE-----')],
  ['signed_format_issue', null, file('-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA256', '', CONTACT, EXPIRES)],
  ['signed_format_issue', 2, file('-----BEGIN PGP SIGNED MESSAGE-----', CONTACT, EXPIRES, '-----BEGIN PGP SIGNATURE-----', '', 'wnUEARYIAB0WIQQ=', '-----END PGP SIGNATURE-----')],
  ['signed_format_issue', 2, file('-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA999', '', CONTACT, EXPIRES, '-----BEGIN PGP SIGNATURE-----', '', 'wnUEARYIAB0WIQQ=', '-----END PGP SIGNATURE-----')],
  ['signed_format_issue', 6, file('-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA256', '', CONTACT, EXPIRES, '-----END PGP SIGNATURE-----', '-----BEGIN PGP SIGNATURE-----', '', 'wnUEARYIAB0WIQQ=', '-----END PGP SIGNATURE-----')],
  ['signed_format_issue', 9, file('-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA256', '', CONTACT, EXPIRES, '-----BEGIN PGP SIGNATURE-----', '', 'wnUEARYIAB0WIQQ=', 'not base64!', '-----END PGP SIGNATURE-----')],
  ['signed_format_issue', 6, file('-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA256', '', CONTACT, EXPIRES, '-----BEGIN PGP SIGNATURE-----', '', 'SGVsbG8=', '-----END PGP SIGNATURE-----')],
  ['signed_format_issue', 6, file('-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA256', '', CONTACT, EXPIRES, '-----BEGIN PGP SIGNATURE-----', '', 'wnUEARYIAB0WIQQ=')],
  ['signed_format_issue', 11, file('-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA256', '', CONTACT, EXPIRES, '-----BEGIN PGP SIGNATURE-----', '', 'wnUEARYIAB0WIQQ=', '-----END PGP SIGNATURE-----', '', 'Contact: mailto:attacker@example.net')],
  ['long_expiry', 2, file(CONTACT, 'Expires: 2027-03-02T00:00:00Z')],
  ['no_encryption', null, file(CONTACT, EXPIRES)],
  ['not_signed', null, file(CONTACT, EXPIRES)],
  ['no_canonical', null, file('-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA256', '', CONTACT, EXPIRES, '-----BEGIN PGP SIGNATURE-----', '', 'wnUEARYIAB0WIQQ=', '-----END PGP SIGNATURE-----')],
  ['unknown_field', 3, file(CONTACT, EXPIRES, 'X-Bounty: https://example.org/bounty')],
  ['unknown_field', 3, file(CONTACT, EXPIRES, 'Acknowledgements: https://example.org/thanks')],
];

describe('each finding, on its fixture', () => {
  it.each(FIXTURES.map(([code, line, text, options], index) => ({ code, line, text, options, index })))('$code on line $line (fixture $index)', ({ code, line, text, options }) => {
    const report = validateSecurityTxt(text, { now, ...options });
    expect(all(report)).toContainEqual(expect.objectContaining({ code, line }));
    expect(report.valid).toBe(report.errors.length === 0);
    for (const entry of all(report)) expect(entry.message.length).toBeGreaterThan(10);
  });

  it('has a fixture for every code the parser and validator can report on their own', () => {
    const covered = new Set(FIXTURES.map(([code]) => code));
    const contentCodes: SecurityTxtCode[] = [
      'utf8', 'no_expire', 'multi_expire', 'invalid_expiry', 'expired', 'no_contact', 'no_canonical_match', 'multi_lang', 'invalid_lang', 'no_uri', 'no_https',
      'prec_ws', 'no_space', 'empty_key', 'empty_value', 'invalid_line', 'no_line_separators', 'signed_format_issue', 'size_exceeded', 'mixed_line_endings',
      'long_expiry', 'no_encryption', 'not_signed', 'no_canonical', 'unknown_field',
    ];
    for (const code of contentCodes) expect(covered, code).toContain(code);
  });

  it('keeps a single problem to its own code: a wrong Expires line is not also "missing"', () => {
    expect(codes(validateSecurityTxt(file(CONTACT, 'Expires: soon'), { now }).errors)).toEqual(['invalid_expiry']);
    expect(codes(validateSecurityTxt(file('Contact: security@example.org', EXPIRES), { now }).errors)).toEqual(['no_uri']);
  });

  it('suggests the right spelling of a misspelt field, and can leave unknown fields alone', () => {
    const text = file(CONTACT, EXPIRES, 'Acknowledgements: https://example.org/thanks');
    expect(validateSecurityTxt(text, { now }).notifications[0]!.message).toContain('did you mean "Acknowledgments"');
    expect(validateSecurityTxt(text, { now, notifyUnknownFields: false }).notifications).toEqual([]);
  });

  it('lists file-wide findings first, then by line', () => {
    const report = validateSecurityTxt(file('Policy: http://x.example', 'Hiring: http://x.example', 'bad line'), { now });
    expect(report.errors.map((e) => e.line)).toEqual([null, null, 1, 2, 3]);
  });

  it('lists a repeated problem 50 times, then counts the rest in one entry', () => {
    const report = validateSecurityTxt(file(CONTACT, EXPIRES, ...Array.from({ length: 500 }, () => 'junk')), { now });
    const invalid = report.errors.filter((e) => e.code === 'invalid_line');
    expect(invalid).toHaveLength(51);
    expect(invalid[0]).toMatchObject({ line: null, message: expect.stringContaining('450 more lines') });
  });
});

describe('Expires (RFC 3339)', () => {
  it('reads offsets, fractions, leap days and lower-case separators', () => {
    expect(parseRfc3339('2026-06-01T02:00:00+02:00')?.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(parseRfc3339('2026-06-01T00:00:00.123456Z')?.toISOString()).toBe('2026-06-01T00:00:00.123Z');
    expect(parseRfc3339('2028-02-29t12:00:00z')?.toISOString()).toBe('2028-02-29T12:00:00.000Z');
    expect(parseRfc3339('0050-01-01T00:00:00Z')?.getUTCFullYear()).toBe(50);
  });

  it('refuses what only looks like a date', () => {
    for (const bad of ['2026-13-01T00:00:00Z', '2026-04-31T00:00:00Z', '2100-02-29T00:00:00Z', '2026-06-01T00:60:00Z', '2026-06-01T00:00:00+24:00', '20260601T000000Z', ' 2026-06-01T00:00:00Z', '2026-06-01T00:00:00.Z']) {
      expect(parseRfc3339(bad), bad).toBeNull();
    }
  });

  it('warns past a year ahead, not at a year', () => {
    expect(codes(validateSecurityTxt(file(CONTACT, 'Expires: 2027-03-01T00:00:00Z'), { now }).recommendations)).not.toContain('long_expiry');
    expect(codes(validateSecurityTxt(file(CONTACT, 'Expires: 2027-03-01T00:00:01Z'), { now }).recommendations)).toContain('long_expiry');
  });
});

describe('Preferred-Languages (RFC 5646 tags)', () => {
  it('accepts well-formed tags', () => {
    for (const tag of ['en', 'EN', 'de-CH', 'zh-Hant-TW', 'sr-Latn-RS', 'es-419', 'de-CH-1996', 'en-US-x-twain', 'x-whatever', 'i-klingon', 'zh-yue-HK', 'en-a-bbb-b-ccc', 'sl-rozaj-biske']) {
      expect(isLanguageTag(tag), tag).toBe(true);
    }
  });

  it('refuses malformed ones', () => {
    for (const tag of ['', 'e', 'english', 'en_US', 'en-', '-en', 'en--US', '12', 'en-US-x', 'de-CH-1996-1996', 'en-a-bbb-a-ccc', 'en-a', 'toolongsubtag', 'en-US-'.repeat(50)]) {
      expect(isLanguageTag(tag), tag).toBe(false);
    }
  });
});

describe('signatures', () => {
  let signingKey: openpgp.PrivateKey;
  let publicKey: string;
  let otherPublicKey: string;
  let gnupg: ReturnType<typeof makeGnupg>;
  const SIGNED_BODY = file(CONTACT, EXPIRES, 'Encryption: https://example.org/pgp-key.txt', 'Canonical: https://example.org/.well-known/security.txt');
  const sign = async (text: string) => openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: signingKey });

  beforeAll(async () => {
    const key = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'security@example.org' }], format: 'object' });
    signingKey = key.privateKey;
    publicKey = key.publicKey.armor();
    otherPublicKey = (await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'other@example.org' }], format: 'object' })).publicKey.armor();
    gnupg = makeGnupg();
  });
  afterAll(() => gnupg?.close());

  it('verifies a file signed by OpenPGP.js against its key, and no longer asks for a signature', async () => {
    const signed = await sign(SIGNED_BODY);
    const report = await checkSecurityTxt(signed, { now, verificationKeys: publicKey });
    expect(report).toEqual({ valid: true, errors: [], recommendations: [], notifications: [] });
  });

  it('reports signature_invalid on the signature line when a signed field was changed', async () => {
    const tampered = (await sign(SIGNED_BODY)).replace('mailto:security@example.org', 'mailto:attacker@example.net');
    const report = await checkSecurityTxt(tampered, { now, verificationKeys: publicKey });
    expect(report.errors).toEqual([expect.objectContaining({ code: 'signature_invalid', line: 9 })]);
    // Without a key there is nothing to verify against: the shape alone is checked.
    expect((await checkSecurityTxt(tampered, { now })).valid).toBe(true);
  });

  it('reports signature_invalid when signed by another key, naming the key it tried', async () => {
    const report = await checkSecurityTxt(await sign(SIGNED_BODY), { now, verificationKeys: otherPublicKey });
    expect(report.errors).toEqual([expect.objectContaining({ code: 'signature_invalid', message: expect.stringContaining('does not verify') })]);
    expect((await checkSecurityTxt(await sign(SIGNED_BODY), { now, verificationKeys: [otherPublicKey, publicKey] })).valid).toBe(true);
  });

  it('reads dash-escaped lines of the signed text as the fields they escape', async () => {
    const signed = await sign(file(CONTACT, EXPIRES, '- not a field: dash-escaped by the signer', 'Canonical: https://example.org/.well-known/security.txt'));
    expect(signed).toContain('\n- - not a field');
    const report = await checkSecurityTxt(signed, { now, verificationKeys: publicKey });
    expect(report.errors).toEqual([expect.objectContaining({ code: 'invalid_line', line: 6 })]);
  });

  it('verifies a file clear-signed by GnuPG, in LF and in CRLF', async () => {
    const signed = gnupg.clearsign(SIGNED_BODY);
    expect(signed.startsWith('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n')).toBe(true);
    expect(await checkSecurityTxt(signed, { now, verificationKeys: gnupg.publicKey })).toEqual({ valid: true, errors: [], recommendations: [], notifications: [] });
    expect((await checkSecurityTxt(signed.replace(/\n/g, '\r\n'), { now, verificationKeys: gnupg.publicKey })).valid).toBe(true);
    const tampered = signed.replace('2026-06-01', '2026-06-02');
    expect(codes((await checkSecurityTxt(tampered, { now, verificationKeys: gnupg.publicKey })).errors)).toEqual(['signature_invalid']);
    expect(codes((await checkSecurityTxt(signed, { now, verificationKeys: publicKey })).errors)).toEqual(['signature_invalid']);
  });

  it('does not let unsigned lines around a signature pass as signed', async () => {
    const signed = gnupg.clearsign(SIGNED_BODY);
    const prefixed = `Contact: mailto:attacker@example.net\n${signed}`;
    expect(codes((await checkSecurityTxt(prefixed, { now, verificationKeys: gnupg.publicKey })).errors)).toContain('signed_format_issue');
    const suffixed = `${signed}Contact: mailto:attacker@example.net\n`;
    expect(codes((await checkSecurityTxt(suffixed, { now, verificationKeys: gnupg.publicKey })).errors)).toEqual(['signed_format_issue']);
  });

  it('recommends Canonical in a signed file', async () => {
    const report = await checkSecurityTxt(await sign(file(CONTACT, EXPIRES)), { now, verificationKeys: publicKey });
    expect(codes(report.recommendations)).toEqual(['no_encryption', 'no_canonical']);
  });

  it('refuses a verification key that is not one, naming it', async () => {
    await expect(checkSecurityTxt(await sign(SIGNED_BODY), { now, verificationKeys: 'not a key' })).rejects.toThrow(AppError);
    await expect(checkSecurityTxt(await sign(SIGNED_BODY), { now, verificationKeys: 'not a key' })).rejects.toThrow(/verificationKeys\/0: not an armoured OpenPGP public key/);
  });
});
