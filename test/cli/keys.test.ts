import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { createContext } from '../../src/context.js';
import { buildApp } from '../../src/server/app.js';
import { DIALECTS, createTestEnvironment, type TestEnvironment } from '../helpers/databases.js';
import { GpgHome } from '../helpers/gpg.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

const PASSPHRASE = 'the operators passphrase, long enough';

describe.each(DIALECTS)('cvdesk keys and settings commands on %s', (engine) => {
  let environment: TestEnvironment;
  let gpg: GpgHome;
  const saved = { ...process.env };

  async function cli(args: string[], stdin = ''): Promise<Run> {
    let out = '';
    let err = '';
    // Input given stands for a pipe; none for a terminal.
    const io: CliIO = { out: (t) => (out += t.endsWith('\n') ? t : `${t}\n`), err: (t) => (err += t.endsWith('\n') ? t : `${t}\n`), readStdin: async () => stdin, stdinIsPiped: () => stdin !== '' };
    const code = await runCli([...args, '--data', environment.dataDir], io);
    return { code, out, err };
  }

  async function get(url: string): Promise<{ status: number; body: string }> {
    const context = await createContext(environment.config);
    const app = await buildApp(context, { logger: false });
    try {
      const res = await app.inject({ method: 'GET', url });
      return { status: res.statusCode, body: res.body };
    } finally {
      await app.close();
      await context.close();
    }
  }

  beforeAll(async () => {
    environment = await createTestEnvironment(engine);
    gpg = new GpgHome();
    process.env.LOG_LEVEL = 'silent';
    process.env.RUN_JOBS = 'false';
    process.env.PUBLIC_URL = 'http://localhost:8080';
    if (environment.config.databaseUrl) {
      process.env.DATABASE_URL = environment.config.databaseUrl;
      process.env.DATABASE_SCHEMA = environment.config.databaseSchema!;
    }
  });
  afterAll(async () => {
    process.env = saved;
    gpg?.destroy();
    await environment?.destroy();
  });

  it('refuses to take a passphrase from anywhere but standard input', async () => {
    const run = await cli(['keys', 'generate', '--name', 'Example Security', '--email', 'security@example.org']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('a passphrase is required: pipe it on standard input (or pass --passphrase-stdin)');
    const empty = await cli(['keys', 'generate', '--name', 'Example Security', '--email', 'security@example.org', '--passphrase-stdin'], '');
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('no passphrase on standard input');
    const weak = await cli(['keys', 'generate', '--name', 'Example Security', '--email', 'security@example.org', '--passphrase-stdin'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.err).toContain('passphrase: must be at least 12 characters');
  });

  it('generates a key, lists it and exports only the current public key', async () => {
    const run = await cli(['keys', 'generate', '--name', 'Example Security', '--email', 'security@example.org', '--passphrase-stdin', '--expires-in-days', '365', '--json'], `${PASSPHRASE}\n`);
    expect(run.code, run.err).toBe(0);
    const key = JSON.parse(run.out);
    expect(key).toMatchObject({ status: 'current', algorithm: 'ed25519/cv25519', uid: 'Example Security <security@example.org>' });
    expect(run.out).not.toContain(PASSPHRASE);

    const list = await cli(['keys', 'list', '--json']);
    expect(JSON.parse(list.out)).toEqual([expect.objectContaining({ fingerprint: key.fingerprint, status: 'current' })]);
    const text = await cli(['keys', 'list']);
    expect(text.out).toContain(`${key.fingerprint}\tcurrent\ted25519/cv25519`);

    const exported = await cli(['keys', 'export']);
    expect(exported.code, exported.err).toBe(0);
    expect(exported.out).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----\n[\s\S]+-----END PGP PUBLIC KEY BLOCK-----\n$/);
    expect(exported.out).not.toContain('PRIVATE');
    expect(gpg.importKey(exported.out).status).toBe(0);
    expect(gpg.listKeys().map((k) => k.fingerprint)).toContain(key.fingerprint);
  });

  it('imports a protected GnuPG key from a file (the old key stays as previous), and refuses an unprotected one', { timeout: 120_000 }, async () => {
    const maker = new GpgHome();
    try {
      const protectedFpr = maker.generateKey('Imported <imported@example.org>', PASSPHRASE);
      const file = path.join(environment.dataDir, 'imported.asc');
      fs.writeFileSync(file, maker.exportSecretKey(protectedFpr, PASSPHRASE));
      const wrong = await cli(['keys', 'import', file, '--passphrase-stdin'], 'not the right passphrase\n');
      expect(wrong.code).toBe(1);
      expect(wrong.err).toContain('validation_failed: passphrase: does not unlock the key');
      // At a terminal, with nothing piped, the passphrase is asked for on standard input, not typed.
      const atTerminal = await cli(['keys', 'import', file]);
      expect(atTerminal.code).toBe(2);
      expect(atTerminal.err).toContain('pipe it on standard input');
      // `… | cvdesk keys import FILE`: the piped passphrase is read without the flag.
      const run = await cli(['keys', 'import', file], `${PASSPHRASE}\n`);
      expect(run.code, run.err).toBe(0);
      expect(run.out).toContain(`imported ${protectedFpr}`);
      const again = await cli(['keys', 'import', file, '--passphrase-stdin'], `${PASSPHRASE}\n`);
      expect(again.code).toBe(1);
      expect(again.err).toContain('conflict');

      const nakedFpr = maker.generateKey('Naked <naked@example.org>', '');
      const naked = path.join(environment.dataDir, 'naked.asc');
      fs.writeFileSync(naked, maker.exportSecretKey(nakedFpr, ''));
      const refused = await cli(['keys', 'import', naked, '--passphrase-stdin'], 'whatever it is\n');
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('key: is not protected by a passphrase');
      expect((await cli(['keys', 'import', path.join(environment.dataDir, 'missing.asc'), '--passphrase-stdin'], 'x\n')).err).toContain('cannot read');
    } finally {
      maker.destroy();
    }
    const list = JSON.parse((await cli(['keys', 'list', '--json'])).out) as { status: string; uid: string }[];
    expect(list.map((k) => [k.uid, k.status])).toEqual([
      ['Imported <imported@example.org>', 'current'],
      ['Example Security <security@example.org>', 'previous'],
    ]);
  });

  it('changes settings and signs security.txt, which GnuPG verifies', async () => {
    const set = await cli(['settings', 'set', 'securityContactEmail=security@example.org', 'preferredLanguages=en,fr', 'securityTxtValidityDays=90']);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain('preferredLanguages = ["en","fr"]');
    const bad = await cli(['settings', 'set', 'securityTxtValidityDays=500']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('securityTxtValidityDays');
    expect((await cli(['settings', 'set', 'colour=blue'])).code).toBe(2);
    const shown = JSON.parse((await cli(['settings', 'show', '--json'])).out);
    expect(shown).toMatchObject({ securityContactEmail: 'security@example.org', securityTxtValidityDays: 90 });

    const wrong = await cli(['keys', 'sign-securitytxt', '--passphrase-stdin'], 'nope nope nope\n');
    expect(wrong.code).toBe(1);
    const signed = await cli(['keys', 'sign-securitytxt', '--passphrase-stdin'], `${PASSPHRASE}\n`);
    expect(signed.code, signed.err).toBe(0);
    expect(signed.out).toContain('security.txt signed with');

    const res = await get('/.well-known/security.txt');
    expect(res.body).toContain('-----BEGIN PGP SIGNED MESSAGE-----');
    expect(res.body).toContain('Contact: mailto:security@example.org');
    expect(res.body).toContain('Preferred-Languages: en, fr');
    const verifier = new GpgHome();
    try {
      verifier.importKey((await get('/pgp-key.txt')).body);
      const verified = verifier.verify(res.body);
      expect(verified.status, verified.stderr).toBe(0);
      expect(verified.stderr).toContain('Good signature from "Imported <imported@example.org>"');
    } finally {
      verifier.destroy();
    }
  });

  it('revokes a key by fingerprint with a reason', async () => {
    const [current] = JSON.parse((await cli(['keys', 'list', '--json'])).out) as { fingerprint: string }[];
    const missing = await cli(['keys', 'revoke', current!.fingerprint]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("required option '--reason <text>'");
    const run = await cli(['keys', 'revoke', current!.fingerprint, '--reason', 'retired after the audit']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(`revoked ${current!.fingerprint}`);
    const list = JSON.parse((await cli(['keys', 'list', '--json'])).out) as { fingerprint: string; status: string; revocationReason: string | null }[];
    expect(list.find((k) => k.fingerprint === current!.fingerprint)).toMatchObject({ status: 'revoked', revocationReason: 'retired after the audit' });
    expect(list.some((k) => k.status === 'current')).toBe(false);
    const exported = await cli(['keys', 'export']);
    expect(exported.code).toBe(1);
    expect(exported.err).toContain('not_found');
    // Served with its revocation, and security.txt falls back to unsigned without Encryption.
    expect((await get('/pgp-key.txt')).status).toBe(200);
    const securityTxt = (await get('/.well-known/security.txt')).body;
    expect(securityTxt).not.toContain('BEGIN PGP');
    expect(securityTxt).not.toContain('Encryption:');
    expect((await cli(['keys', 'revoke', current!.fingerprint, '--reason', 'again'])).err).toContain('conflict');
  });
});
