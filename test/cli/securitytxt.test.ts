import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { makeCertificate, makeGnupg, minimalFile, startServer, type TestServer, type TlsMaterial } from './securitytxt.support.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => (out += t.endsWith('\n') ? t : `${t}\n`), err: (t) => (err += t.endsWith('\n') ? t : `${t}\n`), readStdin: async () => '' };
  const code = await runCli(args, io);
  return { code, out, err };
}

describe('cvdesk securitytxt check', () => {
  const now = new Date();
  let dir: string;
  let tls: TlsMaterial;
  let server: TestServer;
  let gnupg: ReturnType<typeof makeGnupg>;
  const write = (name: string, text: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-securitytxt-cli-'));
    tls = makeCertificate();
    gnupg = makeGnupg();
    server = await startServer(
      (req, res) => {
        if (req.url === '/.well-known/security.txt') {
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(minimalFile(now, 'Encryption: https://example.org/key.asc\n'));
        } else {
          res.writeHead(404);
          res.end();
        }
      },
      { tls },
    );
  });
  afterAll(async () => {
    await server?.close();
    gnupg?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (tls) fs.rmSync(tls.dir, { recursive: true, force: true });
  });

  it('exits 0 for a valid file and says what it recommends', async () => {
    const run = await cli(['securitytxt', 'check', write('ok.txt', minimalFile(now))]);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(/ok\.txt: valid \(0 errors, 2 recommendations, 0 notifications\)/);
    expect(run.out).toMatch(/recommendation\s+no_encryption: /);
    expect(run.out).toMatch(/recommendation\s+not_signed: /);
  });

  it('exits 1 listing every error, recommendation and notification with its line', async () => {
    const file = write('bad.txt', 'Contact: security@example.org\nExpires: tomorrow\nX-Custom: 1\nPolicy: http://example.org/policy');
    const run = await cli(['securitytxt', 'check', file]);
    expect(run.code).toBe(1);
    expect(run.out).toContain('bad.txt: NOT valid (4 errors, 1 recommendation, 1 notification)');
    expect(run.out).toMatch(/error\s+line 1\s+no_uri: /);
    expect(run.out).toMatch(/error\s+line 2\s+invalid_expiry: /);
    expect(run.out).toMatch(/error\s+line 4\s+no_https: /);
    expect(run.out).toMatch(/error\s+line 4\s+no_line_separators: /);
    expect(run.out).toMatch(/notification\s+line 3\s+unknown_field: /);
  });

  it('prints {valid, errors, recommendations, notifications} with --json', async () => {
    const run = await cli(['securitytxt', 'check', write('json.txt', 'Expires: 2000-01-01T00:00:00Z\n'), '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.out) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['valid', 'errors', 'recommendations', 'notifications']);
    expect(report).toMatchObject({
      valid: false,
      errors: [
        { code: 'no_contact', line: null, message: expect.any(String) },
        { code: 'expired', line: 1, message: expect.any(String) },
      ],
    });
  });

  it('verifies a GnuPG signature with --key, and fails on the wrong key', async () => {
    const signed = write('signed.txt', gnupg.clearsign(minimalFile(now, 'Encryption: https://example.org/key.asc\nCanonical: https://example.org/.well-known/security.txt\n')));
    const key = write('key.asc', gnupg.publicKey);
    const good = await cli(['securitytxt', 'check', signed, '--key', key]);
    expect(good.code, good.out + good.err).toBe(0);
    expect(good.out).toContain('signature: verified against the given key');
    expect(good.out).not.toContain('signature_unverified');
    // Without --key the signature is not checked, and the report says so — even for a file
    // altered after signing, which is otherwise well formed.
    const tampered = write('tampered.txt', fs.readFileSync(signed, 'utf8').replace('mailto:security@example.org', 'mailto:attacker@evil.example'));
    const unchecked = await cli(['securitytxt', 'check', tampered]);
    expect(unchecked.out).toMatch(/notification\s+line \d+\s+signature_unverified: The file is signed, but the signature was not verified/);
    expect((await cli(['securitytxt', 'check', tampered, '--key', key])).code).toBe(1);

    const other = makeGnupg();
    try {
      const wrong = await cli(['securitytxt', 'check', signed, '--key', write('other.asc', other.publicKey)]);
      expect(wrong.code).toBe(1);
      expect(wrong.out).toMatch(/error\s+line \d+\s+signature_invalid: The signature does not verify/);
      expect((await cli(['securitytxt', 'check', signed, '--key', write('other2.asc', other.publicKey), '--key', key])).code).toBe(0);
    } finally {
      other.close();
    }
    const notAKey = await cli(['securitytxt', 'check', signed, '--key', write('junk.asc', 'junk')]);
    expect(notAKey.code).toBe(2);
    expect(notAKey.err).toMatch(/--key .*junk\.asc: not an armoured OpenPGP public key/);
  });

  it('reads only the first 32 KiB of a huge file', async () => {
    const file = write('huge.txt', Buffer.alloc(8 * 1024 * 1024, 0x41));
    const run = await cli(['securitytxt', 'check', file, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out).errors.map((e: { code: string }) => e.code)).toContain('size_exceeded');
  });

  it('fetches from a URL with --allow-private and --ca, and refuses loopback without --allow-private', async () => {
    const ca = write('ca.pem', tls.cert);
    const run = await cli(['securitytxt', 'check', server.origin, '--allow-private', '--ca', ca]);
    expect(run.code, run.out + run.err).toBe(0);
    expect(run.out).toContain(`${server.origin}/.well-known/security.txt: valid`);

    const refused = await cli(['securitytxt', 'check', server.origin, '--ca', ca]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/refusing to connect to 127\.0\.0\.1: a loopback address, not a public one; pass --allow-private to allow it/);

    const untrusted = await cli(['securitytxt', 'check', server.origin, '--allow-private', '--json']);
    expect(untrusted.code).toBe(1);
    expect(JSON.parse(untrusted.out).errors.map((e: { code: string }) => e.code)).toEqual(['invalid_cert']);
  });

  it('says what it tried when there is no security.txt', async () => {
    const empty = await startServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    try {
      const run = await cli(['securitytxt', 'check', empty.origin, '--allow-private']);
      expect(run.code).toBe(1);
      expect(run.out).toContain(`tried http://127.0.0.1:${empty.port}/.well-known/security.txt: HTTP 404`);
      expect(run.out).toMatch(/error\s+no_security_txt: /);
    } finally {
      await empty.close();
    }
  });

  it('refuses a target that is neither a file nor an address with status 2', async () => {
    const run = await cli(['securitytxt', 'check', path.join(dir, 'missing file.txt')]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('no such file, and not a URL or domain name');
  });
});
