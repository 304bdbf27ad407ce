import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/domain/auth/actor.js';
import { addKey, prepareGeneratedKey, prepareRotatedKey, publishedPublicKeys } from '../../src/domain/keys/keys.service.js';
import { currentSecurityTxt, prepareSecurityTxtSignature, storeSecurityTxtSignature } from '../../src/domain/keys/security-txt.service.js';
import { checkSecurityTxt } from '../../src/domain/securitytxt/securitytxt.validator.js';
import { changeSettings } from '../../src/domain/settings/settings.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS, testClock } from '../helpers/databases.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { GpgHome } from '../helpers/gpg.js';

const PASSPHRASE = 'a passphrase for the security team';
const operator = systemActor('test');
const DAY = 86_400_000;

/** The fields of a security.txt (signed or not): name → values. */
function fields(text: string): Map<string, string[]> {
  const body = text.includes('-----BEGIN PGP SIGNED MESSAGE-----') ? text.split(/\n\n/).slice(1).join('\n\n').split('-----BEGIN PGP SIGNATURE-----')[0]! : text;
  const map = new Map<string, string[]>();
  for (const line of body.split('\n')) {
    const match = /^([A-Za-z-]+): (.*)$/.exec(line);
    if (match) map.set(match[1]!, [...(map.get(match[1]!) ?? []), match[2]!]);
  }
  return map;
}

describe.each(DIALECTS)('security.txt on %s', (engine) => {
  let t: TestApp;
  let lead: BuiltUser;
  let triager: BuiltUser;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
  });
  afterAll(async () => t?.close());

  it('serves an unsigned file built from the defaults while there is no key, with Expires under a year ahead', async () => {
    const res = await t.request({ method: 'GET', url: '/.well-known/security.txt' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).not.toContain('\r');
    expect(res.body.endsWith('\n')).toBe(true);
    expect(res.body).not.toContain('BEGIN PGP');
    const f = fields(res.body);
    expect(f.get('Contact')).toEqual(['http://localhost:8080/report']);
    expect(f.get('Encryption')).toBeUndefined();
    expect(f.get('Acknowledgments')).toEqual(['http://localhost:8080/hall-of-fame']);
    expect(f.get('Policy')).toEqual(['http://localhost:8080/security']);
    expect(f.get('Preferred-Languages')).toEqual(['en']);
    expect(f.get('Canonical')).toEqual(['http://localhost:8080/.well-known/security.txt']);
    expect(f.get('Hiring')).toBeUndefined();
    expect(f.get('CSAF')).toBeUndefined();

    const expires = Date.parse(f.get('Expires')![0]!);
    expect(f.get('Expires')![0]).toMatch(/^\d{4}-\d\d-\d\dT00:00:00Z$/);
    expect(expires - Date.now()).toBeLessThan(365 * DAY);
    expect(expires - Date.now()).toBeGreaterThan(179 * DAY);
    // Stable within the day.
    expect((await t.request({ method: 'GET', url: '/.well-known/security.txt' })).body).toBe(res.body);
  });

  it('redirects /security.txt permanently to /.well-known/security.txt', async () => {
    const res = await t.request({ method: 'GET', url: '/security.txt' });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/.well-known/security.txt');
  });

  it('signs with the current key when a lead asks, and the signed file verifies with GnuPG and has every field', async () => {
    const patch = await t.request({
      method: 'PATCH',
      url: '/api/v1/settings',
      token: lead.token,
      payload: {
        organisationName: 'Example Corp',
        securityContactEmail: 'security@example.org',
        securityContactUris: ['https://example.org/contact'],
        hiringUrl: 'https://example.org/jobs',
        csafProviderMetadataUrl: 'https://example.org/.well-known/csaf/provider-metadata.json',
        preferredLanguages: ['en', 'de'],
      },
    });
    expect(patch.statusCode, patch.body).toBe(200);

    const noKey = await t.request({ method: 'POST', url: '/api/v1/security-txt/sign', token: lead.token, payload: { passphrase: PASSPHRASE } });
    expect(noKey.statusCode).toBe(409);

    const prepared = await prepareGeneratedKey(t.context, operator, { name: 'Example Security', email: 'security@example.org', passphrase: PASSPHRASE });
    const key = await inTransaction(t.context, (trx) => addKey(t.context, trx, operator, prepared));

    // Unsigned until someone signs, but now naming the key.
    const unsigned = await t.request({ method: 'GET', url: '/.well-known/security.txt' });
    expect(unsigned.body).not.toContain('BEGIN PGP');
    expect(fields(unsigned.body).get('Encryption')).toEqual(['http://localhost:8080/pgp-key.txt']);

    const forbidden = await t.request({ method: 'POST', url: '/api/v1/security-txt/sign', token: triager.token, payload: { passphrase: PASSPHRASE } });
    expect(forbidden.statusCode).toBe(403);
    const wrong = await t.request({ method: 'POST', url: '/api/v1/security-txt/sign', token: lead.token, payload: { passphrase: 'not the passphrase' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details).toEqual([{ field: '/passphrase', message: 'does not unlock the key' }]);

    const signed = await t.request({ method: 'POST', url: '/api/v1/security-txt/sign', token: lead.token, payload: { passphrase: PASSPHRASE } });
    expect(signed.statusCode, signed.body).toBe(201);
    expect(signed.json().signature).toMatchObject({ fingerprint: key.fingerprint, signedBy: lead.row.email, inUse: true, problem: null });

    const res = await t.request({ method: 'GET', url: '/.well-known/security.txt' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA\d+\n\n# Security contact for Example Corp/);
    expect(res.body).toContain('-----BEGIN PGP SIGNATURE-----');
    expect(res.body).not.toContain('\r');
    const f = fields(res.body);
    expect(f.get('Contact')).toEqual(['http://localhost:8080/report', 'mailto:security@example.org', 'https://example.org/contact']);
    expect(f.get('Encryption')).toEqual(['http://localhost:8080/pgp-key.txt']);
    expect(f.get('Acknowledgments')).toEqual(['http://localhost:8080/hall-of-fame']);
    expect(f.get('Policy')).toEqual(['http://localhost:8080/security']);
    expect(f.get('Preferred-Languages')).toEqual(['en, de']);
    expect(f.get('Canonical')).toEqual(['http://localhost:8080/.well-known/security.txt']);
    expect(f.get('Hiring')).toEqual(['https://example.org/jobs']);
    expect(f.get('CSAF')).toEqual(['https://example.org/.well-known/csaf/provider-metadata.json']);
    expect(Date.parse(f.get('Expires')![0]!) - Date.now()).toBeLessThan(365 * DAY);

    const gpg = new GpgHome();
    try {
      gpg.importKey((await t.request({ method: 'GET', url: '/pgp-key.txt' })).body);
      const verified = gpg.verify(res.body);
      expect(verified.status, verified.stderr).toBe(0);
      expect(verified.stderr).toContain('Good signature from "Example Security <security@example.org>"');
      expect(verified.stderr.replace(/\s/g, '')).toContain(key.fingerprint);
      // A tampered copy fails.
      expect(gpg.verify(res.body.replace('mailto:security@example.org', 'mailto:attacker@example.net')).status).not.toBe(0);
    } finally {
      gpg.destroy();
    }

    const status = await t.request({ method: 'GET', url: '/api/v1/security-txt', token: triager.token });
    expect(status.json()).toMatchObject({ signed: true, text: res.body, signature: { inUse: true } });
  });

  it('falls back to the unsigned file when the settings or the key change after signing', async () => {
    expect((await currentSecurityTxt(t.context, t.context.db)).signed).toBe(true);
    const patch = await t.request({ method: 'PATCH', url: '/api/v1/settings', token: lead.token, payload: { hiringUrl: null } });
    expect(patch.statusCode).toBe(200);
    const after = await t.request({ method: 'GET', url: '/.well-known/security.txt' });
    expect(after.body).not.toContain('BEGIN PGP');
    expect(fields(after.body).get('Hiring')).toBeUndefined();
    const status = await t.request({ method: 'GET', url: '/api/v1/security-txt', token: lead.token });
    expect(status.json()).toMatchObject({ signed: false, signature: { inUse: false, problem: 'settings_changed' } });

    // Signed again; then a rotation makes it stale too.
    const prepared = await prepareSecurityTxtSignature(t.context, t.context.db, operator, PASSPHRASE);
    await inTransaction(t.context, (trx) => storeSecurityTxtSignature(t.context, trx, operator, prepared));
    expect((await currentSecurityTxt(t.context, t.context.db)).signed).toBe(true);
    const next = await prepareRotatedKey(t.context, t.context.db, operator, { passphrase: PASSPHRASE });
    await inTransaction(t.context, (trx) => addKey(t.context, trx, operator, next));
    expect((await currentSecurityTxt(t.context, t.context.db)).signed).toBe(false);
    expect((await t.request({ method: 'GET', url: '/api/v1/security-txt', token: lead.token })).json().signature.problem).toBe('key_changed');
  });

  it('refuses to store a signature made before the settings changed', async () => {
    const prepared = await prepareSecurityTxtSignature(t.context, t.context.db, operator, PASSPHRASE);
    await inTransaction(t.context, async (trx) => {
      await trx.insertInto('settings').values({ key: 'organisationName', value: JSON.stringify('Renamed Corp'), updated_at: new Date().toISOString(), updated_by: 'test' })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify('Renamed Corp') }))
        .execute();
    });
    await expect(inTransaction(t.context, (trx) => storeSecurityTxtSignature(t.context, trx, operator, prepared))).rejects.toMatchObject({ code: 'conflict' });
  });

  it('passes the strict RFC 9116 validator (src/domain/securitytxt), unsigned and signed', async () => {
    const secure = await buildTestApp(engine, { PUBLIC_URL: 'https://cvd.example.org' });
    try {
      const url = 'https://cvd.example.org/.well-known/security.txt';
      const unsigned = await checkSecurityTxt((await secure.request({ method: 'GET', url: '/.well-known/security.txt' })).body, { url });
      expect(unsigned.errors).toEqual([]);
      expect(unsigned.recommendations.map((r) => r.code)).toEqual(['not_signed']);

      await inTransaction(secure.context, (trx) =>
        changeSettings(secure.context, trx, operator, {
          securityContactEmail: 'security@example.org',
          hiringUrl: 'https://example.org/jobs',
          csafProviderMetadataUrl: 'https://example.org/.well-known/csaf/provider-metadata.json',
          preferredLanguages: ['en', 'de'],
        }),
      );
      const prepared = await prepareGeneratedKey(secure.context, operator, { name: 'Secure', email: 'security@example.org', passphrase: PASSPHRASE });
      await inTransaction(secure.context, (trx) => addKey(secure.context, trx, operator, prepared));
      const signature = await prepareSecurityTxtSignature(secure.context, secure.context.db, operator, PASSPHRASE);
      await inTransaction(secure.context, (trx) => storeSecurityTxtSignature(secure.context, trx, operator, signature));
      const text = (await secure.request({ method: 'GET', url: '/.well-known/security.txt' })).body;
      const report = await checkSecurityTxt(text, { url, verificationKeys: [(await publishedPublicKeys(secure.context, secure.context.db))!] });
      expect(report).toMatchObject({ valid: true, errors: [], recommendations: [], notifications: [] });
    } finally {
      await secure.close();
    }
  });

  it('keeps Expires stable within a day, renews it daily, and stops serving a signed copy past its Expires', async () => {
    const clock = testClock(new Date('2026-11-27T12:00:00Z'));
    const timed = await buildTestApp(engine, {}, clock);
    try {
      const first = fields((await timed.request({ method: 'GET', url: '/.well-known/security.txt' })).body).get('Expires')![0];
      expect(first).toBe('2027-05-26T00:00:00Z'); // 2026-11-27 + 180 days
      clock.advance(11 * 3_600_000); // 23:00, same day
      expect(fields((await timed.request({ method: 'GET', url: '/.well-known/security.txt' })).body).get('Expires')![0]).toBe(first);
      clock.advance(2 * 3_600_000); // next day
      expect(fields((await timed.request({ method: 'GET', url: '/.well-known/security.txt' })).body).get('Expires')![0]).toBe('2027-05-27T00:00:00Z');

      const patch = await timed.request({ method: 'PATCH', url: '/api/v1/settings', token: (await buildUser(timed.context, { roles: ['lead'] })).token, payload: { securityTxtValidityDays: 364 } });
      expect(patch.statusCode).toBe(200);
      const longest = Date.parse(fields((await timed.request({ method: 'GET', url: '/.well-known/security.txt' })).body).get('Expires')![0]!);
      expect(longest - clock.now().getTime()).toBeLessThan(365 * DAY);

      const prepared = await prepareGeneratedKey(timed.context, operator, { name: 'Timed', email: 'timed@example.org', passphrase: PASSPHRASE });
      await inTransaction(timed.context, (trx) => addKey(timed.context, trx, operator, prepared));
      const signature = await prepareSecurityTxtSignature(timed.context, timed.context.db, operator, PASSPHRASE);
      await inTransaction(timed.context, (trx) => storeSecurityTxtSignature(timed.context, trx, operator, signature));
      expect((await currentSecurityTxt(timed.context, timed.context.db)).signed).toBe(true);
      clock.advance(363 * DAY);
      expect((await currentSecurityTxt(timed.context, timed.context.db)).signed).toBe(true);
      clock.advance(DAY);
      const expired = await currentSecurityTxt(timed.context, timed.context.db);
      expect(expired.signed).toBe(false);
      expect(Date.parse(expired.expiresAt)).toBeGreaterThan(clock.now().getTime());
    } finally {
      await timed.close();
    }
  });
});
