import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, minimalFile, startServer, type TestServer, type TlsMaterial } from '../../../test/cli/securitytxt.support.js';
import { SafeFetchError } from '../../net/safe-fetch.js';
import { fetchSecurityTxt, type FetchSecurityTxtOptions } from './securitytxt.fetch.js';

const now = new Date('2026-03-01T00:00:00Z');
const codes = (entries: { code: string }[]) => entries.map((e) => e.code);

/** What a test site serves: path → status, headers and body. */
type Site = Record<string, { status?: number; headers?: Record<string, string>; body?: string | Buffer | 'endless' }>;

describe('fetchSecurityTxt', () => {
  let tls: TlsMaterial;
  let site: Site = {};
  let secure: TestServer;
  let plain: TestServer;
  let options: FetchSecurityTxtOptions;

  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const page = site[new URL(req.url ?? '/', 'http://x').pathname];
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>not found</h1>');
      return;
    }
    res.writeHead(page.status ?? 200, page.headers ?? { 'content-type': 'text/plain; charset=utf-8' });
    if (page.body !== 'endless') {
      res.end(page.body ?? '');
      return;
    }
    const chunk = Buffer.from('# padding padding padding padding padding padding padding padding\n'.repeat(1000));
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
    };
    res.on('drain', pump);
    pump();
  };

  beforeAll(async () => {
    tls = makeCertificate();
    secure = await startServer(serve, { tls });
    plain = await startServer(serve);
    options = { allowPrivateAddresses: true, ca: tls.cert, now };
  });
  afterAll(async () => {
    await secure?.close();
    await plain?.close();
    if (tls) fs.rmSync(tls.dir, { recursive: true, force: true });
  });

  it('finds the file under /.well-known/ over https and judges it', async () => {
    const url = `${secure.origin}/.well-known/security.txt`;
    site = { '/.well-known/security.txt': { body: minimalFile(now, `Canonical: ${url}\n`) } };
    const result = await fetchSecurityTxt(secure.origin.replace('https://', ''), options);
    expect(result).toMatchObject({ valid: true, errors: [], url, finalUrl: url, redirects: [url], contentType: 'text/plain; charset=utf-8' });
    expect(codes(result.recommendations)).toEqual(['no_encryption', 'not_signed']);
    expect(result.parsed?.fields.map((f) => f.name)).toEqual(['contact', 'expires', 'canonical']);
    expect(result.attempts).toEqual([{ url, status: 200, error: null }]);
  });

  it('reports a Canonical that does not name where the file was found', async () => {
    site = { '/.well-known/security.txt': { body: minimalFile(now, 'Canonical: https://elsewhere.example/.well-known/security.txt\n') } };
    const result = await fetchSecurityTxt(secure.origin, options);
    expect(codes(result.errors)).toEqual(['no_canonical_match']);
  });

  it('accepts a Canonical naming the end of a redirect chain, which must end at a security.txt', async () => {
    const final = `https://security.example:${secure.port}/moved/.well-known/security.txt`;
    site = {
      '/.well-known/security.txt': { status: 301, headers: { location: final } },
      '/moved/.well-known/security.txt': { body: minimalFile(now, `Canonical: ${final}\n`) },
    };
    const resolve = async () => [{ address: '127.0.0.1', family: 4 as const }];
    const result = await fetchSecurityTxt(secure.origin, { ...options, resolve });
    expect(result).toMatchObject({ valid: true, url: `${secure.origin}/.well-known/security.txt`, finalUrl: final });

    site = { '/.well-known/security.txt': { status: 302, headers: { location: '/' } }, '/': { body: minimalFile(now) } };
    expect(codes((await fetchSecurityTxt(secure.origin, options)).errors)).toEqual(['no_security_txt']);
  });

  it('reports location when the file is only at the legacy top-level path', async () => {
    site = { '/security.txt': { body: minimalFile(now) } };
    const result = await fetchSecurityTxt(secure.origin, options);
    expect(codes(result.errors)).toEqual(['location']);
    expect(result.url).toBe(`${secure.origin}/security.txt`);
  });

  it('reports invalid_uri_scheme when the file is served only over plain http', async () => {
    site = { '/.well-known/security.txt': { body: minimalFile(now) } };
    const result = await fetchSecurityTxt(plain.origin, options);
    expect(codes(result.errors)).toEqual(['invalid_uri_scheme']);
    expect(result.attempts.map((a) => [a.url.split(':')[0], a.status])).toEqual([
      ['https', null],
      ['https', null],
      ['http', 200],
    ]);
    expect(codes((await fetchSecurityTxt(plain.origin, { ...options, tryHttp: false })).errors)).toEqual(['no_security_txt']);
  });

  it('reports invalid_cert and still reads the file', async () => {
    site = { '/.well-known/security.txt': { body: minimalFile(now, 'Policy: http://example.org/policy\n') } };
    const result = await fetchSecurityTxt(secure.origin, { allowPrivateAddresses: true, now });
    expect(codes(result.errors)).toEqual(['invalid_cert', 'no_https']);
  });

  it.each([
    [{}, ['no_content_type']],
    [{ 'content-type': 'text/html; charset=utf-8' }, ['invalid_media']],
    [{ 'content-type': 'text/plain; charset=ISO-8859-1' }, ['invalid_charset']],
    [{ 'content-type': 'application/octet-stream; charset=latin1' }, ['invalid_media', 'invalid_charset']],
    [{ 'content-type': 'TEXT/PLAIN; Charset="UTF-8"' }, []],
    [{ 'content-type': 'text/plain' }, []],
  ])('checks the Content-Type %o', async (headers, expected) => {
    site = { '/.well-known/security.txt': { headers, body: minimalFile(now) } };
    expect(codes((await fetchSecurityTxt(secure.origin, options)).errors)).toEqual(expected);
  });

  it('reports no_security_txt when no place has it, listing what was tried', async () => {
    site = {};
    const result = await fetchSecurityTxt(`${secure.origin}/some/page`, options);
    expect(result).toMatchObject({ valid: false, url: null, parsed: null });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'no_security_txt', line: null })]);
    expect(result.attempts.map((a) => a.status)).toEqual([404, 404, null, null]);
  });

  it('reads no more than the size limit of a huge or endless file', async () => {
    site = { '/.well-known/security.txt': { body: 'endless' } };
    const started = Date.now();
    const result = await fetchSecurityTxt(secure.origin, options);
    expect(codes(result.errors)).toEqual(['size_exceeded', 'no_expire', 'no_contact']);
    expect(result.parsed!.truncated).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports bad UTF-8 in the served bytes', async () => {
    site = { '/.well-known/security.txt': { body: Buffer.concat([Buffer.from(minimalFile(now)), Buffer.from([0x23, 0x20, 0xc0, 0xaf, 0x0a])]) } };
    expect((await fetchSecurityTxt(secure.origin, options)).errors).toEqual([expect.objectContaining({ code: 'utf8', line: 3 })]);
  });

  it('verifies a served signature against a given key', async () => {
    const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'security@example.org' }], format: 'object' });
    const url = `${secure.origin}/.well-known/security.txt`;
    const text = minimalFile(now, `Encryption: https://example.org/key.asc\nCanonical: ${url}\n`);
    site = { '/.well-known/security.txt': { body: await openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: privateKey }) } };
    const result = await fetchSecurityTxt(secure.origin, { ...options, verificationKeys: publicKey.armor() });
    expect(result).toMatchObject({ valid: true, errors: [], recommendations: [], notifications: [] });
    const other = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'other@example.org' }], format: 'object' });
    expect(codes((await fetchSecurityTxt(secure.origin, { ...options, verificationKeys: other.publicKey.armor() })).errors)).toEqual(['signature_invalid']);
  });

  it('refuses a loopback site unless private addresses are allowed: thrown, not reported', async () => {
    site = { '/.well-known/security.txt': { body: minimalFile(now) } };
    const refused = fetchSecurityTxt(secure.origin, { ca: tls.cert, now });
    await expect(refused).rejects.toBeInstanceOf(SafeFetchError);
    await expect(fetchSecurityTxt(secure.origin, { ca: tls.cert, now })).rejects.toMatchObject({ reason: 'blocked_address' });
  });

  it('refuses what is neither a domain nor an http(s) URL', async () => {
    await expect(fetchSecurityTxt('ftp://example.org/', options)).rejects.toThrow(/only http and https/);
    await expect(fetchSecurityTxt('https://', options)).rejects.toThrow(/neither a domain name nor an http\(s\) URL/);
  });
});
