import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewCandidate } from '../../src/domain/findings/finding.service.js';
import { runCaseReminders } from '../../src/domain/cases/case-schedule.js';
import { inTransaction } from '../../src/server/transaction.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { DIALECTS, testClock } from '../helpers/databases.js';
import { importObject, sarifLog } from '../domain/findings/findings.support.js';
import { createVendor } from '../../src/domain/vendors/vendor.service.js';
import { buildStaff, buildVendor, createCaseViaApi, operator, VULNERABILITY, type Staff } from './cases.support.js';

const DAY = 86_400_000;

describe.each(DIALECTS)('cases on %s', (engine) => {
  let t: TestApp;
  let staff: Staff;
  const clock = testClock(new Date('2026-11-27T12:00:00Z'));

  beforeAll(async () => {
    t = await buildTestApp(engine, {}, clock);
    staff = await buildStaff(t.context);
  });
  afterAll(async () => t?.close());

  const get = (url: string, token = staff.triager.token) => t.request({ method: 'GET', url, token });
  const post = (url: string, payload: object, token = staff.triager.token) => t.request({ method: 'POST', url, token, payload });

  it('creates a case with vulnerabilities, participants, an embargo in a time zone and credits', async () => {
    const vendor = await buildVendor(t.context, { name: 'Acme' });
    const id = await createCaseViaApi(t, staff.triager.token, [vendor.id], {
      embargo: { date: '2027-01-15', time: '10:00', zone: 'Europe/Amsterdam' },
      credits: [{ kind: 'automated', name: 'Scanner Agent 7', consentToName: true }, { kind: 'individual', name: 'A. Person', consentToName: false }],
    });
    const res = await get(`/api/v1/cases/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ state: 'draft', policy: { key: 'organisation_default' }, owner: { id: staff.triager.row.id }, embargo: { endsAt: '2027-01-15T09:00:00.000Z', zone: 'Europe/Amsterdam', local: '2027-01-15T10:00', offset: '+01:00' } });
    expect(body.summary.html).toContain('Found by our scanner.');
    expect(body.vulnerabilities).toEqual([expect.objectContaining({ title: VULNERABILITY.title, cwe: 89, versions: ['< 2.4.1'], cvssVectors: [VULNERABILITY.cvssVectors[0]] })]);
    expect(body.vulnerabilities[0].summary.html).toContain('<strong>unescaped</strong>');
    expect(body.participants).toEqual([expect.objectContaining({ role: 'vendor', vendor: expect.objectContaining({ name: 'Acme' }), contact: expect.objectContaining({ value: expect.stringContaining('@') }), noticeCount: 0 })]);
    expect(body.participants[0].statuses).toEqual([expect.objectContaining({ status: 'unknown' })]);
    expect(body.credits.map((c: { kind: string; consentToName: boolean }) => [c.kind, c.consentToName])).toEqual([['automated', true], ['individual', false]]);
    expect(body.next.actions.map((a: { kind: string }) => a.kind)).toEqual(['send_notice', 'embargo_ends']);
    expect(body.next.actions[0].participantId).toBe(body.participants[0].id);
    const audit = await t.context.db.selectFrom('audit_events').select('action').where('object_id', '=', id).execute();
    expect(audit.map((a) => a.action)).toContain('case.created');
  });

  it('refuses bad input with a 4xx naming the field, and stores nothing of it', async () => {
    const before = await t.context.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const vendor = await buildVendor(t.context);
    const cases: [object, string][] = [
      [{ title: 'x', vulnerabilities: [{ ...VULNERABILITY, cvssVectors: ['CVSS:3.1/AV:Q'] }] }, '/vulnerabilities/0/cvssVectors/0'],
      [{ title: 'x', vulnerabilities: [{ ...VULNERABILITY, cwe: 99_998 }] }, '/vulnerabilities/0/cwe'],
      [{ title: 'x', embargo: { date: '2027-01-15', time: '10:00', zone: 'Nowhere/Special' } }, '/embargo/zone'],
      [{ title: 'x', vulnerabilities: [VULNERABILITY], participants: [{ vendorId: vendor.id }, { vendorId: '00000000-0000-4000-8000-000000000000' }] }, '/participants/1/vendorId'],
      [{ title: 'x', ownerId: staff.reporter.row.id }, '/ownerId'],
      [{ title: 'line\nbreak' }, '/title'],
    ];
    for (const [payload, field] of cases) {
      const res = await post('/api/v1/cases', payload);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.details[0].field).toBe(field);
    }
    const unknownField = await post('/api/v1/cases', { title: 'x', surprise: true });
    expect(unknownField.statusCode).toBe(400);
    const huge = await post('/api/v1/cases', { title: 'x', summary: 'a'.repeat(30_000) });
    expect(huge.statusCode).toBe(400);
    const after = await t.context.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('lets triagers and leads write, auditors read, and nobody else in', async () => {
    const vendor = await buildVendor(t.context);
    const id = await createCaseViaApi(t, staff.lead.token, [vendor.id]);
    expect((await get(`/api/v1/cases/${id}`, staff.auditor.token)).statusCode).toBe(200);
    expect((await get('/api/v1/cases', staff.auditor.token)).statusCode).toBe(200);
    expect((await post('/api/v1/cases', { title: 'Auditor case' }, staff.auditor.token)).json().error.code).toBe('forbidden');
    expect((await t.request({ method: 'PATCH', url: `/api/v1/cases/${id}`, token: staff.auditor.token, payload: { title: 'No' } })).statusCode).toBe(403);
    for (const who of [staff.reporter, staff.cna]) {
      expect((await get(`/api/v1/cases/${id}`, who.token)).statusCode).toBe(403);
      expect((await get('/api/v1/cases', who.token)).statusCode).toBe(403);
      expect((await get(`/api/v1/cases/${id}/log`, who.token)).statusCode).toBe(403);
    }
    expect((await t.request({ method: 'GET', url: `/api/v1/cases/${id}` })).statusCode).toBe(401);
    expect((await get('/api/v1/cases/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    // A participant of another case is not found through this one.
    const other = await createCaseViaApi(t, staff.lead.token, [vendor.id]);
    const otherParticipant = (await get(`/api/v1/cases/${other}`)).json().participants[0].id;
    const res = await t.request({ method: 'PUT', url: `/api/v1/cases/${id}/participants/${otherParticipant}/statuses/00000000-0000-4000-8000-000000000000`, token: staff.triager.token, payload: { status: 'affected' } });
    expect(res.statusCode).toBe(404);
  });

  it('lists cases by state and age', async () => {
    const vendor = await buildVendor(t.context);
    const old = await createCaseViaApi(t, staff.triager.token, [vendor.id], { title: 'Old case' });
    clock.advance(40 * DAY);
    const fresh = await createCaseViaApi(t, staff.triager.token, [vendor.id], { title: 'Fresh case' });
    const aged = (await get('/api/v1/cases?state=open&minAgeDays=30&limit=200')).json();
    expect(aged.items.map((c: { id: string }) => c.id)).toContain(old);
    expect(aged.items.map((c: { id: string }) => c.id)).not.toContain(fresh);
    const young = (await get('/api/v1/cases?state=draft&maxAgeDays=1')).json();
    expect(young.items.map((c: { id: string }) => c.id)).toEqual([fresh]);
    expect(young.items[0]).toMatchObject({ ageDays: 0, vulnerabilities: 1, participants: 1, acknowledged: 0 });
    expect((await get('/api/v1/cases?state=nonsense')).statusCode).toBe(400);
  });

  it('sets statuses (no_response kept apart from unknown), records decisions allowed by the policy, discloses with an advisory draft', async () => {
    const vendor = await buildVendor(t.context);
    const id = await createCaseViaApi(t, staff.triager.token, [vendor.id], { credits: [{ kind: 'team', name: 'Our Research Team', consentToName: true }, { kind: 'individual', name: 'Secret Person', consentToName: false }] });
    const detail = (await get(`/api/v1/cases/${id}`)).json();
    const participant = detail.participants[0].id;
    const vulnerability = detail.vulnerabilities[0].id;
    const put = (status: string) => t.request({ method: 'PUT', url: `/api/v1/cases/${id}/participants/${participant}/statuses/${vulnerability}`, token: staff.triager.token, payload: { status } });
    expect((await put('no_response')).statusCode).toBe(200);
    expect((await get(`/api/v1/cases/${id}`)).json().participants[0].statuses[0].status).toBe('no_response');
    expect((await put('bogus')).statusCode).toBe(400);
    // Disclosure needs a decision first.
    expect((await post(`/api/v1/cases/${id}/transitions`, { to: 'disclosed' })).statusCode).toBe(409);
    // The case must be notifying before it can be disclosed: send a notice (stored: no SMTP here).
    expect((await post(`/api/v1/cases/${id}/participants/${participant}/notices`, {})).json()).toMatchObject({ status: 'stored', encrypted: false });
    expect((await get(`/api/v1/cases/${id}`)).json().state).toBe('notifying');
    const wrong = await post(`/api/v1/cases/${id}/decisions`, { condition: 'deadline_reached', evidence: 'The deadline passed long ago.' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details[0].field).toBe('/condition');
    expect((await post(`/api/v1/cases/${id}/decisions`, { condition: 'vendor_unreachable', evidence: 'short' })).statusCode).toBe(400);
    const decision = await post(`/api/v1/cases/${id}/decisions`, { condition: 'vendor_unreachable', evidence: 'Three notices over 35 days, mailbox live, no answer.' });
    expect(decision.statusCode, decision.body).toBe(201);
    const disclosed = await post(`/api/v1/cases/${id}/transitions`, { to: 'disclosed', reason: 'Published' });
    expect(disclosed.statusCode, disclosed.body).toBe(200);
    expect(disclosed.json().advisoryId).toEqual(expect.any(String));
    const advisory = await t.context.db.selectFrom('advisories').selectAll().where('id', '=', disclosed.json().advisoryId).executeTakeFirstOrThrow();
    expect(JSON.stringify(advisory)).toContain('Our Research Team');
    expect(JSON.stringify(advisory)).not.toContain('Secret Person');
    const facts = (await get(`/api/v1/cases/${id}/advisory-facts`)).json();
    expect(facts.vulnerabilities[0]).toMatchObject({ title: VULNERABILITY.title, cwes: [89] });
    expect(facts.credits).toEqual([expect.objectContaining({ name: 'Our Research Team', kind: 'person', consent: true })]);
    // A disclosed case can only be closed, with a reason.
    expect((await post(`/api/v1/cases/${id}/transitions`, { to: 'coordinating' })).statusCode).toBe(409);
    expect((await post(`/api/v1/cases/${id}/transitions`, { to: 'closed' })).statusCode).toBe(400);
    expect((await post(`/api/v1/cases/${id}/transitions`, { to: 'closed', reason: 'Done' })).statusCode).toBe(200);
    const actions = (await t.context.db.selectFrom('audit_events').select('action').where('object_id', '=', id).execute()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['case.status_changed', 'case.notice_queued', 'case.decision_recorded', 'case.state_changed']));
    const log = (await get(`/api/v1/cases/${id}/log`)).json().items.map((e: { kind: string }) => e.kind);
    expect(log).toEqual(expect.arrayContaining(['case_created', 'participant_added', 'status_changed', 'notice_queued', 'decision', 'state_changed']));
  });

  it('composes CVE facts into a CNA container with the cve-records composer', async () => {
    const vendor = await buildVendor(t.context, { name: 'Composer Vendor' });
    const id = await createCaseViaApi(t, staff.triager.token, [vendor.id]);
    const vulnerability = (await get(`/api/v1/cases/${id}`)).json().vulnerabilities[0].id;
    const res = await post(`/api/v1/cases/${id}/vulnerabilities/${vulnerability}/cve-facts`, { provider: { orgId: '11111111-1111-4111-8111-111111111111', shortName: 'example' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().facts).toMatchObject({ title: VULNERABILITY.title, cweIds: [89] });
    expect(res.json().container).toMatchObject({ providerMetadata: { orgId: '11111111-1111-4111-8111-111111111111' } });
    expect(JSON.stringify(res.json().container.affected)).toContain('Composer Vendor');
  });

  it('makes a case from a draft group of approved finding candidates only', async () => {
    const repository = `https://github.com/acme/gadget-${engine}`;
    const owner = await inTransaction(t.context, (trx) => createVendor(t.context, trx, operator, { name: 'Acme Gadgets', repositories: [repository], contacts: [{ kind: 'email', value: 'security@acme-gadgets.example' }] }));
    await importObject(t.context, sarifLog([{ uri: 'src/a.js', line: 3, fingerprint: `a-${engine}` }, { rule: 'js/sqli', uri: 'src/b.js', line: 9, fingerprint: `b-${engine}` }], { repository }), { source: 'scanner' });
    const candidates = await t.context.db.selectFrom('finding_candidates').selectAll().where('repository_url', '=', repository).execute();
    expect(candidates.length).toBe(2);
    const projectKey = candidates[0]!.project_key;
    const none = await post('/api/v1/cases/from-draft-group', { projectKey });
    expect(none.statusCode).toBe(409);
    await inTransaction(t.context, (trx) => reviewCandidate(t.context, trx, staff.lead.actor, candidates[0]!.id, { decision: 'approve' }));
    const made = await post('/api/v1/cases/from-draft-group', { projectKey, policy: 'deadline_90_30' });
    expect(made.statusCode, made.body).toBe(201);
    const detail = (await get(`/api/v1/cases/${made.json().id}`)).json();
    expect(detail.projectKey).toBe(projectKey);
    expect(detail.vulnerabilities).toEqual([expect.objectContaining({ candidateId: candidates[0]!.id })]);
    expect(detail.participants).toEqual([expect.objectContaining({ vendor: expect.objectContaining({ id: owner.id, name: 'Acme Gadgets' }), role: 'vendor' })]);
    // The same candidate does not go into a second case.
    expect((await post('/api/v1/cases/from-draft-group', { projectKey })).statusCode).toBe(409);
  });

  it('escalates to a coordinator: the coordinator joins, silent statuses become no_response', async () => {
    const vendor = await buildVendor(t.context, { name: 'Silent Corp' });
    const coordinator = await buildVendor(t.context, { name: 'National CERT', kind: 'coordinator' });
    const id = await createCaseViaApi(t, staff.triager.token, [vendor.id]);
    const participant = (await get(`/api/v1/cases/${id}`)).json().participants[0].id;
    for (let i = 0; i < 3; i++) {
      expect((await post(`/api/v1/cases/${id}/participants/${participant}/notices`, {})).statusCode).toBe(201);
      clock.advance(8 * DAY);
    }
    const next = (await get(`/api/v1/cases/${id}`)).json().next.actions.map((a: { kind: string }) => a.kind);
    expect(next).toContain('escalate');
    expect((await post(`/api/v1/cases/${id}/escalations`, { participantId: participant, coordinatorId: vendor.id })).statusCode).toBe(400);
    const res = await post(`/api/v1/cases/${id}/escalations`, { participantId: participant, coordinatorId: coordinator.id, message: 'Please help.' });
    expect(res.statusCode, res.body).toBe(201);
    const detail = (await get(`/api/v1/cases/${id}`)).json();
    expect(detail.participants.map((p: { role: string }) => p.role)).toEqual(['vendor', 'coordinator']);
    expect(detail.participants[0].statuses[0].status).toBe('no_response');
    expect(detail.participants[0].escalatedAt).not.toBeNull();
    const notice = await t.context.db.selectFrom('case_notices').selectAll().where('id', '=', res.json().noticeId).executeTakeFirstOrThrow();
    const text = t.context.secrets.open(notice.body);
    expect(text).toContain('Silent Corp has not acknowledged');
    expect(text).toContain('No acknowledgement after 3 notices');
    expect(text).toContain('Please help.');
    expect(notice.kind).toBe('escalation');
  });

  it('hands the escalation package to staff when the coordinator takes reports by web form only (seeded CISA)', async () => {
    const cisa = await t.context.db.selectFrom('vendors').selectAll().where('name', '=', 'CISA').executeTakeFirstOrThrow();
    const vendor = await buildVendor(t.context, { name: 'Quiet Industrial' });
    const id = await createCaseViaApi(t, staff.triager.token, [vendor.id]);
    const participant = (await get(`/api/v1/cases/${id}`)).json().participants[0].id;
    await post(`/api/v1/cases/${id}/participants/${participant}/notices`, {});
    const res = await post(`/api/v1/cases/${id}/escalations`, { participantId: participant, coordinatorId: cisa.id });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().noticeId).toBeNull();
    expect(res.json().handOver.channel).toEqual({ kind: 'web_form', value: 'https://www.cisa.gov/report' });
    expect(res.json().handOver.text).toContain('Quiet Industrial has not acknowledged');
    expect(res.json().handOver.text).toMatch(/\/portal\/cvp_/);
    const log = (await get(`/api/v1/cases/${id}/log`)).json().items;
    expect(log.find((e: { kind: string }) => e.kind === 'escalated').summary).toContain('package prepared for https://www.cisa.gov/report');
    // The package's text is not kept anywhere but in the answer: its portal link is a secret.
    expect(JSON.stringify(log)).not.toContain('cvp_');
  });

  it('reminds the case owner once per due action, by mail through the outbox', async () => {
    const vendor = await buildVendor(t.context);
    const id = await createCaseViaApi(t, staff.triager.token, [vendor.id]);
    const participant = (await get(`/api/v1/cases/${id}`)).json().participants[0].id;
    await post(`/api/v1/cases/${id}/participants/${participant}/notices`, {});
    clock.advance(8 * DAY);
    const first = await runCaseReminders(t.context);
    expect(first.reminded).toBeGreaterThan(0);
    const reminders = await t.context.db.selectFrom('case_log').selectAll().where('case_id', '=', id).where('kind', '=', 'reminder').execute();
    expect(reminders.map((r) => JSON.parse(r.data).action)).toEqual(['follow_up']);
    const mail = await t.context.db.selectFrom('mail_outbox').selectAll().where('recipient', '=', staff.triager.row.email).execute();
    expect(mail.some((m) => t.context.secrets.open(m.body).includes(`/cases/${id}`))).toBe(true);
    await runCaseReminders(t.context);
    expect((await t.context.db.selectFrom('case_log').select('id').where('case_id', '=', id).where('kind', '=', 'reminder').execute()).length).toBe(1);
  });

  it('keeps per-organisation policy values (leads only) and uses them for next actions', async () => {
    expect((await t.request({ method: 'PATCH', url: '/api/v1/cases/policies/organisation_default', token: staff.triager.token, payload: { attempts: 5 } })).statusCode).toBe(403);
    const bad = await t.request({ method: 'PATCH', url: '/api/v1/cases/policies/organisation_default', token: staff.lead.token, payload: { deadlineDays: 30 } });
    expect(bad.statusCode).toBe(400);
    const res = await t.request({ method: 'PATCH', url: '/api/v1/cases/policies/organisation_default', token: staff.lead.token, payload: { attempts: 5, unreachableDays: 60 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ attempts: 5, unreachableDays: 60, followUpDays: 7 });
    const policies = (await get('/api/v1/cases/policies', staff.auditor.token)).json();
    expect(policies.items.find((p: { key: string }) => p.key === 'organisation_default').values.attempts).toBe(5);
    // Three unacknowledged notices: with N = 5 the next action is another follow-up, not escalation.
    const vendor = await buildVendor(t.context);
    const id = await createCaseViaApi(t, staff.triager.token, [vendor.id]);
    const participant = (await get(`/api/v1/cases/${id}`)).json().participants[0].id;
    for (let i = 0; i < 3; i++) await post(`/api/v1/cases/${id}/participants/${participant}/notices`, {});
    const kinds = () => get(`/api/v1/cases/${id}`).then((r) => r.json().next.actions.map((a: { kind: string }) => a.kind));
    expect(await kinds()).toEqual(['follow_up']);
    expect((await get(`/api/v1/cases/${id}`)).json().policy.values).toMatchObject({ attempts: 5, unreachableDays: 60 });
    const reset = await t.request({ method: 'PATCH', url: '/api/v1/cases/policies/organisation_default', token: staff.lead.token, payload: { attempts: null, unreachableDays: null } });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json().attempts).toBe(3);
    expect(await kinds()).toEqual(['escalate', 'consider_disclosure']);
  });

  it('serves an iCalendar feed of the owner’s deadlines to a token, and refuses it once revoked', async () => {
    const vendor = await buildVendor(t.context);
    const id = await createCaseViaApi(t, staff.lead.token, [vendor.id], { title: 'Calendar; case, with "specials"', policy: 'deadline_90_30' });
    const participant = (await get(`/api/v1/cases/${id}`)).json().participants[0].id;
    await post(`/api/v1/cases/${id}/participants/${participant}/notices`, {});
    const issued = await post('/api/v1/cases/calendar-token', {}, staff.lead.token);
    expect(issued.statusCode).toBe(201);
    const { token, url } = issued.json();
    expect(url).toContain('/api/v1/cases/calendar.ics?token=cvc_');
    const feed = await t.request({ method: 'GET', url: `/api/v1/cases/calendar.ics?token=${token}` });
    expect(feed.statusCode, feed.body).toBe(200);
    expect(feed.headers['content-type']).toContain('text/calendar');
    expect(feed.body.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    const unfolded = feed.body.replace(/\r\n /g, '');
    expect(unfolded).toContain('Calendar\\; case\\, with "specials"');
    expect(unfolded).toMatch(/SUMMARY:Disclosure deadline \(deadline\)/);
    for (const line of feed.body.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    // Another person's feed does not list this case.
    const mine = (await post('/api/v1/cases/calendar-token', {}, staff.triager.token)).json();
    expect((await t.request({ method: 'GET', url: `/api/v1/cases/calendar.ics?token=${mine.token}` })).body).not.toContain('specials');
    await t.request({ method: 'DELETE', url: '/api/v1/cases/calendar-token', token: staff.lead.token });
    expect((await t.request({ method: 'GET', url: `/api/v1/cases/calendar.ics?token=${token}` })).statusCode).toBe(401);
    expect((await t.request({ method: 'GET', url: '/api/v1/cases/calendar.ics?token=cvc_guess' })).statusCode).toBe(401);
  });

  it('gives dashboard figures: open cases by state and age, median acknowledgement and fix times by month', async () => {
    const vendor = await buildVendor(t.context);
    const id = await createCaseViaApi(t, staff.triager.token, [vendor.id]);
    const detail = (await get(`/api/v1/cases/${id}`)).json();
    const participant = detail.participants[0].id;
    await post(`/api/v1/cases/${id}/participants/${participant}/notices`, {});
    clock.advance(DAY);
    await post(`/api/v1/cases/${id}/participants/${participant}/acknowledge`, {});
    clock.advance(DAY);
    await t.request({ method: 'PUT', url: `/api/v1/cases/${id}/participants/${participant}/statuses/${detail.vulnerabilities[0].id}`, token: staff.triager.token, payload: { status: 'fixed' } });
    const res = await get('/api/v1/cases/dashboard?months=3', staff.auditor.token);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.open.total).toBeGreaterThan(0);
    expect(body.open.byState.coordinating).toBeGreaterThanOrEqual(1);
    expect(body.open.byAge.map((b: { key: string }) => b.key)).toEqual(['under_7d', '7_30d', '30_90d', 'over_90d']);
    expect(body.responseTimes.acknowledgement.medianHours).not.toBeNull();
    expect(body.responseTimes.fix.samples).toBeGreaterThanOrEqual(1);
    expect(body.months).toHaveLength(3);
    expect((await get('/api/v1/cases/dashboard', staff.reporter.token)).statusCode).toBe(403);
  });
});
