import fs from 'node:fs';
import net from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, startServer, type TestServer, type TlsMaterial } from '../../test/cli/securitytxt.support.js';
import { blockedAddressReason, embeddedIpv4 } from './address-ranges.js';
import { safeFetch, SafeFetchError, type SafeFetchOptions } from './safe-fetch.js';

describe('which addresses may be reached', () => {
  it('refuses every special-purpose IPv4 range and lets public ones through', () => {
    for (const address of ['127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '192.0.0.8', '192.0.2.1', '198.18.0.1', '198.51.100.7', '203.0.113.9', '224.0.0.251', '239.255.255.250', '240.0.0.1', '255.255.255.255']) {
      expect(blockedAddressReason(address), address).not.toBeNull();
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '11.0.0.1']) {
      expect(blockedAddressReason(address), address).toBeNull();
    }
  });

  it('refuses special IPv6 addresses, and judges IPv4 inside IPv6 by its IPv4 address', () => {
    for (const address of ['::', '::1', 'fe80::1', 'fe80::1%eth0', 'fc00::1', 'fd12:3456::1', 'fec0::1', 'ff02::1', '2001:db8::1', '2001::1', '2002:c0a8:101::1', '64:ff9b:1::1', '::127.0.0.1', '100::1', '3fff::1', '[::1]']) {
      expect(blockedAddressReason(address), address).not.toBeNull();
    }
    for (const address of ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe', '64:ff9b::10.0.0.1', '64:ff9b::7f00:1']) {
      expect(blockedAddressReason(address), address).toMatch(/as IPv4 inside IPv6/);
    }
    for (const address of ['2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
      expect(blockedAddressReason(address), address).toBeNull();
    }
    expect(embeddedIpv4('::ffff:c0a8:101')).toBe('192.168.1.1');
    expect(blockedAddressReason('localhost')).toBe('not an IP address');
  });
});

describe('safeFetch against loopback servers', () => {
  let tls: TlsMaterial;
  let plain: TestServer;
  let secure: TestServer;
  let stalling: net.Server;
  let stallingPort = 0;
  const allow: SafeFetchOptions = { allowPrivateAddresses: true };
  const failure = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(SafeFetchError);
      return error as SafeFetchError;
    }
    throw new Error('expected the fetch to fail');
  };

  beforeAll(async () => {
    tls = makeCertificate();
    const handler = (origin: () => string) => (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      const url = new URL(req.url ?? '/', origin());
      const hop = Number(url.searchParams.get('n') ?? 0);
      if (url.pathname === '/hello') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-host': req.headers.host ?? '' });
        res.end('hello');
      } else if (url.pathname === '/chain') {
        res.writeHead(302, { location: hop > 0 ? `/chain?n=${hop - 1}` : '/hello' });
        res.end();
      } else if (url.pathname === '/loop') {
        res.writeHead(302, { location: '/loop' });
        res.end();
      } else if (url.pathname === '/to') {
        res.writeHead(301, { location: url.searchParams.get('where') ?? '/' });
        res.end('moved');
      } else if (url.pathname === '/bomb') {
        // 10 MB of zeros gzipped to ~10 KB, sent whatever the request asked for.
        res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'x-accept-encoding': req.headers['accept-encoding'] ?? '' });
        res.end(zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024)));
      } else if (url.pathname === '/endless') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 0x41);
        const pump = () => {
          while (res.write(chunk)) if (res.destroyed) return;
        };
        res.on('drain', pump);
        pump();
      } else if (url.pathname === '/echo') {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => res.end(`${req.method} ${req.headers['content-type']} ${req.headers['content-length']} ${Buffer.concat(chunks).toString()}`));
      } else if (url.pathname === '/cut') {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('partial', () => setTimeout(() => res.destroy(), 20));
      } else if (url.pathname === '/silent') {
        // Answers nothing: the total timeout must end the fetch.
      } else {
        res.writeHead(404);
        res.end();
      }
    };
    plain = await startServer(handler(() => plain.origin));
    secure = await startServer(handler(() => secure.origin), { tls });
    stalling = net.createServer(() => undefined);
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    stallingPort = (stalling.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await plain?.close();
    await secure?.close();
    stalling?.close();
    if (tls) fs.rmSync(tls.dir, { recursive: true, force: true });
  });

  it('refuses a loopback URL unless private addresses are allowed, with a clear error', async () => {
    const error = await failure(safeFetch(`${plain.origin}/hello`));
    expect(error.reason).toBe('blocked_address');
    expect(error.message).toMatch(/refusing to connect to 127\.0\.0\.1: a loopback address, not a public one/);
    const response = await safeFetch(`${plain.origin}/hello`, allow);
    expect(response).toMatchObject({ status: 200, url: `${plain.origin}/hello`, redirects: [`${plain.origin}/hello`], truncated: false, address: '127.0.0.1' });
    expect(response.body.toString()).toBe('hello');
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('refuses host names that resolve to loopback, and IPv4-mapped IPv6 literals', async () => {
    expect((await failure(safeFetch(`http://localhost:${plain.port}/hello`))).message).toMatch(/refusing to connect to localhost \((127\.0\.0\.1|::1)\)/);
    expect((await failure(safeFetch(`http://[::ffff:127.0.0.1]:${plain.port}/hello`))).reason).toBe('blocked_address');
    expect((await failure(safeFetch(`http://[::1]:${plain.port}/hello`))).reason).toBe('blocked_address');
    expect((await failure(safeFetch(`http://2130706433:${plain.port}/hello`))).reason).toBe('blocked_address');
  });

  it('reaches an IPv6 loopback server when allowed', async () => {
    const v6 = await startServer((_req, res) => res.end('six'), { host: '::1' });
    try {
      expect((await safeFetch(`${v6.origin}/`, allow)).body.toString()).toBe('six');
    } finally {
      await v6.close();
    }
  });

  it('connects to the address it checked: the name is resolved once per hop and kept in Host and SNI', async () => {
    const asked: string[] = [];
    const resolve = async (host: string) => {
      asked.push(host);
      return asked.length === 1 ? [{ address: '127.0.0.1', family: 4 as const }] : [{ address: '10.0.0.1', family: 4 as const }];
    };
    const response = await safeFetch(`https://security.example:${secure.port}/hello`, { resolve, allowPrivateAddresses: true, ca: tls.cert });
    expect(response.status).toBe(200);
    expect(response.headers['x-host']).toBe(`security.example:${secure.port}`);
    expect(asked).toEqual(['security.example']);
  });

  it('checks every hop of a redirect chain', async () => {
    const onlyFirst = (address: string) => (address === '127.0.0.1' ? null : 'not the test server');
    const error = await failure(safeFetch(`${plain.origin}/to?where=${encodeURIComponent(`http://127.0.0.2:${plain.port}/hello`)}`, { addressPolicy: onlyFirst }));
    expect(error.reason).toBe('blocked_address');
    expect(error.message).toContain('127.0.0.2');
    const resolve = async () => [{ address: '127.0.0.3', family: 4 as const }];
    const byName = await failure(safeFetch(`${plain.origin}/to?where=${encodeURIComponent(`http://internal.example:${plain.port}/hello`)}`, { addressPolicy: onlyFirst, resolve }));
    expect(byName.message).toContain('internal.example (127.0.0.3)');
    expect((await safeFetch(`${plain.origin}/to?where=/hello`, { addressPolicy: onlyFirst })).body.toString()).toBe('hello');
  });

  it('follows at most five redirects', async () => {
    const five = await safeFetch(`${plain.origin}/chain?n=4`, allow);
    expect(five.status).toBe(200);
    expect(five.redirects).toHaveLength(6);
    expect((await failure(safeFetch(`${plain.origin}/chain?n=5`, allow))).reason).toBe('too_many_redirects');
    expect((await failure(safeFetch(`${plain.origin}/chain?n=1`, { ...allow, maxRedirects: 1 }))).reason).toBe('too_many_redirects');
    const loop = await failure(safeFetch(`${plain.origin}/loop`, allow));
    expect(loop.reason).toBe('too_many_redirects');
    expect(loop.message).toMatch(/redirects in a loop/);
  });

  it('POSTs a body, returns a redirect unfollowed with maxRedirects 0, and keeps a body cut short when asked', async () => {
    const posted = await safeFetch(`${plain.origin}/echo`, { ...allow, method: 'POST', body: '{"a":"é"}', headers: { 'content-type': 'application/json' } });
    expect(posted.body.toString()).toBe('POST application/json 10 {"a":"é"}');
    const moved = await safeFetch(`${plain.origin}/to?where=/hello`, { ...allow, maxRedirects: 0 });
    expect(moved).toMatchObject({ status: 301, redirects: [`${plain.origin}/to?where=/hello`] });
    expect(moved.body.toString()).toBe('moved');
    expect((await failure(safeFetch(`${plain.origin}/cut`, allow))).reason).toBe('network');
    expect(await safeFetch(`${plain.origin}/cut`, { ...allow, acceptIncompleteBody: true })).toMatchObject({ status: 200, truncated: false, body: Buffer.from('partial') });
  });

  it('refuses a redirect from https down to http, and to schemes other than http(s)', async () => {
    const down = await failure(safeFetch(`${secure.origin}/to?where=${encodeURIComponent(`${plain.origin}/hello`)}`, { ...allow, ca: tls.cert }));
    expect(down.reason).toBe('insecure_redirect');
    const up = await safeFetch(`${plain.origin}/to?where=${encodeURIComponent(`${secure.origin}/hello`)}`, { ...allow, ca: tls.cert });
    expect(up.url).toBe(`${secure.origin}/hello`);
    expect((await failure(safeFetch(`${plain.origin}/to?where=file:///etc/passwd`, allow))).reason).toBe('unsupported_scheme');
    expect((await failure(safeFetch('file:///etc/passwd', allow))).reason).toBe('unsupported_scheme');
    expect((await failure(safeFetch('not a url', allow))).reason).toBe('invalid_url');
  });

  it('tells a certificate it cannot trust from other TLS failures', async () => {
    expect((await failure(safeFetch(`${secure.origin}/hello`, allow))).reason).toBe('certificate');
    expect((await safeFetch(`${secure.origin}/hello`, { ...allow, ca: tls.cert })).status).toBe(200);
    expect((await safeFetch(`${secure.origin}/hello`, { ...allow, rejectUnauthorized: false })).status).toBe(200);
    const wrongName = await failure(safeFetch(`https://wrong.example:${secure.port}/hello`, { ...allow, ca: tls.cert, resolve: async () => [{ address: '127.0.0.1', family: 4 }] }));
    expect(wrongName.reason).toBe('certificate');
    expect((await failure(safeFetch(`https://127.0.0.1:${plain.port}/hello`, allow))).reason).toBe('tls');
  });

  it('keeps only maxBytes of an endless body and hangs up', async () => {
    const started = Date.now();
    const response = await safeFetch(`${plain.origin}/endless`, { ...allow, maxBytes: 100_000 });
    expect(response).toMatchObject({ status: 200, truncated: true });
    expect(response.body.length).toBe(100_000);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('asks for no compression and never inflates a compressed body: a gzip bomb stays its compressed size, within maxBytes', async () => {
    const response = await safeFetch(`${plain.origin}/bomb`, { ...allow, maxBytes: 64 * 1024 });
    expect(response.headers['x-accept-encoding']).toBe('identity');
    expect(response.truncated).toBe(false);
    expect(response.body.length).toBeLessThan(64 * 1024);
    expect(response.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });

  it('gives up after the total timeout, and after the connect timeout when a TLS handshake never ends', async () => {
    const silent = await failure(safeFetch(`${plain.origin}/silent`, { ...allow, timeoutMs: 300 }));
    expect(silent.reason).toBe('timeout');
    const handshake = await failure(safeFetch(`https://127.0.0.1:${stallingPort}/`, { ...allow, connectTimeoutMs: 200, timeoutMs: 5000 }));
    expect(handshake.reason).toBe('connect_timeout');
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = safeFetch(`${plain.origin}/silent`, { ...allow, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await failure(pending)).reason).toBe('aborted');
  });

  it('uses plain http only to the addresses allowPlainHttp accepts, on every hop', async () => {
    const loopbackOnly = (address: string) => address === '127.0.0.1';
    expect((await safeFetch(`${plain.origin}/hello`, { ...allow, allowPlainHttp: loopbackOnly })).status).toBe(200);
    const refused = await failure(safeFetch(`${plain.origin}/hello`, { ...allow, allowPlainHttp: () => false }));
    expect(refused.reason).toBe('unsupported_scheme');
    const resolve = async () => [{ address: '127.0.0.2', family: 4 as const }];
    const hop = await failure(safeFetch(`${plain.origin}/to?where=${encodeURIComponent(`http://other.example:${plain.port}/hello`)}`, { ...allow, resolve, allowPlainHttp: loopbackOnly }));
    expect(hop.message).toContain('refusing plain http to other.example');
  });

  it('names an unknown host', async () => {
    const error = await failure(safeFetch('https://nowhere.invalid/', { resolve: async () => Promise.reject(new Error('getaddrinfo ENOTFOUND nowhere.invalid')) }));
    expect(error.reason).toBe('dns_failed');
  });
});
