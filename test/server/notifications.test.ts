import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutbox, readOutboxMessage } from '../../src/domain/mail/mail.service.js';
import { notifyStaff } from '../../src/domain/notifications/notification.service.js';
import { findReport } from '../../src/domain/reports/report.repository.js';
import type { ProgramRow } from '../../src/domain/programs/program.js';
import { inTransaction } from '../../src/server/transaction.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram } from '../helpers/programs.js';

interface Notification {
  id: string;
  kind: string;
  reportId: string | null;
  title: string;
  body: string;
  url: string | null;
  read: boolean;
}

describe.each(DIALECTS)('notifications on %s', (engine) => {
  let t: TestApp;
  let program: ProgramRow;
  let lead: BuiltUser;
  let triager: BuiltUser;
  let reporter: BuiltUser;
  let other: BuiltUser;

  const submit = async (who: BuiltUser, title = 'SQL injection in search') => {
    const res = await t.request({ method: 'POST', url: '/api/v1/reports', token: who.token, payload: { program: program.slug, title, description: 'The q parameter is concatenated into SQL.' } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; title: string };
  };
  const transition = (id: string, to: string, reason?: string) =>
    t.request({ method: 'POST', url: `/api/v1/reports/${id}/transitions`, token: triager.token, payload: { to, ...(reason ? { reason } : {}) } });
  const comment = (who: BuiltUser, id: string, body: string, internal = false) =>
    t.request({ method: 'POST', url: `/api/v1/reports/${id}/comments`, token: who.token, payload: { body, internal } });
  const notificationsOf = async (who: BuiltUser, query = ''): Promise<Notification[]> => {
    const res = await t.request({ method: 'GET', url: `/api/v1/notifications?limit=100${query}`, token: who.token });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  };
  const forReport = (items: Notification[], reportId: string) => items.filter((n) => n.reportId === reportId);
  const mailsTo = async (who: BuiltUser) => {
    const mails = (await listOutbox(t.context.db, { limit: 500 })).filter((m) => m.recipient === who.row.email);
    return Promise.all(mails.map((m) => readOutboxMessage(t.context, t.context.db, m.id)));
  };

  beforeAll(async () => {
    t = await buildTestApp(engine);
    program = await buildProgram(t.context);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
    reporter = await buildUser(t.context);
    other = await buildUser(t.context);
  });
  afterAll(async () => t?.close());

  it('tells the reporter of state changes, public replies and severity changes in-app and by mail, and nothing of internal notes by any channel', async () => {
    // A webhook listening to everything: its payloads must not carry the internal note either.
    const hook = await t.request({
      method: 'POST',
      url: '/api/v1/webhooks',
      token: lead.token,
      payload: { name: 'Everything', url: 'https://hooks.example.org/all', events: ['report.created', 'report.state_changed', 'report.comment_added', 'report.severity_changed', 'report.assigned'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const report = await submit(reporter);
    const secret = `internal-secret-${engine}-${Date.now()}`;
    expect((await transition(report.id, 'triaged')).statusCode).toBe(200);
    expect((await comment(triager, report.id, 'Thanks, we reproduced it.')).statusCode).toBe(201);
    expect((await comment(triager, report.id, secret, true)).statusCode).toBe(201);
    const severity = await t.request({ method: 'PATCH', url: `/api/v1/reports/${report.id}`, token: triager.token, payload: { cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'] } });
    expect(severity.statusCode, severity.body).toBe(200);

    const mine = forReport(await notificationsOf(reporter), report.id);
    expect(mine.map((n) => n.kind).sort()).toEqual(['reply', 'severity_changed', 'state_changed']);
    expect(mine.find((n) => n.kind === 'state_changed')!.title).toBe(`Your report is now triaged: ${report.title}`);
    expect(mine.find((n) => n.kind === 'reply')!.body).toBe('Thanks, we reproduced it.');
    expect(mine.every((n) => n.url === `http://localhost:8080/reports/${report.id}` && !n.read)).toBe(true);

    const mails = (await mailsTo(reporter)).filter((m) => m.text.includes(report.id));
    expect(mails.map((m) => m.subject).sort()).toEqual(
      [`[cvdesk] New reply on your report: ${report.title}`, `[cvdesk] Severity of your report is now critical (9.8): ${report.title}`, `[cvdesk] Your report is now triaged: ${report.title}`].sort(),
    );
    for (const mail of mails) expect(mail.text).toContain(`Read the report: http://localhost:8080/reports/${report.id}`);

    // The internal note is nowhere outside staff: no notification row, no mail, no webhook payload.
    const rows = await t.context.db.selectFrom('notifications').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(`${row.title} ${row.body}`).not.toContain(secret);
    for (const summary of await listOutbox(t.context.db, { limit: 500 })) {
      const message = await readOutboxMessage(t.context, t.context.db, summary.id);
      expect(`${message.subject} ${message.text}`).not.toContain(secret);
    }
    const deliveries = await t.context.db.selectFrom('webhook_deliveries').selectAll().execute();
    expect(deliveries.map((d) => d.event_type).sort()).toEqual(['report.comment_added', 'report.created', 'report.severity_changed', 'report.state_changed']);
    for (const delivery of deliveries) expect(delivery.payload).not.toContain(secret);
    // Staff are not told of internal notes either (they read them on the timeline).
    expect(rows.filter((r) => r.report_id === report.id && r.kind === 'reporter_reply')).toEqual([]);

    expect((await t.request({ method: 'DELETE', url: `/api/v1/webhooks/${hook.json().id}`, token: lead.token })).statusCode).toBe(204);
  });

  it('tells triagers and leads of new reports (in-app and mail) and of reporter replies (in-app only by default)', async () => {
    const report = await submit(reporter, 'Stored XSS in profile');
    for (const staff of [lead, triager]) {
      const mine = forReport(await notificationsOf(staff), report.id);
      expect(mine.map((n) => n.kind)).toEqual(['new_report']);
      expect(mine[0]!.title).toBe('New report: Stored XSS in profile');
      expect((await mailsTo(staff)).filter((m) => m.text.includes(report.id)).map((m) => m.subject)).toEqual(['[cvdesk] New report: Stored XSS in profile']);
    }
    expect(forReport(await notificationsOf(reporter), report.id)).toEqual([]);
    expect(forReport(await notificationsOf(other), report.id)).toEqual([]);

    expect((await transition(report.id, 'needs_more_info')).statusCode).toBe(200);
    expect((await comment(reporter, report.id, 'Here is a video of it.')).statusCode).toBe(201);
    const replies = forReport(await notificationsOf(triager), report.id).filter((n) => n.kind === 'reporter_reply');
    expect(replies.map((n) => n.body)).toEqual(['Here is a video of it.']);
    expect((await mailsTo(triager)).filter((m) => m.text.includes(report.id) && m.subject.includes('replied'))).toEqual([]);
    // Nobody is told about their own doing: the reporter gets nothing for their reply.
    expect(forReport(await notificationsOf(reporter), report.id).map((n) => n.kind)).toEqual(['state_changed']);
  });

  it('tells the assignee, unless they assigned it to themselves', async () => {
    const report = await submit(reporter);
    await t.request({ method: 'PATCH', url: `/api/v1/reports/${report.id}`, token: triager.token, payload: { assigneeId: triager.row.id } });
    expect(forReport(await notificationsOf(triager), report.id).map((n) => n.kind)).toEqual(['new_report']);
    const res = await t.request({ method: 'PATCH', url: `/api/v1/reports/${report.id}`, token: triager.token, payload: { assigneeId: lead.row.id } });
    expect(res.statusCode, res.body).toBe(200);
    expect(forReport(await notificationsOf(lead), report.id).map((n) => n.kind).sort()).toEqual(['assigned', 'new_report']);
    expect((await mailsTo(lead)).some((m) => m.subject === `[cvdesk] Report assigned to you: ${report.title}`)).toBe(true);
    // Assignment is internal: the reporter hears nothing of it.
    expect(forReport(await notificationsOf(reporter), report.id)).toEqual([]);
  });

  it('lets each person choose in-app and mail per kind, and respects the choice', async () => {
    const person = await buildUser(t.context);
    const defaults = await t.request({ method: 'GET', url: '/api/v1/me/notification-preferences', token: person.token });
    expect(defaults.statusCode, defaults.body).toBe(200);
    expect(defaults.json().items.map((p: { kind: string; inApp: boolean; email: boolean }) => [p.kind, p.inApp, p.email])).toEqual([
      ['state_changed', true, true],
      ['reply', true, true],
      ['severity_changed', true, true],
      ['reward_awarded', true, true],
      ['disclosure_requested', true, true],
    ]);
    const staffDefaults = (await t.request({ method: 'GET', url: '/api/v1/me/notification-preferences', token: triager.token })).json().items;
    expect(Object.fromEntries(staffDefaults.map((p: { kind: string; email: boolean }) => [p.kind, p.email]))).toMatchObject({
      new_report: true,
      assigned: true,
      reporter_reply: false,
      retest_incomplete: true,
      disclosure_requested: true,
      sla_breach: false,
    });
    // Missed targets are mailed to leads unless they say otherwise (to triagers only if they ask).
    const leadDefaults = (await t.request({ method: 'GET', url: '/api/v1/me/notification-preferences', token: lead.token })).json().items;
    expect(leadDefaults.find((p: { kind: string }) => p.kind === 'sla_breach')).toMatchObject({ inApp: true, email: true });

    const put = await t.request({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      token: person.token,
      payload: { items: [{ kind: 'state_changed', inApp: false, email: false }, { kind: 'reply', inApp: true, email: false }] },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().items.find((p: { kind: string }) => p.kind === 'reply')).toMatchObject({ inApp: true, email: false });
    expect(put.json().items.find((p: { kind: string }) => p.kind === 'severity_changed')).toMatchObject({ inApp: true, email: true });

    const report = await submit(person);
    await transition(report.id, 'triaged');
    await comment(triager, report.id, 'We are on it.');
    expect(forReport(await notificationsOf(person), report.id).map((n) => n.kind)).toEqual(['reply']);
    expect((await mailsTo(person)).filter((m) => m.text.includes(report.id))).toEqual([]);

    const staffKind = await t.request({ method: 'PUT', url: '/api/v1/me/notification-preferences', token: person.token, payload: { items: [{ kind: 'new_report', inApp: false, email: false }] } });
    expect(staffKind.statusCode).toBe(400);
    expect(staffKind.json().error.details[0].field).toBe('/items/0/kind');
    const twice = await t.request({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      token: person.token,
      payload: { items: [{ kind: 'reply', inApp: true, email: true }, { kind: 'reply', inApp: false, email: false }] },
    });
    expect(twice.json().error.details[0].field).toBe('/items/1/kind');
    const unknown = await t.request({ method: 'PUT', url: '/api/v1/me/notification-preferences', token: person.token, payload: { items: [{ kind: 'gossip', inApp: true, email: true }] } });
    expect(unknown.statusCode).toBe(400);

    // A triager who turns new-report mail off still sees them in-app.
    await t.request({ method: 'PUT', url: '/api/v1/me/notification-preferences', token: triager.token, payload: { items: [{ kind: 'new_report', inApp: true, email: false }] } });
    const quiet = await submit(reporter, 'Quiet one');
    expect(forReport(await notificationsOf(triager), quiet.id).map((n) => n.kind)).toEqual(['new_report']);
    expect((await mailsTo(triager)).filter((m) => m.text.includes(quiet.id))).toEqual([]);
    expect((await mailsTo(lead)).filter((m) => m.text.includes(quiet.id))).toHaveLength(1);
    await t.request({ method: 'PUT', url: '/api/v1/me/notification-preferences', token: triager.token, payload: { items: [{ kind: 'new_report', inApp: true, email: true }] } });
  });

  it('pages, filters unread and marks read; nobody reads or marks anyone else’s', async () => {
    const person = await buildUser(t.context);
    const report = await submit(person);
    expect((await transition(report.id, 'triaged')).statusCode).toBe(200);
    expect((await transition(report.id, 'resolved', 'Fixed in 2.4.1')).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) await comment(triager, report.id, `Update ${i}`);

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const res = await t.request({ method: 'GET', url: `/api/v1/notifications?limit=2${after ? `&after=${after}` : ''}`, token: person.token });
      const page = res.json() as { items: Notification[]; next: string | null; unread: number };
      expect(page.items.length).toBeLessThanOrEqual(2);
      expect(page.unread).toBe(5);
      seen.push(...page.items.map((n) => n.id));
      after = page.next;
    } while (after);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const all = await notificationsOf(person);
    expect(all.map((n) => n.id)).toEqual(seen);
    // Newest first (rows made in the same millisecond are ordered by id).
    expect(all.map((n) => n.body).sort()).toEqual(['', 'Fixed in 2.4.1', 'Update 0', 'Update 1', 'Update 2']);

    // Someone else sees none of them and cannot mark them.
    expect(await notificationsOf(other)).not.toEqual(expect.arrayContaining([expect.objectContaining({ id: seen[0] })]));
    const foreign = await t.request({ method: 'POST', url: '/api/v1/notifications/read', token: other.token, payload: { ids: seen } });
    expect(foreign.statusCode, foreign.body).toBe(200);
    expect(foreign.json().updated).toBe(0);
    expect(await notificationsOf(person, '&unread=true')).toHaveLength(5);

    const two = await t.request({ method: 'POST', url: '/api/v1/notifications/read', token: person.token, payload: { ids: seen.slice(0, 2) } });
    expect(two.json().updated).toBe(2);
    const unread = await notificationsOf(person, '&unread=true');
    expect(unread.map((n) => n.id)).toEqual(seen.slice(2));
    expect((await notificationsOf(person)).filter((n) => n.read).map((n) => n.id)).toEqual(seen.slice(0, 2));

    const rest = await t.request({ method: 'POST', url: '/api/v1/notifications/read', token: person.token, payload: { all: true } });
    expect(rest.json().updated).toBe(3);
    expect(await notificationsOf(person, '&unread=true')).toEqual([]);

    const both = await t.request({ method: 'POST', url: '/api/v1/notifications/read', token: person.token, payload: { ids: [], all: true } });
    expect(both.statusCode).toBe(400);
    const badCursor = await t.request({ method: 'GET', url: '/api/v1/notifications?after=garbage', token: person.token });
    expect(badCursor.json().error.details[0].field).toBe('querystring:/after');
  });

  it('notifyStaff reaches every active triager and lead (SLA breaches: mailed to leads only by default)', async () => {
    const report = await submit(reporter, 'Slow one');
    const row = (await findReport(t.context.db, report.id))!;
    await inTransaction(t.context, (trx) => notifyStaff(t.context, trx, 'sla_breach', row, 'First response is 3 hours overdue.'));
    for (const staff of [lead, triager]) {
      const breach = forReport(await notificationsOf(staff), report.id).filter((n) => n.kind === 'sla_breach');
      expect(breach.map((n) => [n.title, n.body])).toEqual([['Response target missed: Slow one', 'First response is 3 hours overdue.']]);
    }
    expect((await mailsTo(triager)).filter((m) => m.subject.includes('Response target missed'))).toEqual([]);
    expect((await mailsTo(lead)).filter((m) => m.subject.includes('Response target missed: Slow one'))).toHaveLength(1);
    expect(forReport(await notificationsOf(reporter), report.id)).toEqual([]);
  });
});
