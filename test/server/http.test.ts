import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser } from '../helpers/factories.js';

describe.each(DIALECTS)('HTTP hardening on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(engine, { BODY_LIMIT_BYTES: '4096', AUTH_RATE_LIMIT_PER_MINUTE: '5', METRICS_TOKEN: 'metrics-secret-for-tests' });
  });
  afterAll(async () => t?.close());

  it('sends strict security headers on pages and API', async () => {
    for (const url of ['/healthz', '/api/v1/me', '/signin']) {
      const res = await t.request({ method: 'GET', url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toMatch(url.startsWith('/api/v1/') ? /^default-src 'none'/ : /script-src 'self'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      if (url.startsWith('/api/v1/')) expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
      else expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
    expect((await t.request({ method: 'GET', url: '/api/v1/me' })).headers['cache-control']).toBe('no-store');
  });

  it('adds HSTS when the request came over TLS', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-proto': 'https' } });
    // trustProxy is off by default: a forwarded header alone must not switch HSTS on.
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('answers unknown API routes with the error shape', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String), details: [] } });
  });

  it('refuses bodies over the limit with 413', async () => {
    const res = await t.request({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: 'a@example.org', password: 'x'.repeat(5000) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('refuses malformed JSON with 400 and unknown media types with 415', async () => {
    const bad = await t.request({ method: 'POST', url: '/api/v1/auth/password-reset', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_json');
    const xml = await t.request({ method: 'POST', url: '/api/v1/auth/password-reset', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe('unsupported_media_type');
  });

  it('names the query field that is wrong', async () => {
    const lead = await buildUser(t.context, { roles: ['lead'] });
    const res = await t.request({ method: 'GET', url: '/api/v1/audit?limit=9999', token: lead.token });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe('querystring:/limit');
    const id = await t.request({ method: 'PATCH', url: '/api/v1/users/not-a-uuid', token: lead.token, payload: { disabled: true } });
    expect(id.statusCode).toBe(400);
    expect(id.json().error.details[0].field).toBe('params:/id');
  });

  it('rejects a bad or revoked token with 401', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/me', token: 'cvd_not-a-real-token' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('token_invalid');
    const user = await buildUser(t.context);
    const list = await t.request({ method: 'GET', url: '/api/v1/me/tokens', token: user.token });
    await t.request({ method: 'DELETE', url: `/api/v1/me/tokens/${list.json().items[0].id}`, token: user.token });
    expect((await t.request({ method: 'GET', url: '/api/v1/me', token: user.token })).statusCode).toBe(401);
  });

  it('shows a token once and stores only its hash', async () => {
    const user = await buildUser(t.context);
    const res = await t.request({ method: 'POST', url: '/api/v1/me/tokens', token: user.token, payload: { name: 'ci', scopes: ['read'], expiresInDays: 30 } });
    expect(res.statusCode).toBe(201);
    const { token, item } = res.json();
    expect(token).toMatch(/^cvd_/);
    expect(item).toMatchObject({ name: 'ci', scopes: ['read'], prefix: token.slice(0, 12) });
    const rows = await t.context.db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    const listed = await t.request({ method: 'GET', url: '/api/v1/me/tokens', token: user.token });
    expect(listed.body).not.toContain(token);
  });

  it('rate-limits authentication routes per client', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await t.request({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: 'someone@example.org' }, remoteAddress: '10.9.8.7' });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        expect(res.json().error.code).toBe('rate_limited');
        expect(res.headers['retry-after']).toBeDefined();
      }
    }
    expect(statuses.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('serves metrics to loopback, or with the metrics token, and not otherwise', async () => {
    const local = await t.request({ method: 'GET', url: '/metrics' });
    expect(local.statusCode).toBe(200);
    expect(local.body).toContain('cvdesk_http_request_duration_seconds_count');
    const remote = await t.request({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.5' });
    expect(remote.statusCode).toBe(403);
    const withToken = await t.request({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.5', headers: { authorization: 'Bearer metrics-secret-for-tests' } });
    expect(withToken.statusCode).toBe(200);
  });

  it('serves a readable API reference without script', async () => {
    const res = await t.request({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('/api/v1/me');
    expect(res.body).not.toContain('<script');
  });
});

describe.each(DIALECTS)('request logs on %s', (engine) => {
  it('never record query strings, which may carry link tokens', async () => {
    const { createTestContext } = await import('../helpers/databases.js');
    const { buildApp } = await import('../../src/server/app.js');
    const context = await createTestContext(engine, { RUN_JOBS: 'false', LOG_LEVEL: 'trace' });
    const lines: string[] = [];
    const app = await buildApp(context, { logStream: { write: (line: string) => lines.push(line) } });
    try {
      await app.inject({ method: 'GET', url: '/reset-password?token=SECRET-LINK-TOKEN&setup=1' });
      await app.inject({ method: 'POST', url: '/api/v1/auth/verify-email?token=SECRET-LINK-TOKEN', payload: { token: 'SECRET-BODY-TOKEN' } });
      expect(lines.length).toBeGreaterThan(2);
      expect(lines.join('\n')).not.toContain('SECRET-LINK-TOKEN');
      expect(lines.join('\n')).not.toContain('SECRET-BODY-TOKEN');
      expect(lines.join('\n')).toContain('/reset-password');
    } finally {
      await app.close();
      await context.close();
    }
  });
});

describe('proxy trust', () => {
  it('refuses TRUST_PROXY=true and takes hop counts or addresses', async () => {
    const { loadConfig } = await import('../../src/config/config.js');
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow('TRUST_PROXY: give the number of proxies');
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.example' })).toThrow('not an IP address or CIDR range');
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.0.1.0/24' }).trustProxy).toEqual(['10.0.0.5', '10.0.1.0/24']);
  });

  it('behind a proxy, forged X-Forwarded-For neither opens /metrics nor escapes rate limits', async () => {
    const t = await buildTestApp('sqlite', { TRUST_PROXY: '127.0.0.1', AUTH_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const forged = await t.request({ method: 'GET', url: '/metrics', headers: { 'x-forwarded-for': '127.0.0.1' }, remoteAddress: '203.0.113.9' });
      expect(forged.statusCode).toBe(403);
      const viaProxy = await t.request({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
      expect(viaProxy.statusCode).toBe(403);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await t.request({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: 'a@example.org' }, remoteAddress: '203.0.113.9', headers: { 'x-forwarded-for': `198.51.100.${i}` } });
        statuses.push(res.statusCode);
      }
      expect(statuses).toContain(429);
    } finally {
      await t.close();
    }
  });
});

describe.each(DIALECTS)('NUL characters on %s', (engine) => {
  it('are refused with 400 naming the field, on every engine', async () => {
    const t = await buildTestApp(engine);
    try {
      const lead = await buildUser(t.context, { roles: ['lead'] });
      const signin = await t.request({ method: 'POST', url: '/api/v1/auth/signin', payload: { email: 'a\u0000@example.org', password: 'x' } });
      expect(signin.statusCode).toBe(400);
      expect(signin.json().error.details[0]).toMatchObject({ field: '/email', message: 'must not contain NUL characters' });
      for (const url of ['/api/v1/programs/a%00b', '/api/v1/disclosed?program=a%00b', '/api/v1/users?q=%00', '/api/v1/audit?action=%00']) {
        const res = await t.request({ method: 'GET', url, token: lead.token });
        expect(res.statusCode, url).toBe(400);
      }
    } finally {
      await t.close();
    }
  });
});
