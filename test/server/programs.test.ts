import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram, programInput } from '../helpers/programs.js';

describe.each(DIALECTS)('programmes on %s', (engine) => {
  let t: TestApp;
  let lead: BuiltUser;
  let reporter: BuiltUser;
  beforeAll(async () => {
    t = await buildTestApp(engine);
    lead = await buildUser(t.context, { roles: ['lead'] });
    reporter = await buildUser(t.context);
  });
  afterAll(async () => t?.close());

  it('lets a lead create a programme that everyone can read, with its policy rendered safely', async () => {
    const input = programInput({ policy: '# Policy\n\n<script>alert(1)</script> [x](javascript:alert(1))' });
    const created = await t.request({ method: 'POST', url: '/api/v1/programs', token: lead.token, payload: input });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ slug: input.slug, kind: 'bounty', visibility: 'public', policy: { version: 1 } });
    expect(body.scope).toHaveLength(3);
    expect(body.exclusions[0]).toMatchObject({ name: 'Model jailbreaks and harmful outputs', redirectUrl: 'https://acme.example/model-feedback' });
    expect(body.policy.html).not.toContain('<script');
    expect(body.policy.html).not.toContain('href="javascript:');
    const anonymous = await t.request({ method: 'GET', url: `/api/v1/programs/${input.slug}` });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json().medians).toMatchObject({ sampleSize: 0, firstResponseHours: null });
  });

  it('refuses a non-lead, a taken slug, rewards on a VDP and a bad scope, naming the field', async () => {
    const input = programInput();
    expect((await t.request({ method: 'POST', url: '/api/v1/programs', token: reporter.token, payload: input })).statusCode).toBe(403);
    await t.request({ method: 'POST', url: '/api/v1/programs', token: lead.token, payload: input });
    const taken = await t.request({ method: 'POST', url: '/api/v1/programs', token: lead.token, payload: input });
    expect(taken.statusCode).toBe(409);
    const vdp = await t.request({ method: 'POST', url: '/api/v1/programs', token: lead.token, payload: programInput({ kind: 'vdp' }) });
    expect(vdp.statusCode).toBe(400);
    expect(vdp.json().error.details[0].field).toBe('/rewards');
    const crypto = await t.request({ method: 'POST', url: '/api/v1/programs', token: lead.token, payload: programInput({ rewards: { currency: 'BTC', ranges: [] } }) });
    expect(crypto.statusCode).toBe(400);
    expect(crypto.json().error.details[0]).toMatchObject({ field: '/rewards/currency', message: '"BTC" is not a known currency' });
    const badUrl = await t.request({
      method: 'POST',
      url: '/api/v1/programs',
      token: lead.token,
      payload: programInput({ scope: [{ kind: 'url', identifier: 'acme.example/app', tier: 1, inScope: true }] }),
    });
    expect(badUrl.json().error.details[0].field).toBe('/scope/0/identifier');
    const badSlug = await t.request({ method: 'POST', url: '/api/v1/programs', token: lead.token, payload: programInput({ slug: 'Bad Slug' }) });
    expect(badSlug.json().error.details[0].field).toBe('/slug');
  });

  it('versions the policy: a change makes a new version, the old one kept', async () => {
    const program = await buildProgram(t.context);
    const changed = await t.request({ method: 'PATCH', url: `/api/v1/programs/${program.slug}`, token: lead.token, payload: { policy: '# New policy' } });
    expect(changed.json().policy).toMatchObject({ version: 2, markdown: '# New policy' });
    const same = await t.request({ method: 'PATCH', url: `/api/v1/programs/${program.slug}`, token: lead.token, payload: { policy: '# New policy' } });
    expect(same.json().policy.version).toBe(2);
    const versions = await t.context.db.selectFrom('program_policies').select('version').where('program_id', '=', program.id).execute();
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2]);
    // The version a report's reporter accepted stays readable, to anyone who may see the programme.
    const first = await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}/policy/1` });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ version: 1, current: false, createdAt: expect.any(String) });
    expect(first.json().markdown).not.toBe('# New policy');
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}/policy/2` })).json()).toMatchObject({ version: 2, current: true, html: expect.stringContaining('<h1>New policy</h1>') });
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}/policy/3` })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}/policy/zero` })).statusCode).toBe(400);
    const hidden = await buildProgram(t.context, { visibility: 'invite_only' });
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${hidden.slug}/policy/1`, token: reporter.token })).statusCode).toBe(404);
  });

  it('hides invite-only programmes from everyone but staff and members', async () => {
    const program = await buildProgram(t.context, { visibility: 'invite_only' });
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}`, token: reporter.token })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}` })).statusCode).toBe(404);
    const listed = await t.request({ method: 'GET', url: '/api/v1/programs', token: reporter.token });
    expect(listed.json().items.map((p: { slug: string }) => p.slug)).not.toContain(program.slug);
    const invited = await t.request({ method: 'POST', url: `/api/v1/programs/${program.slug}/members`, token: lead.token, payload: { userId: reporter.row.id } });
    expect(invited.statusCode).toBe(200);
    expect(invited.json()).toMatchObject({ userId: reporter.row.id, email: reporter.row.email });
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}`, token: reporter.token })).statusCode).toBe(200);
  });

  it('lets leads invite by address, list and withdraw members, mailing each new member once', async () => {
    const program = await buildProgram(t.context, { visibility: 'invite_only' });
    const url = `/api/v1/programs/${program.slug}/members`;
    const invite = () => t.request({ method: 'POST', url, token: lead.token, payload: { email: reporter.row.email.toUpperCase() } });
    const invitations = async () => (await t.context.db.selectFrom('mail_outbox').select('body').where('recipient', '=', reporter.row.email).where('subject', 'like', '%invited%').orderBy('created_at').execute()).map((m) => t.context.secrets.open(m.body));
    const before = (await invitations()).length;
    expect((await invite()).statusCode).toBe(200);
    expect((await invite()).statusCode).toBe(200);
    const mails = await invitations();
    expect(mails).toHaveLength(before + 1);
    expect(mails.at(-1)).toContain(`/programs/${program.slug}`);
    const listed = await t.request({ method: 'GET', url, token: lead.token });
    expect(listed.json().items).toEqual([expect.objectContaining({ userId: reporter.row.id, email: reporter.row.email })]);
    // The list names accounts: reporters may not read it, even members.
    expect((await t.request({ method: 'GET', url, token: reporter.token })).statusCode).toBe(403);

    const unknown = await t.request({ method: 'POST', url, token: lead.token, payload: { email: 'nobody-here@example.org' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details[0].field).toBe('/email');
    const both = await t.request({ method: 'POST', url, token: lead.token, payload: { email: reporter.row.email, userId: reporter.row.id } });
    expect(both.statusCode).toBe(400);

    expect((await t.request({ method: 'DELETE', url: `${url}/${reporter.row.id}`, token: lead.token })).statusCode).toBe(204);
    expect((await t.request({ method: 'DELETE', url: `${url}/${reporter.row.id}`, token: lead.token })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}`, token: reporter.token })).statusCode).toBe(404);
    const actions = await t.context.db.selectFrom('audit_events').select('action').where('object_id', '=', program.id).execute();
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['program.member_added', 'program.member_removed']));
  });
});
