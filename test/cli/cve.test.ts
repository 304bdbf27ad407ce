import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { createContext } from '../../src/context.js';
import { systemActor } from '../../src/domain/auth/actor.js';
import { saveConnection } from '../../src/domain/cve-ids/cve-services-connection.js';
import { inTransaction } from '../../src/server/transaction.js';
import { DIALECTS, createTestEnvironment, type TestEnvironment } from '../helpers/databases.js';
import { EMULATED, validContainer } from '../cve-services/fixtures.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(args: string[], stdin = ''): Promise<Run> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => (out += t.endsWith('\n') ? t : `${t}\n`), err: (t) => (err += t.endsWith('\n') ? t : `${t}\n`), readStdin: async () => stdin };
  const code = await runCli(args, io);
  return { code, out, err };
}

/** `cvdesk cve-services-emulator` in a child process, as an operator starts it; resolves with its API URL. */
async function startEmulatorProcess(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, 'cve-cli.entry.ts'), 'cve-services-emulator', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CVE_API_KEY: '' },
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${output}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /at (http:\/\/\S+\/api)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`emulator exited ${code}: ${output}`)));
  });
  expect(output).not.toContain(EMULATED.key);
  return { child, url };
}

const saved = { ...process.env };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-cve-cli-'));
const file = (name: string, content: unknown) => {
  const target = path.join(dir, name);
  fs.writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content));
  return target;
};

// The `cve` commands with credentials in the environment need no database: this part runs once.
describe('cvdesk cve against the emulator', () => {
  let emulator: { child: ChildProcess; url: string };

  beforeAll(async () => {
    emulator = await startEmulatorProcess(['--port', '0', '--org', EMULATED.org, '--user', EMULATED.user, '--key', EMULATED.key, '--quota', '10']);
    Object.assign(process.env, { CVE_API_URL: emulator.url, CVE_ORG: EMULATED.org, CVE_USER: EMULATED.user, CVE_API_KEY: EMULATED.key, CVE_API_RETRIES: '0', LOG_LEVEL: 'silent' });
  }, 90_000);
  afterAll(async () => {
    process.env = { ...saved };
    if (emulator) {
      const exited = new Promise((resolve) => emulator.child.once('exit', resolve));
      emulator.child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('has the emulator command in the real program, with the options scripts rely on', async () => {
    const help = await cli(['cve-services-emulator', '--help']);
    expect(help.code).toBe(0);
    for (const option of ['--port', '--org', '--user', '--key', '--quota']) expect(help.out).toContain(option);
    const missing = await cli(['cve-services-emulator', '--port', '0', '--org', 'x']);
    expect(missing.code).toBe(2);
  });

  it('pings: the service is up and accepts the credentials', async () => {
    const run = await cli(['cve', 'ping']);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(`${EMULATED.user} of ${EMULATED.org} is authenticated`);
    const json = JSON.parse((await cli(['cve', 'ping', '--json'])).out);
    expect(json).toMatchObject({ url: emulator.url, environment: 'custom', authenticated: true, available: 10 });
  });

  it('reserves, lists and shows quota; a reservation beyond the quota is partial (exit 3)', async () => {
    const three = await cli(['cve', 'reserve', '3', '--json']);
    expect(three.code, three.err).toBe(0);
    const ids = JSON.parse(three.out).cve_ids.map((i: { cve_id: string }) => i.cve_id) as string[];
    expect(ids).toHaveLength(3);
    const random = await cli(['cve', 'reserve', '2', '--random', '--year', '2025']);
    expect(random.code, random.err).toBe(0);
    expect(random.out).toMatch(/Reserved the following CVE IDs:\nCVE-2025-\d+\nCVE-2025-\d+/);
    const list = await cli(['cve', 'list', '--year', '2025', '--json']);
    expect(JSON.parse(list.out).cve_ids).toHaveLength(2);
    const table = await cli(['cve', 'list', '--state', 'reserved']);
    expect(table.out.trim().split('\n')).toHaveLength(6);
    expect(table.out).toContain(ids[0]);
    expect(JSON.parse((await cli(['cve', 'quota', '--json'])).out)).toEqual({ id_quota: 10, total_reserved: 5, available: 5 });
    const partial = await cli(['cve', 'reserve', '8']);
    expect(partial.code).toBe(3);
    expect(partial.out).toMatch(/Reserved only 5 of 8 CVE IDs/);
    const none = await cli(['cve', 'reserve']);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/cve_services_error: .*403 EXCEEDED_ID_QUOTA/);
    expect((await cli(['cve', 'list', '--state', 'DELETED'])).code).toBe(2);
  });

  it('validates a record or a container: exit 0 only when it passes, each problem with its JSON path', async () => {
    const good = await cli(['cve', 'validate', file('good.json', { ...validContainer(), providerMetadata: { orgId: '6dda929c-bb53-4a77-a76d-48e79601a1ce' } })]);
    expect(good.code, good.out + good.err).toBe(0);
    // As cvelib users write them: without providerMetadata, which the service sets.
    const bare = await cli(['cve', 'validate', file('bare.json', validContainer())]);
    expect(bare.code, bare.out).toBe(0);
    expect(bare.out).toContain('valid CNA container');
    const record = await cli(['cve', 'validate', file('record.json', { dataType: 'CVE_RECORD', dataVersion: '5.2.0', cveMetadata: { cveId: 'CVE-2026-1000', assignerOrgId: '6dda929c-bb53-4a77-a76d-48e79601a1ce', state: 'PUBLISHED' }, containers: { cna: validContainer() } })]);
    expect(record.code).toBe(1);
    expect(record.out).toContain('/containers/cna/providerMetadata: is required');
    const bad = await cli(['cve', 'validate', file('bad.json', { ...validContainer({ problemTypes: undefined, descriptions: [{ lang: 'de', value: 'Nur Deutsch' }] }), providerMetadata: { orgId: '6dda929c-bb53-4a77-a76d-48e79601a1ce' } })]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/\/descriptions: /);
    const json = await cli(['cve', 'validate', '--json', '-'], JSON.stringify({ dataType: 'CVE_RECORD' }));
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.out);
    expect(parsed).toMatchObject({ valid: false, kind: 'record' });
    expect(parsed.errors.every((e: { path: string }) => typeof e.path === 'string')).toBe(true);
    expect((await cli(['cve', 'validate', file('broken.json', '{ not json')])).err).toMatch(/not valid JSON/);
  });

  it('publishes, updates, rejects and brings back a record; undo-reject returns an ID to RESERVED', async () => {
    // The quota is used up by now; publish and reject the IDs the earlier test reserved.
    const ids = JSON.parse((await cli(['cve', 'list', '--state', 'RESERVED', '--year', String(new Date().getUTCFullYear()), '--json'])).out).cve_ids.map((i: { cve_id: string }) => i.cve_id) as string[];
    const [a, b] = ids as [string, string];
    const container = file('container.json', validContainer());
    const published = await cli(['cve', 'publish', a, '-f', container]);
    expect(published.code, published.err).toBe(0);
    expect(published.out).toContain(`Published the record of ${a}`);
    expect((await cli(['cve', 'publish', a, '-f', file('record.json', { containers: { cna: validContainer({ title: 'New title' }) } })])).out).toContain(`Updated the record of ${a}`);
    const show = await cli(['cve', 'show', a, '--json']);
    expect(JSON.parse(show.out)).toMatchObject({ id: { state: 'PUBLISHED' }, record: { containers: { cna: { title: 'New title' } } } });

    expect((await cli(['cve', 'reject', a])).code).toBe(2); // --reason is required
    const rejected = await cli(['cve', 'reject', a, '--reason', 'Duplicate of another CVE ID.']);
    expect(rejected.code, rejected.err).toBe(0);
    expect((await cli(['cve', 'show', a])).out).toMatch(new RegExp(`${a}\\tREJECTED`));
    expect((await cli(['cve', 'publish', a, '-f', container])).code).toBe(0);
    expect((await cli(['cve', 'show', a])).out).toMatch(new RegExp(`${a}\\tPUBLISHED`));

    expect((await cli(['cve', 'reject', b, '--reason', 'Reserved by mistake.'])).code).toBe(0);
    // b now has a rejected record: undo-reject is refused with the service's reason…
    const undo = await cli(['cve', 'undo-reject', b]);
    expect(undo.code).toBe(1);
    expect(undo.err).toMatch(/CVE_RECORD_EXISTS/);
    // …while an ID rejected without a record goes back to RESERVED.
    const c = ids[2]!;
    expect((await cli(['cve', 'reject', c, '--reason', 'Not needed.'])).code).toBe(0);
  });

  it('refuses an invalid record before sending it, wrong-form IDs, and reports wrong credentials and an unreachable service', async () => {
    const before = JSON.parse((await cli(['cve', 'list', '--json'])).out).cve_ids.length;
    const reserved = JSON.parse((await cli(['cve', 'list', '--state', 'RESERVED', '--json'])).out).cve_ids as { cve_id: string }[];
    const target = reserved[0]?.cve_id ?? 'CVE-2026-1000';
    const invalid = await cli(['cve', 'publish', target, '-f', file('invalid.json', validContainer({ references: [] }))]);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toMatch(/was not published: the container fails validation\n\/references/);
    expect(JSON.parse((await cli(['cve', 'show', target, '--json'])).out).id.state).toBe(reserved[0] ? 'RESERVED' : expect.any(String));
    const wrong = await cli(['cve', 'show', 'CVE-26-1']);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/not a CVE ID/);
    expect(JSON.parse((await cli(['cve', 'list', '--json'])).out).cve_ids.length).toBe(before);

    process.env.CVE_API_KEY = 'the-wrong-key-value';
    const denied = await cli(['cve', 'quota']);
    process.env.CVE_API_KEY = EMULATED.key;
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(/^cve_services_auth_failed: .*401 UNAUTHORIZED/);
    expect(denied.err + denied.out).not.toContain('the-wrong-key-value');

    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    process.env.CVE_API_URL = `http://127.0.0.1:${port}/api`;
    const down = await cli(['cve', 'ping']);
    process.env.CVE_API_URL = emulator.url;
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/^cve_services_unavailable: .*cannot connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
});

describe.each(DIALECTS)('cvdesk cve with credentials from the settings on %s', (engine) => {
  let environment: TestEnvironment;
  let emulator: { child: ChildProcess; url: string };

  beforeAll(async () => {
    environment = await createTestEnvironment(engine);
    for (const name of ['CVE_API_URL', 'CVE_ORG', 'CVE_USER', 'CVE_API_KEY', 'CVE_API_KEY_FILE']) delete process.env[name];
    Object.assign(process.env, { LOG_LEVEL: 'silent', RUN_JOBS: 'false', PUBLIC_URL: 'http://localhost:8080', CVE_API_RETRIES: '0' });
    if (environment.config.databaseUrl) Object.assign(process.env, { DATABASE_URL: environment.config.databaseUrl, DATABASE_SCHEMA: environment.config.databaseSchema! });
    emulator = await startEmulatorProcess(['--port', '0', '--org', EMULATED.org, '--user', EMULATED.user, '--key', EMULATED.key]);
  }, 90_000);
  afterAll(async () => {
    process.env = { ...saved };
    emulator?.child.kill('SIGTERM');
    await environment?.destroy();
  });

  it('says how to configure CVE Services, then uses what a lead entered', async () => {
    const unconfigured = await cli(['cve', 'quota', '--data', environment.dataDir]);
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.err).toMatch(/^cve_services_not_configured: .*CVE_API_URL, CVE_ORG, CVE_USER and CVE_API_KEY/);
    const context = await createContext(environment.config);
    try {
      await inTransaction(context, (trx) => saveConnection(context, trx, systemActor('test'), { url: emulator.url, org: EMULATED.org, user: EMULATED.user, apiKey: EMULATED.key }));
    } finally {
      await context.close();
    }
    const quota = await cli(['cve', 'quota', '--json', '--data', environment.dataDir]);
    expect(quota.code, quota.err).toBe(0);
    expect(JSON.parse(quota.out)).toEqual({ id_quota: 1000, total_reserved: 0, available: 1000 });
  });
});
