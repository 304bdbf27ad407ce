import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutbox, readOutboxMessage } from '../../src/domain/mail/mail.service.js';
import type { ProgramRow } from '../../src/domain/programs/program.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram } from '../helpers/programs.js';

const CVSS31 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const CVSS40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';

describe.each(DIALECTS)('reports on %s', (engine) => {
  let t: TestApp;
  let program: ProgramRow;
  let triager: BuiltUser;
  let reporter: BuiltUser;
  let other: BuiltUser;
  let assets: { id: string; identifier: string; inScope: boolean }[];
  let categoryId: string;

  const submit = (who: BuiltUser, extra: Record<string, unknown> = {}) =>
    t.request({ method: 'POST', url: '/api/v1/reports', token: who.token, payload: { program: program.slug, title: 'SQL injection in search', description: 'The q parameter is concatenated into SQL.', ...extra } });

  beforeAll(async () => {
    t = await buildTestApp(engine);
    program = await buildProgram(t.context);
    triager = await buildUser(t.context, { roles: ['triager'] });
    reporter = await buildUser(t.context);
    other = await buildUser(t.context);
    const view = (await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}` })).json();
    assets = view.scope;
    categoryId = view.exclusions[0].id;
  });
  afterAll(async () => t?.close());

  it('files a report with scored CVSS, the accepted policy version and a suggested priority', async () => {
    const res = await submit(reporter, { asset: assets[0]!.id, cwe: 89, cvss: [CVSS31, CVSS40], steps: '1. open /search?q=%27', impact: 'Full database read.' });
    expect(res.statusCode, res.body).toBe(201);
    const report = res.json();
    expect(report).toMatchObject({ state: 'new', policyVersion: 1, cwe: 89, severity: 'critical', outOfScope: null, asset: { identifier: 'app.acme.example', inScope: true } });
    expect(report.cvss.map((c: { version: string; score: number }) => [c.version, c.score])).toEqual([['3.1', 9.8], ['4.0', 9.3]]);
    expect(report.priority).toBeUndefined();
    const staffView = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}`, token: triager.token })).json();
    expect(staffView).toMatchObject({ priority: 'P1', labels: [], allowedTransitions: expect.arrayContaining(['triaged', 'spam']) });
  });

  it('accepts out-of-scope assets and categories but flags them with the redirect', async () => {
    const outAsset = await submit(reporter, { asset: assets[2]!.id });
    expect(outAsset.json().outOfScope).toContain('blog.acme.example is out of scope');
    const category = await submit(reporter, { category: categoryId });
    expect(category.json().outOfScope).toContain('Use https://acme.example/model-feedback instead');
    const unlisted = await submit(reporter, { assetOther: 'legacy.acme.example' });
    expect(unlisted.json().outOfScope).toContain('not listed in scope');
  });

  it('refuses bad input naming the field, and stores nothing', async () => {
    const before = await t.context.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const cases: [Record<string, unknown>, string][] = [
      [{ title: '' }, '/title'],
      [{ title: 'x'.repeat(201) }, '/title'],
      [{ cvss: ['CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'] }, '/cvss/0'],
      [{ cvss: [CVSS31, 'CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'] }, '/cvss/1'],
      [{ asset: '00000000-0000-4000-8000-000000000000' }, '/asset'],
      [{ policyVersion: 7 }, '/policyVersion'],
      [{ unknown: 1 }, '/unknown'],
    ];
    for (const [extra, field] of cases) {
      const res = await submit(reporter, extra);
      expect(res.statusCode, JSON.stringify(extra)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json().error.details[0].field, JSON.stringify(extra)).toBe(field);
    }
    const bad = await submit(reporter, { cvss: ['CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'] });
    expect(bad.json().error.message).toContain('AV');
    // What docs/reports.md promises scripts (another account: the shared one is near its rate limit).
    const script = await buildUser(t.context);
    for (const cwe of ['CWE-79', '79']) expect((await submit(script, { cwe })).json().error.details[0].field).toBe('/cwe');
    expect((await submit(script, { category: assets[0]!.id })).json().error.details[0].field).toBe('/category');
    const stale = await submit(script, { policyVersion: program.policy_version + 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'conflict', details: [{ field: '/policyVersion' }] });
    const after = await t.context.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("hides a report from other reporters as if it did not exist", async () => {
    const report = (await submit(reporter)).json();
    for (const url of [`/api/v1/reports/${report.id}`, `/api/v1/reports/${report.id}/timeline`]) {
      const res = await t.request({ method: 'GET', url, token: other.token });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }
    const comment = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: other.token, payload: { body: 'mine now' } });
    expect(comment.statusCode).toBe(404);
    const inbox = await t.request({ method: 'GET', url: '/api/v1/reports', token: other.token });
    expect(inbox.json().items.map((r: { id: string }) => r.id)).not.toContain(report.id);
  });

  it('moves through the workflow; refuses illegal moves with 409 naming the allowed states', async () => {
    const report = (await submit(reporter)).json();
    const illegal = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: triager.token, payload: { to: 'resolved', reason: 'fixed' } });
    expect(illegal.statusCode).toBe(409);
    expect(illegal.json().error.code).toBe('invalid_transition');
    expect(illegal.json().error.details.map((d: { message: string }) => d.message)).toEqual(['triaged', 'needs_more_info', 'duplicate', 'informative', 'not_applicable', 'spam']);
    const staffList = await t.request({ method: 'GET', url: '/api/v1/staff', token: triager.token });
    expect(staffList.json().items).toEqual(expect.arrayContaining([expect.objectContaining({ id: triager.row.id, roles: ['triager'] })]));
    expect(staffList.body).not.toContain('@');
    const inboxRow = (await t.request({ method: 'GET', url: '/api/v1/reports?limit=100', token: triager.token })).json().items.find((r: { id: string }) => r.id === report.id);
    expect(inboxRow.reporterName).toBe(reporter.row.name);
    const byReporter = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: reporter.token, payload: { to: 'triaged' } });
    expect(byReporter.statusCode).toBe(403);
    const triaged = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: triager.token, payload: { to: 'triaged' } });
    expect(triaged.json()).toMatchObject({ state: 'triaged', triagedAt: expect.any(String), firstResponseAt: expect.any(String) });
    const noReason = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: triager.token, payload: { to: 'resolved' } });
    expect(noReason.json().error.details[0].field).toBe('/reason');
    const resolved = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: triager.token, payload: { to: 'resolved', reason: 'Fixed in 2.4.1' } });
    expect(resolved.json()).toMatchObject({ state: 'resolved', closeReason: 'Fixed in 2.4.1' });
    expect(resolved.json().allowedTransitions).not.toContain('disclosed');
    const shortcut = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: triager.token, payload: { to: 'disclosed' } });
    expect(shortcut.statusCode).toBe(409);
    expect(shortcut.json().error.message).toContain('disclosure');
    const timeline = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/timeline`, token: reporter.token })).json().items;
    expect(timeline.map((e: { kind: string }) => e.kind)).toEqual(['submitted', 'state_change', 'state_change']);
  });

  it('lists in a 409 exactly the states the endpoint accepts, as the report view does', async () => {
    // Its own reporter: the shared one's submissions are counted against the rate limit by later tests.
    const report = (await submit(await buildUser(t.context))).json();
    const move = (payload: Record<string, unknown>) => t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: triager.token, payload });
    /** From the report's current state: a refused move's details name each state of the view's list, and only those. */
    const refusal = async (to: string) => {
      const listed = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}`, token: triager.token })).json().allowedTransitions as string[];
      const refused = await move({ to, reason: 'Refused' });
      expect(refused.statusCode, refused.body).toBe(409);
      expect(refused.json().error.code).toBe('invalid_transition');
      expect(refused.json().error.details).toEqual(listed.map((state) => ({ field: '/to', message: state })));
      return listed;
    };
    expect(await refusal('resolved')).toEqual(['triaged', 'needs_more_info', 'duplicate', 'informative', 'not_applicable', 'spam']);
    expect((await move({ to: 'needs_more_info' })).statusCode).toBe(200);
    expect(await refusal('resolved')).toEqual(['new', 'triaged', 'duplicate', 'informative', 'not_applicable', 'spam']);
    expect((await move({ to: 'triaged' })).statusCode).toBe(200);
    expect(await refusal('new')).toEqual(['resolved', 'needs_more_info', 'duplicate', 'informative', 'not_applicable']);
    expect((await move({ to: 'resolved', reason: 'Fixed' })).statusCode).toBe(200);
    // From resolved the only move is back to triaged: disclosure is its own flow, never offered here.
    expect(await refusal('new')).toEqual(['triaged']);
    const disclose = await move({ to: 'disclosed' });
    expect(disclose.statusCode).toBe(409);
    expect(disclose.json().error.details).toEqual([{ field: '/to', message: 'use the disclosure flow' }]);
    expect((await move({ to: 'triaged' })).json().state).toBe('triaged');
    expect((await move({ to: 'informative', reason: 'Works as designed' })).statusCode).toBe(200);
    expect(await refusal('triaged')).toEqual(['new']);
  });

  it('marks a duplicate, linked to an original of the same programme', async () => {
    const original = (await submit(reporter)).json();
    const dup = (await submit(other)).json();
    const self = await t.request({ method: 'POST', url: `/api/v1/reports/${dup.id}/transitions`, token: triager.token, payload: { to: 'duplicate', reason: 'Known', duplicateOf: dup.id } });
    expect(self.json().error.details[0].field).toBe('/duplicateOf');
    const marked = await t.request({ method: 'POST', url: `/api/v1/reports/${dup.id}/transitions`, token: triager.token, payload: { to: 'duplicate', reason: 'Reported before', duplicateOf: original.id } });
    expect(marked.json()).toMatchObject({ state: 'duplicate', duplicateOf: original.id });
    const reopened = await t.request({ method: 'POST', url: `/api/v1/reports/${dup.id}/transitions`, token: triager.token, payload: { to: 'new' } });
    expect(reopened.json()).toMatchObject({ state: 'new', duplicateOf: null });
    // Its reporter was told, in the app, that it was closed as a duplicate.
    const told = (await t.request({ method: 'GET', url: '/api/v1/notifications', token: other.token })).json().items as { reportId: string | null; title: string; body: string }[];
    expect(told.filter((n) => n.reportId === dup.id).map((n) => `${n.title}\n${n.body}`).join('\n')).toMatch(/duplicate[\s\S]*Reported before/i);
  });

  it('takes concurrent transitions of one report in turn: the second is checked against the first', async () => {
    const filer = await buildUser(t.context);
    for (let round = 0; round < 5; round++) {
      const report = (await submit(filer)).json();
      await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: triager.token, payload: { to: 'triaged' } });
      const answers = await Promise.all([
        t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: triager.token, payload: { to: 'resolved', reason: 'Fixed' } }),
        t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: triager.token, payload: { to: 'needs_more_info' } }),
      ]);
      const codes = answers.map((a) => a.statusCode).sort();
      // needs_more_info → resolved is not a transition; resolved → needs_more_info neither.
      expect(codes).toEqual([200, 409]);
      const final = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}`, token: triager.token })).json();
      if (final.state === 'resolved') expect(final.resolvedAt).toEqual(expect.any(String));
      else expect(final).toMatchObject({ state: 'needs_more_info', resolvedAt: null });
    }
  });

  it('credits the first valid report: the original must be earlier, and not thrown out as spam or not applicable', async () => {
    const first = (await submit(reporter)).json();
    const second = (await submit(other)).json();
    const mark = (id: string, duplicateOf: string) => t.request({ method: 'POST', url: `/api/v1/reports/${id}/transitions`, token: triager.token, payload: { to: 'duplicate', reason: 'Same bug', duplicateOf } });
    const backwards = await mark(first.id, second.id);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.details[0]).toMatchObject({ field: '/duplicateOf', message: expect.stringContaining('submitted after this report') });
    await t.request({ method: 'POST', url: `/api/v1/reports/${first.id}/transitions`, token: triager.token, payload: { to: 'spam', reason: 'Junk' } });
    const ofSpam = await mark(second.id, first.id);
    expect(ofSpam.statusCode).toBe(400);
    expect(ofSpam.json().error.details[0].message).toContain('closed as spam');
    expect((await t.request({ method: 'GET', url: `/api/v1/reports/${second.id}`, token: triager.token })).json().state).toBe('new');
  });

  it('keeps internal notes from the reporter: API, timeline and mail', async () => {
    const report = (await submit(reporter)).json();
    const secret = `internal-secret-${engine}-${Date.now()}`;
    const note = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: triager.token, payload: { body: secret, internal: true } });
    expect(note.statusCode).toBe(201);
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: triager.token, payload: { body: 'Thanks, we are looking.' } });
    const reporterTimeline = await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/timeline`, token: reporter.token });
    expect(reporterTimeline.body).not.toContain(secret);
    expect(reporterTimeline.json().items.map((e: { kind: string }) => e.kind)).toEqual(['submitted', 'comment']);
    const staffTimeline = await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/timeline`, token: triager.token });
    expect(staffTimeline.body).toContain(secret);
    for (const mail of await listOutbox(t.context.db, { limit: 200 })) {
      expect((await readOutboxMessage(t.context, t.context.db, mail.id)).text).not.toContain(secret);
    }
    const reporterNote = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: reporter.token, payload: { body: 'x', internal: true } });
    expect(reporterNote.statusCode).toBe(403);
  });

  it("puts a needs-more-info report back in the inbox when the reporter answers", async () => {
    const report = (await submit(reporter)).json();
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: triager.token, payload: { to: 'needs_more_info' } });
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: reporter.token, payload: { body: 'Here is a video.' } });
    expect((await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}`, token: reporter.token })).json().state).toBe('new');
  });

  it('keeps a suggested priority in step with the score, until staff set one by hand', async () => {
    const patch = async (id: string, payload: Record<string, unknown>) => (await t.request({ method: 'PATCH', url: `/api/v1/reports/${id}`, token: triager.token, payload })).json();
    const unscored = (await submit(await buildUser(t.context))).json();
    expect((await patch(unscored.id, { labels: ['x'] })).priority).toBe('P5');
    const rescored = await patch(unscored.id, { cvss: [CVSS31] });
    expect(rescored).toMatchObject({ severity: 'critical', priority: 'P1' });
    await patch(unscored.id, { priority: 'P4' });
    const handSet = await patch(unscored.id, { cvss: ['CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N'] });
    expect(handSet).toMatchObject({ severity: 'low', priority: 'P4' });
    // Set by hand to the very value suggested: still chosen, still kept.
    const confirmed = (await submit(await buildUser(t.context), { cvss: [CVSS31] })).json();
    expect((await patch(confirmed.id, { priority: 'P1' })).priority).toBe('P1');
    expect(await patch(confirmed.id, { cvss: ['CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N'] })).toMatchObject({ severity: 'low', priority: 'P1' });
  });

  it('changes triage fields, each on the timeline', async () => {
    const report = (await submit(reporter)).json();
    const res = await t.request({ method: 'PATCH', url: `/api/v1/reports/${report.id}`, token: triager.token, payload: { assigneeId: triager.row.id, priority: 'P2', labels: ['sqli', 'web'], cvss: [CVSS40], cwe: 89 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ assigneeId: triager.row.id, priority: 'P2', labels: ['sqli', 'web'], severity: 'critical', cwe: 89 });
    const badAssignee = await t.request({ method: 'PATCH', url: `/api/v1/reports/${report.id}`, token: triager.token, payload: { assigneeId: reporter.row.id } });
    expect(badAssignee.json().error.details[0].field).toBe('/assigneeId');
    const kinds = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/timeline`, token: triager.token })).json().items.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['assignment', 'priority', 'labels', 'severity_change']));
    const reporterKinds = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/timeline`, token: reporter.token })).json().items.map((e: { kind: string }) => e.kind);
    expect(reporterKinds).toEqual(['submitted', 'severity_change', 'weakness_change']);
  });

  it('filters, searches and pages the inbox', async () => {
    const fresh = await buildProgram(t.context);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: fresh.slug, title: `Report number ${i} ${i % 2 ? 'xylophone' : 'marimba'}`, description: 'details' } });
      ids.push(res.json().id);
    }
    await t.request({ method: 'POST', url: `/api/v1/reports/${ids[0]}/transitions`, token: triager.token, payload: { to: 'spam', reason: 'spam' } });
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await t.request({ method: 'GET', url: `/api/v1/reports?program=${fresh.slug}&limit=3${after ? `&after=${after}` : ''}`, token: triager.token });
      const body = page.json() as { items: { id: string }[]; next: string | null };
      seen.push(...body.items.map((r) => r.id));
      after = body.next;
    } while (after);
    expect(seen).toEqual([...ids].reverse());
    const newOnly = (await t.request({ method: 'GET', url: `/api/v1/reports?program=${fresh.slug}&state=new`, token: triager.token })).json();
    expect(newOnly.items).toHaveLength(6);
    const searched = (await t.request({ method: 'GET', url: `/api/v1/reports?program=${fresh.slug}&q=xylophone`, token: triager.token })).json();
    expect(searched.items).toHaveLength(3);
    const badState = await t.request({ method: 'GET', url: '/api/v1/reports?state=bogus', token: triager.token });
    expect(badState.json().error.details[0].field).toBe('querystring:/state');
    const badCursor = await t.request({ method: 'GET', url: '/api/v1/reports?after=garbage', token: triager.token });
    expect(badCursor.statusCode).toBe(400);
  });

  it('suggests likely duplicates with reasons, best first', async () => {
    const fresh = await buildProgram(t.context);
    const file = (title: string, description: string, extra: Record<string, unknown> = {}) =>
      t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: fresh.slug, title, description, ...extra } }).then((r) => r.json());
    const view = (await t.request({ method: 'GET', url: `/api/v1/programs/${fresh.slug}` })).json();
    const original = await file('Stored XSS in profile bio field', 'The bio field on /profile renders script tags unescaped. Payload <script> in bio executes for visitors.', { asset: view.scope[0].id, cwe: 79 });
    await file('CSRF on password change', 'The password change form has no token.');
    await file('Open redirect in login', 'The next parameter accepts any URL.');
    const dup = await file('XSS via profile bio', 'Script in the profile bio executes when others view the profile page.', { asset: view.scope[0].id, cwe: 79 });
    const res = await t.request({ method: 'GET', url: `/api/v1/reports/${dup.id}/duplicates`, token: triager.token });
    expect(res.statusCode, res.body).toBe(200);
    const suggestions = res.json();
    expect(suggestions[0]).toMatchObject({ id: original.id });
    expect(suggestions[0].reasons).toEqual(expect.arrayContaining(['same asset', 'same weakness (CWE-79)', expect.stringMatching(/^shared terms: .*bio/)]));
    expect(suggestions[0].score).toBeGreaterThan(suggestions[1]?.score ?? 0);
    expect((await t.request({ method: 'GET', url: `/api/v1/reports/${dup.id}/duplicates`, token: reporter.token })).statusCode).toBe(403);
  });

  it('finds the earlier original even when many later copies share more terms', async () => {
    const fresh = await buildProgram(t.context);
    // Fresh accounts, each under the submission rate limit (30 a minute per account).
    const filers = await Promise.all(Array.from({ length: 4 }, () => buildUser(t.context)));
    let filed = 0;
    const bug = 'Stored XSS: the profile bio renders script tags unescaped for every visitor of the profile page.';
    const file = (title: string, description: string) =>
      t.request({ method: 'POST', url: '/api/v1/reports', token: filers[Math.floor(filed++ / 25)]!.token, payload: { program: fresh.slug, title, description } }).then((r) => r.json());
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    const original = await file('Stored XSS in the profile bio', bug);
    await pause();
    // The viewed report and the later copies share words the original lacks, so every copy
    // shares more of its terms than the original does: they fill more than a page of candidates.
    const later = `${bug} Found with the quokka wombat numbat scanner.`;
    const viewed = await file('Profile bio XSS', later);
    await pause();
    for (let i = 0; i < 90; i++) await file(`Profile bio XSS, copy ${i}`, later);
    const suggestions = (await t.request({ method: 'GET', url: `/api/v1/reports/${viewed.id}/duplicates`, token: triager.token })).json() as { id: string }[];
    expect(suggestions.map((s) => s.id)).toEqual([original.id]);
  });
});

describe.each(DIALECTS)('report severity, weakness and asset on %s', (engine) => {
  let t: TestApp;
  let program: ProgramRow;
  let foreign: ProgramRow;
  let lead: BuiltUser;
  let triager: BuiltUser;
  let reporter: BuiltUser;
  let scope: { id: string; identifier: string }[];
  const LOW = 'CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N';
  const assetNamed = (identifier: string) => scope.find((a) => a.identifier === identifier)!.id;

  const submit = async (extra: Record<string, unknown> = {}) => {
    const res = await t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: program.slug, title: 'IDOR on invoices', description: 'Any invoice id is served.', ...extra } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const patch = (id: string, payload: Record<string, unknown>, who: BuiltUser = triager) => t.request({ method: 'PATCH', url: `/api/v1/reports/${id}`, token: who.token, payload });
  const timeline = async (id: string, who: BuiltUser) =>
    (await t.request({ method: 'GET', url: `/api/v1/reports/${id}/timeline`, token: who.token })).json().items as { kind: string; data: Record<string, unknown> }[];
  const severityMails = async (id: string) => {
    const mails = (await listOutbox(t.context.db, { limit: 500 })).filter((m) => m.recipient === reporter.row.email);
    const read = await Promise.all(mails.map((m) => readOutboxMessage(t.context, t.context.db, m.id)));
    return read.filter((m) => m.text.includes(id) && m.subject.includes('Severity')).map((m) => m.subject);
  };
  const webhooks = async (id: string) =>
    (await t.context.db.selectFrom('webhook_deliveries').select(['event_type', 'payload']).execute()).filter((d) => d.payload.includes(id)).map((d) => d.event_type).sort();

  beforeAll(async () => {
    t = await buildTestApp(engine);
    program = await buildProgram(t.context, {
      scope: [
        { kind: 'domain', identifier: 'app.acme.example', tier: 1, inScope: true },
        { kind: 'api', identifier: 'https://api.acme.example/v1', tier: 2, inScope: true },
        { kind: 'domain', identifier: 'blog.acme.example', tier: 3, inScope: false },
        { kind: 'domain', identifier: '*.acme.example', tier: 3, inScope: true },
        { kind: 'domain', identifier: '*.old.acme.example', tier: 3, inScope: false },
      ],
    });
    foreign = await buildProgram(t.context);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
    reporter = await buildUser(t.context);
    scope = (await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}` })).json().scope;
    const hook = await t.request({ method: 'POST', url: '/api/v1/webhooks', token: lead.token, payload: { name: 'All', url: 'https://hooks.example.org/all', events: ['report.state_changed', 'report.severity_changed', 'report.assigned'] } });
    expect(hook.statusCode, hook.body).toBe(201);
  });
  afterAll(async () => t?.close());

  it('changes nothing when the severity form is saved unchanged: no first response, event, mail or webhook', async () => {
    const report = await submit({ cvss: [CVSS31, CVSS40], cwe: 89 });
    // The vectors in another order are the same vectors.
    for (const cvss of [[CVSS31, CVSS40], [CVSS40, CVSS31]]) {
      const same = await patch(report.id, { cvss, cwe: 89 });
      expect(same.statusCode, same.body).toBe(200);
      expect(same.json()).toMatchObject({ firstResponseAt: null, updatedAt: report.updatedAt, severity: 'critical', cwe: 89 });
    }
    expect((await timeline(report.id, triager)).map((e) => e.kind)).toEqual(['submitted']);
    expect(await severityMails(report.id)).toEqual([]);
    expect(await webhooks(report.id)).toEqual([]);
    const audits = await t.context.db.selectFrom('audit_events').select('action').where('object_id', '=', report.id).where('action', '=', 'report.triage_changed').execute();
    expect(audits).toEqual([]);

    // A real change of the vectors is a severity change, as before.
    const changed = await patch(report.id, { cvss: [LOW], cwe: 89 });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ severity: 'low', firstResponseAt: expect.any(String) });
    const events = await timeline(report.id, reporter);
    expect(events.map((e) => e.kind)).toEqual(['submitted', 'severity_change']);
    expect(events[1]!.data).toEqual({ from: { severity: 'critical', score: 9.3 }, to: { severity: 'low', score: expect.any(Number) } });
    expect(await severityMails(report.id)).toEqual([expect.stringContaining('Severity of your report is now low')]);
    expect(await webhooks(report.id)).toEqual(['report.severity_changed']);
  });

  it('records nothing for an assignee or labels sent unchanged', async () => {
    const report = await submit({});
    expect((await patch(report.id, { assigneeId: triager.row.id, labels: ['auth', 'web'] })).statusCode).toBe(200);
    const before = (await timeline(report.id, triager)).map((e) => e.kind);
    expect(before).toEqual(['submitted', 'assignment', 'labels']);
    expect(await webhooks(report.id)).toEqual(['report.assigned']);
    const same = await patch(report.id, { assigneeId: triager.row.id, labels: [' auth', 'web', 'auth'] });
    expect(same.statusCode, same.body).toBe(200);
    expect((await timeline(report.id, triager)).map((e) => e.kind)).toEqual(before);
    expect(await webhooks(report.id)).toEqual(['report.assigned']);
    // A real change is still recorded.
    expect((await patch(report.id, { assigneeId: null, labels: ['web'] })).statusCode).toBe(200);
    expect((await timeline(report.id, triager)).map((e) => e.kind)).toEqual([...before, 'assignment', 'labels']);
    expect(await webhooks(report.id)).toEqual(['report.assigned', 'report.assigned']);
  });

  it('records a CWE change as a weakness change: no severity claim, mail, webhook or first response', async () => {
    const report = await submit({ cvss: [CVSS31], cwe: 89 });
    const changed = await patch(report.id, { cvss: [CVSS31], cwe: 79 });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ cwe: 79, severity: 'critical', firstResponseAt: null });
    expect((await patch(report.id, { cwe: null })).json().cwe).toBeNull();
    const events = await timeline(report.id, reporter);
    expect(events.map((e) => [e.kind, e.data])).toEqual([
      ['submitted', expect.anything()],
      ['weakness_change', { from: 89, to: 79 }],
      ['weakness_change', { from: 79, to: null }],
    ]);
    expect(await severityMails(report.id)).toEqual([]);
    expect(await webhooks(report.id)).toEqual([]);
  });

  it('refuses a CWE that is not a weakness in the catalogue (views, categories, unknown ids), on submission and change', async () => {
    const report = await submit({ cwe: 639 });
    const before = await t.context.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    for (const cwe of [1000, 699, 16, 99_998]) {
      for (const res of [
        await t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: program.slug, title: 'x', description: 'y', cwe } }),
        await patch(report.id, { cwe }),
      ]) {
        expect(res.statusCode, `${cwe}: ${res.body}`).toBe(400);
        expect(res.json().error.details[0]).toMatchObject({ field: '/cwe', message: expect.stringContaining(`CWE-${cwe} is not in the CWE list of weaknesses`) });
      }
    }
    const after = await t.context.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect((await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}`, token: triager.token })).json().cwe).toBe(639);
  });

  it('files an "other" asset the scope covers against that asset, and flags only what it does not cover', async () => {
    const cases: [string, string | null, string | null][] = [
      ['app.acme.example', 'app.acme.example', null],
      ['APP.acme.example.', 'app.acme.example', null],
      ['https://app.acme.example/invoices/7?x=1', 'app.acme.example', null],
      ['https://api.acme.example/v1/invoices', 'https://api.acme.example/v1', null],
      // A path only shares a prefix with the API's: the wildcard covers the host.
      ['https://api.acme.example/v10', '*.acme.example', null],
      ['foo.acme.example', '*.acme.example', null],
      ['blog.acme.example', 'blog.acme.example', 'The asset blog.acme.example is out of scope.'],
      ['x.old.acme.example', '*.old.acme.example', 'The asset *.old.acme.example is out of scope.'],
      ['acme.example', null, 'The asset "acme.example" is not listed in scope.'],
      ['evil-acme.example', null, 'The asset "evil-acme.example" is not listed in scope.'],
      ['Acme iOS app', null, 'The asset "Acme iOS app" is not listed in scope.'],
    ];
    for (const [named, filedAgainst, flag] of cases) {
      const report = await submit({ assetOther: named });
      expect(report.outOfScope, named).toBe(flag);
      expect(report.asset, named).toMatchObject(filedAgainst ? { id: assetNamed(filedAgainst), identifier: filedAgainst, reportedAs: named.trim() } : { id: null, identifier: named, kind: 'other', inScope: false });
    }
  });

  it('lets triage file a report against an asset of its programme: timeline, audit, flag and reward tier follow', async () => {
    const suggestion = async (id: string) => (await t.request({ method: 'GET', url: `/api/v1/reports/${id}/reward-suggestion`, token: triager.token })).json();
    const view = (await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}` })).json();
    const report = await submit({ assetOther: 'invoices.acme-billing.example', category: view.exclusions[0].id, cvss: [CVSS31] });
    expect(report.outOfScope).toMatch(/^The asset "invoices.acme-billing.example" is not listed in scope\. Out of scope: Model jailbreaks/);
    expect((await suggestion(report.id)).range).toBeNull();

    const foreignAsset = (await t.request({ method: 'GET', url: `/api/v1/programs/${foreign.slug}` })).json().scope[0].id;
    for (const assetId of [foreignAsset, '00000000-0000-4000-8000-000000000000']) {
      const wrong = await patch(report.id, { assetId });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error.details[0].field).toBe('/assetId');
    }
    expect((await patch(report.id, { assetId: assetNamed('app.acme.example') }, reporter)).statusCode).toBe(403);

    const filed = await patch(report.id, { assetId: assetNamed('app.acme.example') });
    expect(filed.statusCode, filed.body).toBe(200);
    expect(filed.json()).toMatchObject({ asset: { identifier: 'app.acme.example', tier: 1, inScope: true, reportedAs: 'invoices.acme-billing.example' }, firstResponseAt: null });
    expect(filed.json().outOfScope).toMatch(/^Out of scope: Model jailbreaks/);
    expect((await suggestion(report.id)).range).toMatchObject({ min: 5000, max: 20000 });
    // The same asset again changes nothing.
    expect((await patch(report.id, { assetId: assetNamed('app.acme.example') })).json().updatedAt).toBe(filed.json().updatedAt);

    const moved = await patch(report.id, { assetId: assetNamed('blog.acme.example') });
    expect(moved.json().outOfScope).toMatch(/^The asset blog\.acme\.example is out of scope\. Out of scope: Model jailbreaks/);
    const events = (await timeline(report.id, reporter)).filter((e) => e.kind === 'asset_change');
    expect(events.map((e) => e.data)).toEqual([
      { from: { id: null, identifier: 'invoices.acme-billing.example', inScope: false }, to: { id: assetNamed('app.acme.example'), identifier: 'app.acme.example', inScope: true } },
      { from: { id: assetNamed('app.acme.example'), identifier: 'app.acme.example', inScope: true }, to: { id: assetNamed('blog.acme.example'), identifier: 'blog.acme.example', inScope: false } },
    ]);
    const audits = await t.context.db.selectFrom('audit_events').select('data').where('object_id', '=', report.id).where('action', '=', 'report.triage_changed').orderBy('seq').execute();
    expect(audits.map((a) => JSON.parse(a.data))).toEqual([
      { fields: ['assetId'], asset: { from: null, to: assetNamed('app.acme.example') } },
      { fields: ['assetId'], asset: { from: assetNamed('app.acme.example'), to: assetNamed('blog.acme.example') } },
    ]);
  });
});

describe.each(DIALECTS)('report form helpers on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(engine);
  });
  afterAll(async () => t?.close());

  it('searches CWEs and scores vectors for the form', async () => {
    const cwe = await t.request({ method: 'GET', url: '/api/v1/cwe?q=cross-site%20scripting' });
    expect(cwe.json().items[0]).toMatchObject({ id: 79 });
    expect((await t.request({ method: 'GET', url: '/api/v1/cwe?q=CWE-89' })).json().items[0].id).toBe(89);
    const score = await t.request({ method: 'GET', url: `/api/v1/cvss?vector=${encodeURIComponent(CVSS31)}` });
    expect(score.json()).toMatchObject({ version: '3.1', score: 9.8, severity: 'Critical' });
    const bad = await t.request({ method: 'GET', url: `/api/v1/cvss?vector=${encodeURIComponent('CVSS:3.1/AV:N/AC:L')}` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('querystring:/vector');
    expect(bad.json().error.message).toMatch(/PR/);
  });
});

describe.each(DIALECTS)('report timelines on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(engine);
  });
  afterAll(async () => t?.close());

  it('names staff as the security team to reporters, and pages long timelines', async () => {
    const program = await buildProgram(t.context);
    const triager = await buildUser(t.context, { roles: ['triager'] });
    const reporter = await buildUser(t.context);
    const report = (await t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: program.slug, title: 'Paged', description: 'x' } })).json();
    for (let i = 0; i < 5; i++) await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: i % 2 ? reporter.token : triager.token, payload: { body: `message ${i}` } });
    const first = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/timeline?limit=4`, token: reporter.token })).json();
    expect(first.items.map((e: { body: { markdown: string } | null }) => e.body?.markdown ?? null)).toEqual([null, 'message 0', 'message 1', 'message 2']);
    expect(first.items.map((e: { authorLabel: string }) => e.authorLabel)).toEqual(['you', 'security team', 'you', 'security team']);
    expect(JSON.stringify(first)).not.toContain(triager.row.email);
    const second = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/timeline?limit=4&after=${first.next}`, token: reporter.token })).json();
    expect(second.items.map((e: { body: { markdown: string } }) => e.body.markdown)).toEqual(['message 3', 'message 4']);
    expect(second.next).toBeNull();
    const staff = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/timeline`, token: triager.token })).json();
    expect(staff.items[1].authorLabel).toBe(triager.row.email);
  });
});
