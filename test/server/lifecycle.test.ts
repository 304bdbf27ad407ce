import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, createTestEnvironment, type TestEnvironment } from '../helpers/databases.js';

const root = path.resolve(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `cvdesk serve` in a child process, from the TypeScript sources. */
function serve(environment: TestEnvironment, port: number): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), LOG_LEVEL: 'silent', CVDESK_ADMIN_EMAIL: 'first@example.org' };
  if (environment.config.databaseUrl) {
    env.DATABASE_URL = environment.config.databaseUrl;
    env.DATABASE_SCHEMA = environment.config.databaseSchema!;
  }
  const script = `import('./src/cli/main.ts').then((m) => m.runCli(['serve', '--port', '${port}', '--data', ${JSON.stringify(environment.dataDir)}])).then((code) => { if (code) process.exit(code); })`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(DIALECTS)('cvdesk serve on %s', (engine) => {
  let environment: TestEnvironment | undefined;
  let running: ChildProcess | undefined;
  afterEach(async () => {
    running?.kill('SIGKILL');
    await environment?.destroy();
  });

  it('makes the first admin with a one-time link (no default password), finishes in-flight requests on SIGTERM and exits 0', async () => {
    environment = await createTestEnvironment(engine);
    const port = await freePort();
    const server = serve(environment, port);
    running = server.child;
    await waitFor(() => server.output().includes('listening on'), 'the server to listen');
    expect(server.output()).toContain('an administrator account was made for first@example.org');
    expect(server.output()).toMatch(/\/reset-password\?token=[A-Za-z0-9_-]{40,}&setup=1/);
    expect(server.output()).not.toMatch(/password:\s*\S+/i);

    // An in-flight request: headers and half the body sent, then SIGTERM, then the rest.
    const body = JSON.stringify({ email: 'first@example.org', password: 'not the password at all' });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/auth/signin', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
      request.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => request.end(body.slice(10)), 300);
      }, 200);
    });
    const response = await answer;
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body).error.code).toBe('invalid_credentials');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('SIGTERM received');

    // A second start finds the admin and prints no new link.
    const again = serve(environment, port);
    running = again.child;
    await waitFor(() => again.output().includes('listening on'), 'the second start');
    expect(again.output()).not.toContain('administrator account was made');
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 60_000);
});

describe('configuration', () => {
  it('stops start-up naming an invalid variable', async () => {
    const { loadConfig, ConfigError } = await import('../../src/config/config.js');
    expect(() => loadConfig({ PORT: '99999' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '99999' })).toThrow('PORT: must be between 0 and 65535');
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow('DATABASE_URL: must use postgres: or postgresql:');
    expect(() => loadConfig({ CVDESK_MASTER_KEY: 'short' })).toThrow('CVDESK_MASTER_KEY');
    expect(() => loadConfig({ TLS_CERT_FILE: '/x.pem' })).toThrow('TLS_KEY_FILE');
    expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrow('TRUST_PROXY: "maybe" is not an IP address or CIDR range');
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL');
    const config = loadConfig({}, { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-')) });
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', publicUrl: 'http://localhost:8080', databaseUrl: undefined });
    expect(Object.isFrozen(config)).toBe(true);
  });
});
