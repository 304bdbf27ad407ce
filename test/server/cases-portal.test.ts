import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS, testClock } from '../helpers/databases.js';
import { buildStaff, buildVendor, noticeAndPortalToken, VULNERABILITY, type Staff } from './cases.support.js';

const DAY = 86_400_000;

describe.each(DIALECTS)('vendor portal on %s', (engine) => {
  let t: TestApp;
  let staff: Staff;
  const clock = testClock(new Date('2026-11-27T12:00:00Z'));
  let caseId: string;
  let vulnerabilities: { shared: string; onlyA: string };
  let participants: { a: string; b: string };
  let tokens: { a: string; b: string };

  const portal = (method: 'GET' | 'POST' | 'PUT', url: string, token: string | undefined, payload?: object) =>
    t.request({ method, url: `/api/v1/portal${url}`, headers: token ? { 'x-portal-token': token } : {}, ...(payload ? { payload } : {}) });
  const staffGet = (url: string) => t.request({ method: 'GET', url, token: staff.triager.token });
  const staffSend = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object) => t.request({ method, url, token: staff.triager.token, ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await buildTestApp(engine, {}, clock);
    staff = await buildStaff(t.context);
    const a = await buildVendor(t.context, { name: 'Alpha Vendor' });
    const b = await buildVendor(t.context, { name: 'Beta Vendor' });
    const created = await staffSend('POST', '/api/v1/cases', {
      title: 'Shared library flaw',
      policy: 'deadline_90_30',
      vulnerabilities: [VULNERABILITY, { ...VULNERABILITY, title: 'Only for Alpha: auth bypass', cwe: 287 }],
    });
    caseId = created.json().id;
    const detail = (await staffGet(`/api/v1/cases/${caseId}`)).json();
    vulnerabilities = { shared: detail.vulnerabilities[0].id, onlyA: detail.vulnerabilities[1].id };
    participants = {
      a: (await staffSend('POST', `/api/v1/cases/${caseId}/participants`, { vendorId: a.id })).json().id,
      b: (await staffSend('POST', `/api/v1/cases/${caseId}/participants`, { vendorId: b.id, vulnerabilityIds: [vulnerabilities.shared] })).json().id,
    };
    tokens = { a: await noticeAndPortalToken(t, staff.triager.token, caseId, participants.a), b: await noticeAndPortalToken(t, staff.triager.token, caseId, participants.b) };
  });
  afterAll(async () => t?.close());

  it('shows each vendor only what was shared with it', async () => {
    const a = (await portal('GET', '', tokens.a)).json();
    const b = (await portal('GET', '', tokens.b)).json();
    expect(a.participant).toMatchObject({ id: participants.a, name: 'Alpha Vendor' });
    expect(b.participant).toMatchObject({ id: participants.b, name: 'Beta Vendor' });
    expect(a.vulnerabilities.map((v: { id: string }) => v.id)).toEqual([vulnerabilities.shared, vulnerabilities.onlyA]);
    expect(b.vulnerabilities.map((v: { id: string }) => v.id)).toEqual([vulnerabilities.shared]);
    expect(JSON.stringify(b)).not.toContain('Alpha');
    expect(JSON.stringify(b)).not.toContain(participants.a);
    expect(a.case).toMatchObject({ title: 'Shared library flaw', state: 'notifying' });
  });

  it('never takes the token from the query string, and refuses unknown tokens', async () => {
    expect((await t.request({ method: 'GET', url: `/api/v1/portal?token=${tokens.a}` })).statusCode).toBe(401);
    expect((await portal('GET', '', 'cvp_not-a-real-token')).json().error.code).toBe('token_invalid');
    expect((await portal('GET', '', undefined)).statusCode).toBe(401);
  });

  it('lets a vendor acknowledge and set statuses; staff see it, and the case moves to coordinating', async () => {
    expect((await portal('POST', '/acknowledge', tokens.a)).statusCode).toBe(200);
    expect((await portal('PUT', `/statuses/${vulnerabilities.onlyA}`, tokens.a, { status: 'affected' })).statusCode).toBe(200);
    expect((await portal('PUT', `/statuses/${vulnerabilities.shared}`, tokens.a, { status: 'fixed' })).statusCode).toBe(200);
    // Staff's words about a vendor are not the vendor's to set.
    expect((await portal('PUT', `/statuses/${vulnerabilities.shared}`, tokens.a, { status: 'no_response' })).statusCode).toBe(400);
    // B cannot touch what was not shared with it.
    expect((await portal('PUT', `/statuses/${vulnerabilities.onlyA}`, tokens.b, { status: 'not_affected' })).statusCode).toBe(404);
    const detail = (await staffGet(`/api/v1/cases/${caseId}`)).json();
    expect(detail.state).toBe('coordinating');
    const a = detail.participants.find((p: { id: string }) => p.id === participants.a);
    expect(a.acknowledgedAt).not.toBeNull();
    expect(Object.fromEntries(a.statuses.map((s: { vulnerabilityId: string; status: string }) => [s.vulnerabilityId, s.status]))).toEqual({ [vulnerabilities.shared]: 'fixed', [vulnerabilities.onlyA]: 'affected' });
    const b = detail.participants.find((p: { id: string }) => p.id === participants.b);
    expect(b.statuses).toEqual([expect.objectContaining({ status: 'unknown' })]);
    const log = (await staffGet(`/api/v1/cases/${caseId}/log`)).json().items;
    expect(log.filter((e: { kind: string; channel: string }) => e.channel === 'portal').map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['acknowledged', 'status_changed', 'portal_opened']));
  });

  it('keeps statements and messages apart between vendors unless staff share them; hostile Markdown is rendered safely', async () => {
    const hostile = '# Hi\n<script>alert(1)</script><img src=x onerror=alert(2)>\n[click](javascript:alert(3)) **bold**';
    const made = await portal('POST', '/statements', tokens.a, { body: hostile, vulnerabilityId: vulnerabilities.shared });
    expect(made.statusCode, made.body).toBe(201);
    await portal('POST', '/messages', tokens.a, { text: 'Alpha private question <b>?</b>' });
    const a = (await portal('GET', '', tokens.a)).json();
    const own = a.statements.find((s: { id: string }) => s.id === made.json().id);
    expect(own.own).toBe(true);
    expect(own.body.html).toContain('<strong>bold</strong>');
    expect(own.body.html).not.toMatch(/<script|<img|href="javascript:/i);
    expect(own.body.html).toContain('&lt;script&gt;');
    expect(own.body.markdown).toBe(hostile);
    expect(a.messages.some((m: { body: string }) => m.body === 'Alpha private question <b>?</b>')).toBe(true);
    let b = (await portal('GET', '', tokens.b)).json();
    expect(b.statements).toEqual([]);
    expect(JSON.stringify(b.messages)).not.toContain('Alpha private question');
    // Staff share Alpha's statement (about a vulnerability B has): B sees it. A statement about what B was not given stays hidden.
    const hidden = (await portal('POST', '/statements', tokens.a, { body: 'About the auth bypass', vulnerabilityId: vulnerabilities.onlyA })).json().id;
    expect((await staffSend('PATCH', `/api/v1/cases/${caseId}/statements/${made.json().id}`, { shared: true })).statusCode).toBe(200);
    expect((await staffSend('PATCH', `/api/v1/cases/${caseId}/statements/${hidden}`, { shared: true })).statusCode).toBe(200);
    b = (await portal('GET', '', tokens.b)).json();
    expect(b.statements.map((s: { id: string; own: boolean; from: string }) => [s.id, s.own, s.from])).toEqual([[made.json().id, false, 'another participant']]);
    expect(JSON.stringify(b)).not.toContain(participants.a);
    // Staff write to B; A does not see it.
    expect((await staffSend('POST', `/api/v1/cases/${caseId}/participants/${participants.b}/messages`, { text: 'Beta, please confirm.', mail: false })).statusCode).toBe(201);
    expect((await portal('GET', '', tokens.b)).json().messages.some((m: { from: string; body: string }) => m.from === 'coordinator' && m.body === 'Beta, please confirm.')).toBe(true);
    expect(JSON.stringify((await portal('GET', '', tokens.a)).json())).not.toContain('Beta, please confirm.');
  });

  it('refuses huge and malformed bodies with a 4xx and stores nothing', async () => {
    const count = async () => Number((await t.context.db.selectFrom('case_statements').select((eb) => eb.fn.countAll().as('n')).where('case_id', '=', caseId).executeTakeFirstOrThrow()).n);
    const before = await count();
    expect((await portal('POST', '/statements', tokens.a, { body: 'x'.repeat(20_001) })).statusCode).toBe(400);
    const tooBig = await portal('POST', '/statements', tokens.a, { body: 'x'.repeat(3 * 1024 * 1024) });
    expect([400, 413]).toContain(tooBig.statusCode);
    expect((await portal('POST', '/statements', tokens.a, { body: 'ok', extra: 1 })).statusCode).toBe(400);
    expect((await portal('POST', '/statements', tokens.a, { body: 'bad\u0000nul' })).statusCode).toBe(400);
    expect((await portal('POST', '/statements', tokens.a, { body: '   ' })).statusCode).toBe(400);
    expect((await portal('POST', '/extensions', tokens.a, { until: 'not a date', reason: 'x' })).statusCode).toBe(400);
    expect((await portal('POST', '/extensions', tokens.a, { until: '2020-01-01T00:00:00Z', reason: 'x' })).statusCode).toBe(400);
    expect(await count()).toBe(before);
  });

  it('handles a request for more time: pending until the owner decides, then the deadline moves', async () => {
    const until = new Date(Date.parse('2026-11-27T12:00:00Z') + 150 * DAY).toISOString();
    const res = await portal('POST', '/extensions', tokens.b, { until, reason: 'Our release train leaves in March.' });
    expect(res.statusCode, res.body).toBe(201);
    expect((await portal('POST', '/extensions', tokens.b, { until, reason: 'Again' })).statusCode).toBe(409);
    let detail = (await staffGet(`/api/v1/cases/${caseId}`)).json();
    expect(detail.next.actions.some((a: { kind: string }) => a.kind === 'decide_extension')).toBe(true);
    const decided = await staffSend('POST', `/api/v1/cases/${caseId}/extensions/${res.json().id}`, { accept: true, note: 'Fine.' });
    expect(decided.json()).toMatchObject({ state: 'accepted' });
    expect((await staffSend('POST', `/api/v1/cases/${caseId}/extensions/${res.json().id}`, { accept: false })).statusCode).toBe(409);
    detail = (await staffGet(`/api/v1/cases/${caseId}`)).json();
    expect(detail.next.dates).toMatchObject({ deadline: until, deadlineReason: 'extension' });
    expect((await portal('GET', '', tokens.b)).json().extensions).toEqual([expect.objectContaining({ state: 'accepted', note: 'Fine.' })]);
  });

  it('audits every use of a token and counts it', async () => {
    const before = await t.context.db.selectFrom('audit_events').select('id').where('action', '=', 'case.portal_used').where('actor_label', '=', `portal:${participants.b}`).execute();
    await portal('GET', '', tokens.b);
    const after = await t.context.db.selectFrom('audit_events').select(['data']).where('action', '=', 'case.portal_used').where('actor_label', '=', `portal:${participants.b}`).execute();
    expect(after.length).toBe(before.length + 1);
    const links = (await staffGet(`/api/v1/cases/${caseId}`)).json().participants.find((p: { id: string }) => p.id === participants.b).portalLinks;
    expect(links[0].uses).toBe(after.length);
    expect(links[0].lastUsedAt).not.toBeNull();
  });

  it('stops a revoked token at once, and an expired one after its validity', async () => {
    const extra = await staffSend('POST', `/api/v1/cases/${caseId}/participants/${participants.b}/portal-links`, { days: 2 });
    expect(extra.statusCode).toBe(201);
    const { token, id, url } = extra.json();
    expect(url).toBe(`${t.context.config.publicUrl}/portal/${token}`);
    expect((await portal('GET', '', token)).statusCode).toBe(200);
    expect((await staffSend('DELETE', `/api/v1/cases/${caseId}/portal-links/${id}`)).statusCode).toBe(200);
    expect((await portal('GET', '', token)).statusCode).toBe(401);
    const audit = await t.context.db.selectFrom('audit_events').select('action').where('object_id', '=', caseId).where('action', '=', 'case.portal_link_revoked').execute();
    expect(audit.length).toBe(1);
    const short = (await staffSend('POST', `/api/v1/cases/${caseId}/participants/${participants.b}/portal-links`, { days: 1 })).json().token;
    expect((await portal('GET', '', short)).statusCode).toBe(200);
    clock.advance(DAY + 1000);
    expect((await portal('GET', '', short)).statusCode).toBe(401);
    // The 60-day links from the notices still work.
    expect((await portal('GET', '', tokens.a)).statusCode).toBe(200);
    clock.advance(60 * DAY);
    expect((await portal('GET', '', tokens.a)).statusCode).toBe(401);
  });

  it('limits failed lookups per address', async () => {
    let last = 0;
    for (let i = 0; i < 70 && last !== 429; i++) last = (await portal('GET', '', `cvp_guess${i}`)).statusCode;
    expect(last).toBe(429);
  });
});
