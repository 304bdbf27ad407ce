import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/main.js';
import { DIALECTS, createTestEnvironment, type TestEnvironment } from '../helpers/databases.js';
import { loadConfig } from '../../src/config/config.js';
import { buildUser, TEST_PASSWORD } from '../helpers/factories.js';

function get(url: string, ca: Buffer, options: { method?: string; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method: options.method ?? 'GET', ca, headers: options.body ? { 'content-type': 'application/json' } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

describe.each(DIALECTS)('cvdesk served over TLS on %s', (engine) => {
  let environment: TestEnvironment;
  let server: RunningServer;
  let ca: Buffer;
  let base: string;

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvdesk-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    ca = fs.readFileSync(path.join(dir, 'cert.pem'));
    environment = await createTestEnvironment(engine);
    const config = loadConfig(
      { LOG_LEVEL: 'silent', RUN_JOBS: 'false', TLS_CERT_FILE: path.join(dir, 'cert.pem'), TLS_KEY_FILE: path.join(dir, 'key.pem'), PORT: '0', PUBLIC_URL: 'https://localhost' },
      { dataDir: environment.dataDir, databaseUrl: environment.config.databaseUrl, databaseSchema: environment.config.databaseSchema },
    );
    server = await startServer(config, () => undefined);
    base = server.url.replace('127.0.0.1', 'localhost');
  });
  afterAll(async () => {
    await server?.stop();
    await environment?.destroy();
  });

  it('sends HSTS and marks the session cookie Secure', async () => {
    const health = await get(`${base}/healthz`, ca);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const user = await buildUser(server.context);
    const signin = await get(`${base}/api/v1/auth/signin`, ca, { method: 'POST', body: JSON.stringify({ email: user.row.email, password: TEST_PASSWORD }) });
    expect(signin.status).toBe(200);
    const cookie = String(signin.headers['set-cookie']);
    expect(cookie).toContain('cvdesk_session=');
    expect(cookie).toContain('; Secure');
    expect(cookie).toContain('HttpOnly');
  });
});
