import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser } from '../helpers/factories.js';

describe.each(DIALECTS)('smoke on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(engine);
  });
  afterAll(async () => t?.close());

  it('answers /healthz and /readyz', async () => {
    expect((await t.request({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await t.request({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toMatchObject({ status: 'ready' });
  });

  it('answers /me with a token', async () => {
    const u = await buildUser(t.context, { roles: ['triager'] });
    const res = await t.request({ method: 'GET', url: '/api/v1/me', token: u.token });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ email: u.row.email, roles: ['triager'] });
    const anon = await t.request({ method: 'GET', url: '/api/v1/me' });
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error.code).toBe('authentication_required');
  });
});
