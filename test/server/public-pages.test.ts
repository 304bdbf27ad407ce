import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram } from '../helpers/programs.js';
import { createDraft, publish, sampleContent } from './advisories.support.js';

/** The public pages work without JavaScript: plain HTML from the server, no script at all, everything escaped. */
function assertNoScript(body: string): void {
  expect(body).not.toMatch(/<script/i);
  expect(body).not.toMatch(/\son[a-z]+=/i);
  expect(body).not.toMatch(/style=/i);
}

describe.each(DIALECTS)('public pages on %s', (engine) => {
  let t: TestApp;
  let lead: BuiltUser;
  let triager: BuiltUser;
  beforeAll(async () => {
    t = await buildTestApp(engine);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
  });
  afterAll(async () => t?.close());

  it('serves /security with default sections, public programmes, and versioned edits by leads', async () => {
    const program = await buildProgram(t.context, { name: 'Acme <Bounty>' });
    const res = await t.request({ method: 'GET', url: '/security' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    assertNoScript(res.body);
    for (const id of ['bug-bounty', 'incident-reporting', 'outbound-disclosure', 'cve-assignment']) expect(res.body).toContain(`id="${id}"`);
    expect(res.body).toContain(`<a href="/programs/${program.slug}">Acme &lt;Bounty&gt;</a>`);
    expect(res.body).toContain('href="http://localhost:8080/report"');
    expect(res.body).toContain('<strong>Information you send this way is shared with us unconditionally</strong>');
    expect(res.body).toContain('Default text');

    expect((await t.request({ method: 'PUT', url: '/api/v1/policy-page/outbound_disclosure', token: triager.token, payload: { body: 'x' } })).statusCode).toBe(403);
    const saved = await t.request({ method: 'PUT', url: '/api/v1/policy-page/outbound_disclosure', token: lead.token, payload: { body: 'We give vendors **60 days**. <img src=x onerror=alert(1)> [bad](javascript:alert(1))' } });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ version: 1, section: 'outbound_disclosure' });
    expect((await t.request({ method: 'PUT', url: '/api/v1/policy-page/outbound_disclosure', token: lead.token, payload: { body: 'We give vendors **60 days**. <img src=x onerror=alert(1)> [bad](javascript:alert(1))' } })).statusCode).toBe(409);
    expect((await t.request({ method: 'PUT', url: '/api/v1/policy-page/outbound_disclosure', token: lead.token, payload: { body: 'We give vendors **45 days**.' } })).json().version).toBe(2);
    expect((await t.request({ method: 'PUT', url: '/api/v1/policy-page/nonsense', token: lead.token, payload: { body: 'x' } })).statusCode).toBe(400);
    const history = await t.request({ method: 'GET', url: '/api/v1/policy-page/outbound_disclosure/history', token: triager.token });
    expect(history.json().items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await t.request({ method: 'GET', url: '/api/v1/policy-page/outbound_disclosure/history' })).statusCode).toBe(401);

    const after = await t.request({ method: 'GET', url: '/security' });
    expect(after.body).toContain('We give vendors <strong>45 days</strong>.');
    expect(after.body).toMatch(/Updated \d{4}-\d\d-\d\d \(version 2\)/);
    assertNoScript(after.body);
    const css = await t.request({ method: 'GET', url: '/static/public-pages.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('renders /advisories, one advisory page and the Atom feed as escaped HTML and XML; drafts stay hidden', async () => {
    const id = await createDraft(t, lead, sampleContent({ title: 'Stored XSS "quoted" <b>bold</b> & more' }));
    const draftOnly = await createDraft(t, lead, sampleContent({ title: 'Secret draft' }));
    expect((await publish(t, lead, id)).statusCode).toBe(200);

    const list = await t.request({ method: 'GET', url: '/advisories' });
    expect(list.statusCode).toBe(200);
    assertNoScript(list.body);
    expect(list.body).toContain('<form class="filters" method="get" action="/advisories">');
    expect(list.body).toContain(`<a href="/advisories/${id}">${id}</a>`);
    expect(list.body).toContain('Stored XSS &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt; &amp; more');
    expect(list.body).not.toContain('Secret draft');
    expect(list.body).not.toContain(draftOnly);
    expect(list.body).toContain('<option>widget</option>');

    const filtered = await t.request({ method: 'GET', url: '/advisories?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&severity=medium&product=widget' });
    expect(filtered.statusCode).toBe(200);
    expect(filtered.body).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    assertNoScript(filtered.body);
    expect((await t.request({ method: 'GET', url: '/advisories?severity=medium&product=widget' })).body).toContain(`/advisories/${id}`);
    expect((await t.request({ method: 'GET', url: '/advisories?severity=critical' })).body).not.toContain(`/advisories/${id}`);
    expect((await t.request({ method: 'GET', url: '/advisories?year=abc' })).statusCode).toBe(400);

    const one = await t.request({ method: 'GET', url: `/advisories/${id}` });
    expect(one.statusCode).toBe(200);
    assertNoScript(one.body);
    expect(one.body).toContain('<h1>');
    expect(one.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(one.body).toContain('<code>vers:semver/&gt;=1.0.0|&lt;1.4.2</code>');
    expect(one.body).toContain('<a href="https://www.cve.org/CVERecord?id=CVE-2026-10001">CVE-2026-10001</a>');
    expect(one.body).toContain('Security Research — Scout (automated)');
    expect(one.body).toContain('Initial public release');
    expect((await t.request({ method: 'GET', url: `/advisories/${draftOnly}` })).statusCode).toBe(404);

    const atom = await t.request({ method: 'GET', url: '/advisories/feed.atom' });
    expect(atom.statusCode).toBe(200);
    expect(atom.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(atom.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
    expect(atom.body).toContain(`<title>${id}: Stored XSS &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt; &amp; more</title>`);
    expect(atom.body).not.toContain('Secret draft');
    expect(atom.body).not.toContain('<script');
    expect(atom.body.match(/<entry>/g)).toHaveLength(1);
  });
});
