import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode, totpStep } from '../../src/security/totp.js';
import { listOutbox, readOutboxMessage } from '../../src/domain/mail/mail.service.js';
import { DIALECTS, testClock } from '../helpers/databases.js';
import { buildTestApp, CookieClient, type TestApp } from '../helpers/app.js';
import { TEST_PASSWORD, buildUser } from '../helpers/factories.js';

/** The link the newest mail to `recipient` carries. */
async function mailedLink(t: TestApp, recipient: string): Promise<URL> {
  const items = await listOutbox(t.context.db, { limit: 50 });
  const mail = items.find((m) => m.recipient === recipient);
  if (!mail) throw new Error(`no mail to ${recipient}`);
  const { text } = await readOutboxMessage(t.context, t.context.db, mail.id);
  return new URL(/https?:\/\/\S+/.exec(text)![0]);
}

describe.each(DIALECTS)('accounts and sign-in on %s', (engine) => {
  let t: TestApp;
  const clock = testClock();
  beforeAll(async () => {
    t = await buildTestApp(engine, {}, clock);
  });
  afterAll(async () => t?.close());

  it('signs up a reporter who must verify the email before signing in', async () => {
    const client = new CookieClient(t.app);
    const email = `new-${engine}@example.org`;
    const created = await client.send('POST', '/api/v1/auth/signup', { email, password: 'a long enough password', name: 'New Person' });
    expect(created.statusCode, created.body).toBe(202);
    expect(created.json()).toEqual({ accepted: true });

    const early = await client.send('POST', '/api/v1/auth/signin', { email, password: 'a long enough password' });
    expect(early.statusCode).toBe(403);
    expect(early.json().error.code).toBe('email_not_verified');

    const link = await mailedLink(t, email);
    expect(link.pathname).toBe('/verify-email');
    const verified = await client.send('POST', '/api/v1/auth/verify-email', { token: link.searchParams.get('token') });
    expect(verified.json()).toEqual({ verified: true });
    const again = await client.send('POST', '/api/v1/auth/verify-email', { token: link.searchParams.get('token') });
    expect(again.json().error.code).toBe('token_invalid');

    const signedIn = await client.send('POST', '/api/v1/auth/signin', { email, password: 'a long enough password' });
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().stage).toBe('full');
    const me = await client.send('GET', '/api/v1/me');
    expect(me.json().email).toBe(email);
  });

  it('answers a sign-up with a taken address as any other, and tells the holder by mail', async () => {
    const client = new CookieClient(t.app);
    const u = await buildUser(t.context);
    const dup = await client.send('POST', '/api/v1/auth/signup', { email: u.row.email.toUpperCase(), password: 'a long enough password' });
    expect(dup.statusCode).toBe(202);
    expect(dup.json()).toEqual({ accepted: true });
    const mails = await listOutbox(t.context.db, { limit: 50 });
    expect(mails.find((m) => m.recipient === u.row.email)?.subject).toBe('Someone tried to sign up to cvdesk with your address');
    expect(await t.context.db.selectFrom('users').select('id').where('email', '=', u.row.email).execute()).toHaveLength(1);
  });

  it('refuses a short password and unknown fields with 4xx naming the field', async () => {
    const client = new CookieClient(t.app);
    const short = await client.send('POST', '/api/v1/auth/signup', { email: 'short@example.org', password: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.details[0].field).toBe('/password');
    const extra = await client.send('POST', '/api/v1/auth/signup', { email: 'x@example.org', password: 'a long enough password', admin: true });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.details[0]).toMatchObject({ field: '/admin', message: 'is not an allowed field' });
    const bad = await client.send('POST', '/api/v1/auth/signup', { email: 'not an email', password: 'a long enough password' });
    expect(bad.json().error.details[0].field).toBe('/email');
  });

  it('makes staff finish sign-in with a TOTP code, once per code, and rotates the session', async () => {
    const staff = await buildUser(t.context, { roles: ['triager'] });
    const client = new CookieClient(t.app);
    const first = await client.send('POST', '/api/v1/auth/signin', { email: staff.row.email, password: TEST_PASSWORD });
    expect(first.json().stage).toBe('mfa_pending');
    const pendingCookie = client.cookie;
    const blocked = await client.send('GET', '/api/v1/me');
    expect(blocked.statusCode).toBe(401);
    expect(blocked.json().error.code).toBe('mfa_required');

    const wrong = await client.send('POST', '/api/v1/auth/mfa', { code: '000000' });
    expect(wrong.json().error.code).toBe('mfa_invalid');
    const code = totpCode(staff.totpSecret!, totpStep(clock.now()));
    const done = await client.send('POST', '/api/v1/auth/mfa', { code });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().stage).toBe('full');
    expect((await client.send('GET', '/api/v1/me')).statusCode).toBe(200);

    // Signing in again replaces the session; the old cookie stops working.
    const second = new CookieClient(t.app);
    second.cookie = client.cookie;
    await second.send('POST', '/api/v1/auth/signin', { email: staff.row.email, password: TEST_PASSWORD }, { 'x-csrf-token': client.csrf! });
    expect(second.cookie).not.toBe(pendingCookie);
    const replay = await second.send('POST', '/api/v1/auth/mfa', { code });
    expect(replay.json().error.code).toBe('mfa_invalid');
    const old = await client.send('GET', '/api/v1/me');
    expect(old.statusCode).toBe(401);
  });

  it('accepts a recovery code once', async () => {
    const staff = await buildUser(t.context, { roles: ['lead'] });
    const client = new CookieClient(t.app);
    await client.send('POST', '/api/v1/auth/signin', { email: staff.row.email, password: TEST_PASSWORD });
    const regenerated = await t.request({
      method: 'POST',
      url: '/api/v1/me/two-factor/recovery-codes',
      token: staff.token,
      payload: { code: totpCode(staff.totpSecret!, totpStep(clock.now())) },
    });
    const codes = regenerated.json().recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    const used = await client.send('POST', '/api/v1/auth/mfa', { code: codes[0]!.toLowerCase() });
    expect(used.json().stage).toBe('full');
    const again = new CookieClient(t.app);
    await again.send('POST', '/api/v1/auth/signin', { email: staff.row.email, password: TEST_PASSWORD });
    expect((await again.send('POST', '/api/v1/auth/mfa', { code: codes[0] })).json().error.code).toBe('mfa_invalid');
  });

  it('sends staff without two-factor to enrolment and nowhere else', async () => {
    const staff = await buildUser(t.context, { roles: ['auditor'], mfa: false });
    const client = new CookieClient(t.app);
    const first = await client.send('POST', '/api/v1/auth/signin', { email: staff.row.email, password: TEST_PASSWORD });
    expect(first.json().stage).toBe('mfa_enrollment');
    const blocked = await client.send('GET', '/api/v1/audit');
    expect(blocked.json().error.code).toBe('mfa_enrollment_required');
    const setup = await client.send('POST', '/api/v1/me/two-factor/setup');
    expect(setup.statusCode, setup.body).toBe(200);
    const { secret, otpauthUrl, qrDataUrl } = setup.json();
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const confirmed = await client.send('POST', '/api/v1/me/two-factor/confirm', { code: totpCode(secret, totpStep(clock.now())) });
    expect(confirmed.json().recoveryCodes).toHaveLength(10);
    expect((await client.send('GET', '/api/v1/audit')).statusCode).toBe(200);
    const off = await client.send('DELETE', '/api/v1/me/two-factor', { password: TEST_PASSWORD });
    expect(off.statusCode).toBe(403);
  });

  it('refuses cookie writes without the CSRF token, and cross-origin writes', async () => {
    const user = await buildUser(t.context);
    const client = new CookieClient(t.app);
    await client.send('POST', '/api/v1/auth/signin', { email: user.row.email, password: TEST_PASSWORD });
    const csrf = client.csrf;
    client.csrf = undefined;
    const res = await client.send('POST', '/api/v1/me/tokens', { name: 'x', scopes: ['read'] });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf_failed');
    client.csrf = csrf;
    const foreign = await client.send('POST', '/api/v1/me/tokens', { name: 'x', scopes: ['read'] }, { origin: 'https://evil.example' });
    expect(foreign.json().error.code).toBe('csrf_failed');
    expect((await client.send('POST', '/api/v1/me/tokens', { name: 'x', scopes: ['read'] })).statusCode).toBe(201);
  });

  it('sets a hardened session cookie', async () => {
    const user = await buildUser(t.context);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/signin', payload: { email: user.row.email, password: TEST_PASSWORD } });
    const cookie = res.cookies.find((c) => c.name === 'cvdesk_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  });

  it('expires idle sessions', async () => {
    const user = await buildUser(t.context);
    const client = new CookieClient(t.app);
    await client.send('POST', '/api/v1/auth/signin', { email: user.row.email, password: TEST_PASSWORD });
    expect((await client.send('GET', '/api/v1/me')).statusCode).toBe(200);
    clock.advance(61 * 60_000);
    expect((await client.send('GET', '/api/v1/me')).statusCode).toBe(401);
  });

  it('locks an account after repeated failures and says when to come back', async () => {
    const user = await buildUser(t.context);
    const client = new CookieClient(t.app);
    for (let i = 0; i < 5; i++) {
      const res = await client.send('POST', '/api/v1/auth/signin', { email: user.row.email, password: 'wrong password here' });
      expect(res.json().error.code).toBe('invalid_credentials');
    }
    const locked = await client.send('POST', '/api/v1/auth/signin', { email: user.row.email, password: TEST_PASSWORD });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('account_locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    clock.advance(2 * 60_000);
    expect((await client.send('POST', '/api/v1/auth/signin', { email: user.row.email, password: TEST_PASSWORD })).statusCode).toBe(200);
  });

  it('resets a password by emailed link, without telling who has an account', async () => {
    const user = await buildUser(t.context);
    const unknown = await t.request({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: 'nobody@example.org' } });
    const known = await t.request({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: user.row.email } });
    expect(unknown.statusCode).toBe(202);
    expect(known.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    const link = await mailedLink(t, user.row.email);
    const token = link.searchParams.get('token');
    const done = await t.request({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password: 'my brand new passphrase' } });
    expect(done.statusCode, done.body).toBe(200);
    const client = new CookieClient(t.app);
    expect((await client.send('POST', '/api/v1/auth/signin', { email: user.row.email, password: TEST_PASSWORD })).statusCode).toBe(401);
    expect((await client.send('POST', '/api/v1/auth/signin', { email: user.row.email, password: 'my brand new passphrase' })).statusCode).toBe(200);
    const reuse = await t.request({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password: 'another new passphrase' } });
    expect(reuse.json().error.code).toBe('token_invalid');
  });

  it('expires reset links after an hour', async () => {
    const user = await buildUser(t.context);
    await t.request({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: user.row.email } });
    const token = (await mailedLink(t, user.row.email)).searchParams.get('token');
    clock.advance(61 * 60_000);
    const late = await t.request({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password: 'my brand new passphrase' } });
    expect(late.statusCode).toBe(410);
    expect(late.json().error.code).toBe('link_expired');
  });

  it('signs out', async () => {
    const user = await buildUser(t.context);
    const client = new CookieClient(t.app);
    await client.send('POST', '/api/v1/auth/signin', { email: user.row.email, password: TEST_PASSWORD });
    const cookie = client.cookie;
    expect((await client.send('POST', '/api/v1/auth/signout')).statusCode).toBe(204);
    client.cookie = cookie;
    expect((await client.send('GET', '/api/v1/me')).statusCode).toBe(401);
  });
});

describe.each(DIALECTS)('session lifetime on %s', (engine) => {
  let t: TestApp;
  const clock = testClock();
  beforeAll(async () => {
    t = await buildTestApp(engine, { SESSION_IDLE_MINUTES: '60', SESSION_ABSOLUTE_HOURS: '2' }, clock);
  });
  afterAll(async () => t?.close());

  it('ends a session at its absolute expiry however busy it is', async () => {
    const user = await buildUser(t.context);
    const client = new CookieClient(t.app);
    await client.send('POST', '/api/v1/auth/signin', { email: user.row.email, password: TEST_PASSWORD });
    for (let minutes = 0; minutes < 115; minutes += 30) {
      clock.advance(30 * 60_000);
      const res = await client.send('GET', '/api/v1/me');
      expect(res.statusCode, `after ${minutes + 30} minutes`).toBe(minutes + 30 < 120 ? 200 : 401);
    }
  });

  it('records sign-in and sign-out in the audit log', async () => {
    const user = await buildUser(t.context);
    const client = new CookieClient(t.app);
    await client.send('POST', '/api/v1/auth/signin', { email: user.row.email, password: TEST_PASSWORD });
    await client.send('POST', '/api/v1/auth/signout');
    const actions = (await t.context.db.selectFrom('audit_events').select('action').where('actor_id', '=', user.row.id).execute()).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.signin', 'auth.signout']));
  });
});

describe.each(DIALECTS)('no account enumeration on %s', (engine) => {
  let t: TestApp;
  const clock = testClock();
  beforeAll(async () => {
    t = await buildTestApp(engine, { AUTH_RATE_LIMIT_PER_MINUTE: '1000' }, clock);
  });
  afterAll(async () => t?.close());

  it('locks an unknown address exactly as it locks an account', async () => {
    const user = await buildUser(t.context);
    const attempt = (email: string) => t.request({ method: 'POST', url: '/api/v1/auth/signin', payload: { email, password: 'wrong password here' } });
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push((await attempt(user.row.email)).statusCode);
      unknown.push((await attempt(`nobody-${engine}@example.org`)).statusCode);
    }
    expect(unknown).toEqual(known);
    expect(known.slice(-1)).toEqual([429]);
  });

  it('answers a bad name the same whether or not the address has an account', async () => {
    const user = await buildUser(t.context);
    const bad = (email: string) => t.request({ method: 'POST', url: '/api/v1/auth/signup', payload: { email, name: 'bad\u0007name', password: 'a long enough password' } });
    expect((await bad(user.row.email)).statusCode).toBe((await bad(`new-${engine}@example.org`)).statusCode);
  });

  it('revokes tokens made as a reporter when the account becomes staff', async () => {
    const lead = await buildUser(t.context, { roles: ['lead'] });
    const reporter = await buildUser(t.context);
    expect((await t.request({ method: 'GET', url: '/api/v1/me', token: reporter.token })).statusCode).toBe(200);
    await t.request({ method: 'PATCH', url: `/api/v1/users/${reporter.row.id}`, token: lead.token, payload: { roles: ['triager'] } });
    clock.advance(3000);
    expect((await t.request({ method: 'GET', url: '/api/v1/me', token: reporter.token })).statusCode).toBe(401);
  });

  it('locks the account after wrong passwords behind a session too', async () => {
    const user = await buildUser(t.context);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await t.request({ method: 'POST', url: '/api/v1/me/password', token: user.token, payload: { currentPassword: 'not it at all', newPassword: 'another long passphrase' } })).statusCode);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});
