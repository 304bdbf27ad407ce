import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/domain/auth/actor.js';
import { changeSettings, getSettings, readSettings } from '../../src/domain/settings/settings.service.js';
import { inTransaction } from '../../src/server/transaction.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';

describe.each(DIALECTS)('organisation settings on %s', (engine) => {
  let t: TestApp;
  let lead: BuiltUser;
  let triager: BuiltUser;
  let reporter: BuiltUser;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
    reporter = await buildUser(t.context, { roles: ['reporter'] });
  });
  afterAll(async () => t?.close());

  it('starts from defaults that follow PUBLIC_URL', async () => {
    const settings = await readSettings(t.context, t.context.db);
    expect(settings).toEqual({
      organisationName: 'localhost',
      securityContactEmail: null,
      securityContactUris: [],
      securityPolicyUrl: 'http://localhost:8080/security',
      acknowledgmentsUrl: 'http://localhost:8080/hall-of-fame',
      hiringUrl: null,
      preferredLanguages: ['en'],
      csafProviderMetadataUrl: null,
      securityTxtValidityDays: 180,
    });
  });

  it('lets staff read the settings with their defaults, and refuses reporters', async () => {
    const res = await t.request({ method: 'GET', url: '/api/v1/settings', token: triager.token });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.settings.securityTxtValidityDays).toBe(180);
    expect(body.details.find((d: { key: string }) => d.key === 'securityPolicyUrl')).toMatchObject({ isDefault: true, default: 'http://localhost:8080/security', updatedAt: null });
    const refused = await t.request({ method: 'GET', url: '/api/v1/settings', token: reporter.token });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
  });

  it('lets only a lead change settings, normalising values and writing one audit event', async () => {
    const denied = await t.request({ method: 'PATCH', url: '/api/v1/settings', token: triager.token, payload: { organisationName: 'Nope' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({ code: 'forbidden', message: 'Only leads may change the settings' });

    const res = await t.request({
      method: 'PATCH',
      url: '/api/v1/settings',
      token: lead.token,
      payload: {
        organisationName: '  Example  Corp ',
        securityContactEmail: 'mailto:Security@Example.ORG',
        securityContactUris: ['https://example.org/contact', 'tel:+1-201-555-0123'],
        preferredLanguages: ['EN', 'de-at'],
        hiringUrl: 'https://example.org/jobs',
        csafProviderMetadataUrl: 'https://example.org/.well-known/csaf/provider-metadata.json',
        securityTxtValidityDays: 90,
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().settings).toMatchObject({
      organisationName: 'Example  Corp',
      securityContactEmail: 'security@example.org',
      securityContactUris: ['https://example.org/contact', 'tel:+1-201-555-0123'],
      preferredLanguages: ['en', 'de-AT'],
      securityTxtValidityDays: 90,
    });
    const detail = res.json().details.find((d: { key: string }) => d.key === 'hiringUrl');
    expect(detail).toMatchObject({ isDefault: false, updatedBy: lead.row.email });

    const audit = await t.context.db.selectFrom('audit_events').selectAll().where('action', '=', 'settings.changed').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.data).changes.securityTxtValidityDays).toEqual({ from: 180, to: 90 });
    expect(audit[0]!.actor_id).toBe(lead.row.id);
  });

  it('resets a setting to its default with null, and does nothing (no audit) when nothing changes', async () => {
    const before = await t.context.db.selectFrom('audit_events').select('seq').where('action', '=', 'settings.changed').execute();
    const same = await t.request({ method: 'PATCH', url: '/api/v1/settings', token: lead.token, payload: { securityTxtValidityDays: 90 } });
    expect(same.statusCode).toBe(200);
    expect(await t.context.db.selectFrom('audit_events').select('seq').where('action', '=', 'settings.changed').execute()).toHaveLength(before.length);

    const reset = await t.request({ method: 'PATCH', url: '/api/v1/settings', token: lead.token, payload: { hiringUrl: null, securityTxtValidityDays: null } });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json().settings).toMatchObject({ hiringUrl: null, securityTxtValidityDays: 180 });
  });

  it.each([
    [{ securityTxtValidityDays: 365 }, '/securityTxtValidityDays'],
    [{ securityTxtValidityDays: 0 }, '/securityTxtValidityDays'],
    [{ hiringUrl: 'ftp://example.org/jobs' }, '/hiringUrl'],
    [{ securityPolicyUrl: 'not a url' }, '/securityPolicyUrl'],
    [{ securityContactEmail: 'not-an-address' }, '/securityContactEmail'],
    [{ securityContactUris: ['gopher://example.org'] }, '/securityContactUris/0'],
    [{ preferredLanguages: ['en', 'not a language!'] }, '/preferredLanguages/1'],
    [{ preferredLanguages: [] }, '/preferredLanguages'],
    [{ csafProviderMetadataUrl: 'https://example.org/csaf/index.json' }, '/csafProviderMetadataUrl'],
    [{ organisationName: '' }, '/organisationName'],
    [{ favouriteColour: 'blue' }, '/favouriteColour'],
  ])('refuses %j with a 400 naming %s', async (payload, field) => {
    const res = await t.request({ method: 'PATCH', url: '/api/v1/settings', token: lead.token, payload });
    expect(res.statusCode, res.body).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('validation_failed');
    expect(error.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('validates in the service too, so the CLI is held to the same rules', async () => {
    const operator = systemActor('test');
    await expect(inTransaction(t.context, (trx) => changeSettings(t.context, trx, operator, { securityTxtValidityDays: 400 }))).rejects.toMatchObject({
      code: 'validation_failed',
      details: [{ field: '/securityTxtValidityDays' }],
    });
    await expect(inTransaction(t.context, (trx) => changeSettings(t.context, trx, triager.actor, { organisationName: 'x' }))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(getSettings(t.context, t.context.db, reporter.actor)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('requires https for URLs when PUBLIC_URL is https', async () => {
    const secure = await buildTestApp(engine, { PUBLIC_URL: 'https://cvd.example.org' });
    try {
      const operator = systemActor('test');
      await expect(inTransaction(secure.context, (trx) => changeSettings(secure.context, trx, operator, { hiringUrl: 'http://example.org/jobs' }))).rejects.toMatchObject({
        details: [{ field: '/hiringUrl', message: 'must be an https:// URL' }],
      });
      expect((await readSettings(secure.context, secure.context.db)).securityPolicyUrl).toBe('https://cvd.example.org/security');
    } finally {
      await secure.close();
    }
  });
});
