import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import { buildApp } from '../../src/server/app.js';
import { useCliEnvironment } from '../helpers/cli.js';
import { DIALECTS } from '../helpers/databases.js';

describe.each(DIALECTS)('cvdesk CLI on %s', (engine) => {
  const { cli, environment } = useCliEnvironment(engine);

  it('migrates, then says the database is current', async () => {
    expect((await cli(['migrate'])).out).toMatch(/applied: 20261127_0001_foundation|database is current/);
    expect((await cli(['migrate'])).out).toContain('database is current');
  });

  it('creates a verified account from a password on stdin, and a token that the API accepts', async () => {
    const created = await cli(['user', 'create', '--email', 'ops@example.org', '--role', 'lead,auditor', '--name', 'Ops', '--password-stdin', '--json'], 'an operator password\n');
    expect(created.code, created.err).toBe(0);
    expect(JSON.parse(created.out).user).toMatchObject({ email: 'ops@example.org', roles: ['lead', 'auditor'], emailVerified: true });

    const token = await cli(['token', 'create', '--email', 'ops@example.org', '--name', 'ci']);
    expect(token.code, token.err).toBe(0);
    expect(token.out.trim()).toMatch(/^cvd_[A-Za-z0-9_-]+$/);

    const context = await createContext(environment().config);
    const app = await buildApp(context, { logger: false });
    try {
      const me = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token.out.trim()}` } });
      expect(me.json()).toMatchObject({ email: 'ops@example.org', roles: ['lead', 'auditor'] });
    } finally {
      await app.close();
      await context.close();
    }
  });

  it('prints a set-password link when no password is given', async () => {
    const created = await cli(['user', 'create', '--email', 'new@example.org', '--role', 'triager']);
    expect(created.code, created.err).toBe(0);
    expect(created.out).toMatch(/set-password link \(72 hours\): http:\/\/localhost:8080\/reset-password\?token=\S+&setup=1/);
  });

  it('lists, changes roles, disables and enables accounts', async () => {
    await cli(['user', 'create', '--email', 'tri@example.org', '--role', 'triager']);
    expect((await cli(['user', 'set-role', '--email', 'tri@example.org', '--role', 'cna'])).out).toContain('now has roles cna');
    expect((await cli(['user', 'disable', '--email', 'tri@example.org'])).out).toContain('disabled');
    const listed = JSON.parse((await cli(['user', 'list', '--json'])).out) as { email: string; roles: string[]; disabled: boolean }[];
    expect(listed.find((u) => u.email === 'tri@example.org')).toMatchObject({ roles: ['cna'], disabled: true });
    expect((await cli(['user', 'enable', '--email', 'tri@example.org'])).code).toBe(0);
  });

  it('refuses bad input with a clear message and a non-zero status', async () => {
    const role = await cli(['user', 'create', '--email', 'x@example.org', '--role', 'king']);
    expect(role.code).toBe(1);
    expect(role.err).toContain('unknown role "king"');
    const missing = await cli(['user', 'create', '--role', 'lead']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("required option '--email <email>'");
    const nobody = await cli(['token', 'create', '--email', 'nobody@example.org']);
    expect(nobody.code).toBe(1);
    expect(nobody.err).toContain('not_found');
  });

  it('stops with the variable named when the configuration is invalid', async () => {
    process.env.PORT = 'eighty';
    try {
      const run = await cli(['migrate']);
      expect(run.code).toBe(2);
      expect(run.err).toContain('PORT: expected a whole number');
    } finally {
      delete process.env.PORT;
    }
  });

  it('verifies the audit chain, and names the first tampered event', async () => {
    const intact = await cli(['audit', 'verify']);
    expect(intact.code, intact.err + intact.out).toBe(0);
    expect(intact.out).toMatch(/audit chain intact: \d+ events/);

    const context = await createContext(environment().config);
    try {
      await context.db.updateTable('audit_events').set({ actor_label: 'mallory' }).where('seq', '=', 2).execute();
    } finally {
      await context.close();
    }
    const broken = await cli(['audit', 'verify', '--json']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.out).firstBad).toMatchObject({ seq: 2 });
  });

  it('exports the audit log as JSON lines', async () => {
    const file = path.join(environment().dataDir, 'audit.jsonl');
    expect((await cli(['audit', 'export', '--output', file])).code).toBe(0);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; action: string });
    expect(lines[0]!.seq).toBe(1);
    expect(lines.at(-1)!.action).toBe('audit.exported');
  });

  it('backs up the database', async () => {
    if (engine === 'postgres') {
      const hasPgDump = fs.existsSync('/usr/bin/pg_dump') || fs.existsSync('/usr/lib/postgresql');
      expect(hasPgDump).toBe(true);
    }
    const file = path.join(environment().dataDir, `backup-${engine}.db`);
    const run = await cli(['backup', file]);
    expect(run.code, run.err).toBe(0);
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
    if (engine === 'sqlite') expect(fs.readFileSync(file).subarray(0, 15).toString()).toBe('SQLite format 3');
    else expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('PGDMP');
    expect((await cli(['backup', file])).err).toContain('exists already');
  });

  it('diagnoses the installation', async () => {
    const run = await cli(['doctor', '--json']);
    const findings = JSON.parse(run.out) as { check: string; status: string }[];
    expect(findings.find((f) => f.check === 'database')?.status).toBe('ok');
    expect(findings.find((f) => f.check === 'mail')?.status).toBe('warn');
    expect(findings.find((f) => f.check === 'master key')?.status).toBe('ok');
    expect(findings.find((f) => f.check === 'openpgp key')).toMatchObject({ status: 'warn', message: expect.stringContaining('cvdesk keys generate') });
  });

  it('fills a demonstration organisation, once', async () => {
    const run = await cli(['demo', '--json']);
    expect(run.code, run.err).toBe(0);
    const { accounts, programs, noticeSigningKey } = JSON.parse(run.out) as { accounts: { email: string; roles: string[]; totpSecret?: string }[]; programs: string[]; noticeSigningKey?: string };
    expect(noticeSigningKey).toMatch(/^[0-9A-F]{40}$/);
    expect(accounts.map((a) => a.roles[0])).toEqual(expect.arrayContaining(['lead', 'triager', 'cna', 'auditor', 'reporter']));
    expect(programs).toEqual(['acme-bounty', 'acme-vdp']);
    const context = await createContext(environment().config);
    try {
      const states = (await context.db.selectFrom('reports').select('state').execute()).map((r) => r.state);
      expect(new Set(states)).toEqual(new Set(['new', 'triaged', 'needs_more_info', 'duplicate', 'spam', 'disclosed']));
      expect(await context.db.selectFrom('rewards').select('id').execute()).toHaveLength(1);
    } finally {
      await context.close();
    }
    expect(accounts.filter((a) => a.roles.includes('lead')).every((a) => a.totpSecret)).toBe(true);
    expect((await cli(['demo'])).out).toContain('exists already');
    expect(JSON.parse((await cli(['demo', '--json'])).out).noticeSigningKey).toBeUndefined();
  });

  it('has --help on every command', async () => {
    for (const args of [[], ['user'], ['user', 'create'], ['token', 'create'], ['audit', 'verify'], ['backup'], ['doctor'], ['demo'], ['serve'], ['migrate']]) {
      const run = await cli([...args, '--help']);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.out).toContain('Usage: cvdesk');
    }
  });
});
