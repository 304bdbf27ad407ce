import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutbox, readOutboxMessage } from '../../src/domain/mail/mail.service.js';
import type { ProgramRow } from '../../src/domain/programs/program.js';
import { runReportsHourly } from '../../src/domain/reports/report-housekeeping.js';
import { DIALECTS, testClock } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram } from '../helpers/programs.js';

const HOUR = 3_600_000;
const CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

interface Notification {
  kind: string;
  reportId: string | null;
  title: string;
  body: string;
}

/** Who hears what beyond the reporter and triage staff: collaborators, disclosure, retests, settled rewards, missed targets. */
describe.each(DIALECTS)('report notifications on %s', (engine) => {
  let t: TestApp;
  let program: ProgramRow;
  let lead: BuiltUser;
  let triager: BuiltUser;
  let reporter: BuiltUser;
  let friend: BuiltUser;
  let bystander: BuiltUser;
  const clock = testClock(new Date('2026-11-23T09:00:00Z'));

  const submit = async (payload: Record<string, unknown> = {}, slug = program.slug) => {
    const res = await t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: slug, title: 'Password reset poisoning', description: 'Host header decides the link.', ...payload } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; title: string };
  };
  const withFriend = () => submit({ collaborators: [{ account: friend.row.email, share: 40 }] });
  const move = async (id: string, to: string, reason?: string) => {
    const res = await t.request({ method: 'POST', url: `/api/v1/reports/${id}/transitions`, token: triager.token, payload: { to, ...(reason ? { reason } : {}) } });
    expect(res.statusCode, res.body).toBe(200);
  };
  const comment = (who: BuiltUser, id: string, body: string, internal = false) => t.request({ method: 'POST', url: `/api/v1/reports/${id}/comments`, token: who.token, payload: { body, internal } });
  const notificationsOf = async (who: BuiltUser, reportId: string): Promise<Notification[]> => {
    const res = await t.request({ method: 'GET', url: '/api/v1/notifications?limit=100', token: who.token });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as Notification[]).filter((n) => n.reportId === reportId).reverse();
  };
  const kindsOf = async (who: BuiltUser, reportId: string) => (await notificationsOf(who, reportId)).map((n) => n.kind);
  const mailsTo = async (who: BuiltUser, about?: string) => {
    const mails = (await listOutbox(t.context.db, { limit: 500 })).filter((m) => m.recipient === who.row.email);
    const read = await Promise.all(mails.map((m) => readOutboxMessage(t.context, t.context.db, m.id)));
    return read.filter((m) => about === undefined || m.text.includes(about)).reverse();
  };
  const prefer = async (who: BuiltUser, kind: string, inApp: boolean, email: boolean) => {
    const res = await t.request({ method: 'PUT', url: '/api/v1/me/notification-preferences', token: who.token, payload: { items: [{ kind, inApp, email }] } });
    expect(res.statusCode, res.body).toBe(200);
  };

  beforeAll(async () => {
    t = await buildTestApp(engine, {}, clock);
    program = await buildProgram(t.context, { disclosure: { mode: 'mutual', delayDays: 30, level: 'full' } });
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
    reporter = await buildUser(t.context);
    friend = await buildUser(t.context);
    bystander = await buildUser(t.context);
  });
  afterAll(async () => t?.close());

  it('tells collaborators what it tells the reporter: state changes, public replies, severity; never internal notes', async () => {
    const report = await withFriend();
    await move(report.id, 'triaged');
    expect((await comment(triager, report.id, 'Reproduced on staging.')).statusCode).toBe(201);
    expect((await comment(triager, report.id, 'internal: pay out of Q4 budget', true)).statusCode).toBe(201);
    const severity = await t.request({ method: 'PATCH', url: `/api/v1/reports/${report.id}`, token: triager.token, payload: { cvss: [CRITICAL] } });
    expect(severity.statusCode, severity.body).toBe(200);

    for (const person of [reporter, friend]) {
      expect((await kindsOf(person, report.id)).sort()).toEqual(['reply', 'severity_changed', 'state_changed']);
      const mails = await mailsTo(person, report.id);
      expect(mails.map((m) => m.subject.split(':')[0]).sort()).toEqual(['[cvdesk] New reply on your report', '[cvdesk] Severity of your report is now critical (9.8)', '[cvdesk] Your report is now triaged']);
      for (const mail of mails) expect(mail.text).not.toContain('Q4 budget');
    }
    expect(await kindsOf(bystander, report.id)).toEqual([]);

    // A collaborator's reply reaches the submitter (and staff), not the collaborator who wrote it.
    expect((await comment(friend, report.id, 'Also works on the mobile API.')).statusCode).toBe(201);
    expect((await notificationsOf(reporter, report.id)).filter((n) => n.kind === 'reply').map((n) => n.body)).toEqual(['Reproduced on staging.', 'Also works on the mobile API.']);
    expect((await kindsOf(friend, report.id)).filter((k) => k === 'reply')).toHaveLength(1);
    expect((await notificationsOf(triager, report.id)).filter((n) => n.kind === 'reporter_reply').map((n) => n.body)).toEqual(['Also works on the mobile API.']);
  });

  it("respects each collaborator's own preferences", async () => {
    const quiet = await buildUser(t.context);
    await prefer(quiet, 'state_changed', true, false);
    const report = await submit({ collaborators: [{ account: quiet.row.email, share: 10 }] });
    await move(report.id, 'triaged');
    expect(await kindsOf(quiet, report.id)).toEqual(['state_changed']);
    expect(await mailsTo(quiet, report.id)).toEqual([]);
    expect((await mailsTo(reporter, report.id)).map((m) => m.subject)).toEqual([`[cvdesk] Your report is now triaged: ${report.title}`]);
  });

  it('tells each recipient of their own reward, and of it being paid or cancelled, with a link to their earnings page', async () => {
    const report = await withFriend();
    await move(report.id, 'triaged');
    const award = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/rewards`, token: triager.token, payload: { amount: 100_001, kind: 'bounty' } });
    expect(award.statusCode, award.body).toBe(201);
    const entries = award.json().items as { id: string; userId: string }[];
    const reporterNews = await notificationsOf(reporter, report.id);
    expect(reporterNews.filter((n) => n.kind === 'reward_awarded').map((n) => n.title)).toEqual([`You were awarded 600.01 USD: ${report.title}`]);
    const friendNews = (await notificationsOf(friend, report.id)).filter((n) => n.kind === 'reward_awarded');
    expect(friendNews.map((n) => n.title)).toEqual([`You were awarded 400.00 USD: ${report.title}`]);
    expect(friendNews[0]!.body).toContain('http://localhost:8080/account/earnings');
    expect(friendNews[0]!.body).not.toContain('/me/earnings');

    const friendEntry = entries.find((e) => e.userId === friend.row.id)!;
    const reporterEntry = entries.find((e) => e.userId === reporter.row.id)!;
    expect((await t.request({ method: 'POST', url: `/api/v1/rewards/${friendEntry.id}/state`, token: lead.token, payload: { to: 'paid', reference: 'WIRE-77' } })).statusCode).toBe(200);
    expect((await t.request({ method: 'POST', url: `/api/v1/rewards/${reporterEntry.id}/state`, token: lead.token, payload: { to: 'cancelled', reference: 'duplicate payout' } })).statusCode).toBe(200);

    const paid = (await notificationsOf(friend, report.id)).filter((n) => n.title.startsWith('Your reward'));
    expect(paid.map((n) => [n.kind, n.title])).toEqual([['reward_awarded', `Your reward of 400.00 USD was paid: ${report.title}`]]);
    expect(paid[0]!.body).toContain('Payment reference: WIRE-77');
    expect(paid[0]!.body).toContain('http://localhost:8080/account/earnings');
    const cancelled = (await notificationsOf(reporter, report.id)).filter((n) => n.title.startsWith('Your reward'));
    expect(cancelled.map((n) => n.title)).toEqual([`Your reward of 600.01 USD was cancelled: ${report.title}`]);
    expect(cancelled[0]!.body).toContain('Reason: duplicate payout');
    // Each hears of their own entry only; by mail too.
    expect((await mailsTo(friend, report.id)).some((m) => m.subject.includes('was cancelled'))).toBe(false);
    expect((await mailsTo(reporter, report.id)).some((m) => m.subject.startsWith('[cvdesk] Your reward of 600.01 USD was cancelled'))).toBe(true);
  });

  it('tells the other side of a disclosure request: staff when the reporter asks, the reporter and collaborators when staff ask', async () => {
    const asked = await withFriend();
    await move(asked.id, 'triaged');
    await move(asked.id, 'resolved', 'Fixed in 2.0');
    expect((await t.request({ method: 'POST', url: `/api/v1/reports/${asked.id}/disclosure`, token: reporter.token })).statusCode).toBe(200);
    for (const staff of [lead, triager]) {
      expect((await kindsOf(staff, asked.id)).filter((k) => k === 'disclosure_requested')).toHaveLength(1);
      expect((await mailsTo(staff, asked.id)).filter((m) => m.subject.startsWith('[cvdesk] The reporter asked to disclose'))).toHaveLength(1);
    }
    expect((await kindsOf(reporter, asked.id)).includes('disclosure_requested')).toBe(false);
    // Asking again tells nobody twice.
    await t.request({ method: 'POST', url: `/api/v1/reports/${asked.id}/disclosure`, token: reporter.token });
    expect((await kindsOf(triager, asked.id)).filter((k) => k === 'disclosure_requested')).toHaveLength(1);

    const offered = await withFriend();
    await move(offered.id, 'triaged');
    await move(offered.id, 'resolved', 'Fixed in 2.1');
    expect((await t.request({ method: 'POST', url: `/api/v1/reports/${offered.id}/disclosure`, token: triager.token })).statusCode).toBe(200);
    for (const person of [reporter, friend]) {
      expect((await kindsOf(person, offered.id)).filter((k) => k === 'disclosure_requested')).toHaveLength(1);
      expect((await mailsTo(person, offered.id)).filter((m) => m.subject.startsWith('[cvdesk] The security team asked to disclose your report'))).toHaveLength(1);
    }
    expect((await kindsOf(lead, offered.id)).includes('disclosure_requested')).toBe(false);

    // Agreeing to the other side's request to a limited disclosure that waits for its summary: the
    // reporter is not asked again for what they asked; staff are reminded of the summary they owe.
    const limited = await buildProgram(t.context, { disclosure: { mode: 'mutual', delayDays: 30, level: 'limited' } });
    const both = await submit({}, limited.slug);
    await move(both.id, 'triaged');
    await move(both.id, 'resolved', 'Fixed in 2.2');
    expect((await t.request({ method: 'POST', url: `/api/v1/reports/${both.id}/disclosure`, token: reporter.token })).statusCode).toBe(200);
    const staffAgreed = await t.request({ method: 'POST', url: `/api/v1/reports/${both.id}/disclosure`, token: triager.token });
    expect(staffAgreed.statusCode, staffAgreed.body).toBe(200);
    expect((await kindsOf(reporter, both.id)).includes('disclosure_requested')).toBe(false);
    const owed = await submit({}, limited.slug);
    await move(owed.id, 'triaged');
    await move(owed.id, 'resolved', 'Fixed in 2.3');
    await t.request({ method: 'POST', url: `/api/v1/reports/${owed.id}/disclosure`, token: triager.token });
    expect((await t.request({ method: 'POST', url: `/api/v1/reports/${owed.id}/disclosure`, token: reporter.token })).statusCode).toBe(200);
    expect((await kindsOf(lead, owed.id)).filter((k) => k === 'disclosure_requested')).toHaveLength(1);
    expect((await kindsOf(triager, owed.id)).filter((k) => k === 'disclosure_requested')).toHaveLength(1);
  });

  it('tells triagers and leads when a retest finds the fix incomplete, with the note', async () => {
    const report = await submit();
    await move(report.id, 'triaged');
    await move(report.id, 'resolved', 'Fixed in 3.0');
    expect((await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/retest`, token: triager.token, payload: {} })).statusCode).toBe(200);
    const answer = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/retest/answer`, token: reporter.token, payload: { outcome: 'incomplete', note: 'Still works over HTTP/1.0' } });
    expect(answer.statusCode, answer.body).toBe(200);
    for (const staff of [lead, triager]) {
      const news = (await notificationsOf(staff, report.id)).filter((n) => n.kind === 'retest_incomplete');
      expect(news.map((n) => n.body)).toEqual(['Still works over HTTP/1.0']);
      expect((await mailsTo(staff, report.id)).filter((m) => m.subject.startsWith('[cvdesk] The fix is incomplete, says the reporter'))).toHaveLength(1);
    }
    expect((await kindsOf(reporter, report.id)).includes('retest_incomplete')).toBe(false);
  });

  it('mails missed targets as one digest to whoever chose mail for them: leads by default, triagers if they ask', async () => {
    const quietLead = await buildUser(t.context, { roles: ['lead'] });
    const keenTriager = await buildUser(t.context, { roles: ['triager'] });
    await prefer(quietLead, 'sla_breach', true, false);
    await prefer(keenTriager, 'sla_breach', false, true);
    const slow = await buildProgram(t.context, { responseTargets: { firstResponse: { value: 1, unit: 'hours' } } });
    const a = await submit({}, slow.slug);
    const b = await submit({}, slow.slug);
    clock.advance(3 * HOUR);
    expect((await runReportsHourly(t.context)).breaches).toBeGreaterThanOrEqual(2);
    const digestsTo = async (who: BuiltUser) => (await mailsTo(who)).filter((m) => m.subject.includes('response target') && m.text.includes(a.id) && m.text.includes(b.id));
    expect(await digestsTo(lead)).toHaveLength(1);
    expect(await digestsTo(keenTriager)).toHaveLength(1);
    expect(await digestsTo(quietLead)).toEqual([]);
    expect(await digestsTo(triager)).toEqual([]);
    // Nor one mail per breach on top of the digest.
    expect((await mailsTo(lead, a.id)).filter((m) => m.subject.includes('Response target missed'))).toEqual([]);
    // In the app, as each chose: one per breach.
    expect(await kindsOf(quietLead, a.id)).toContain('sla_breach');
    expect(await kindsOf(keenTriager, a.id)).not.toContain('sla_breach');
  });
});
