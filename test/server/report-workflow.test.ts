import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutbox, readOutboxMessage } from '../../src/domain/mail/mail.service.js';
import { applyStalePolicy, runReportsHourly, staleStep } from '../../src/domain/reports/report-housekeeping.js';
import { findReport } from '../../src/domain/reports/report.repository.js';
import { inTransaction } from '../../src/server/transaction.js';
import { DIALECTS, testClock } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram } from '../helpers/programs.js';

const HOUR = 3_600_000;
/** The UTC date `days` after `from`, as mails print it. */
const day = (from: Date, days: number) => new Date(from.getTime() + days * 24 * HOUR).toISOString().slice(0, 10);

describe('the stale policy’s clock', () => {
  const since = new Date('2026-11-02T10:00:00Z');
  const at = (hours: number) => new Date(since.getTime() + hours * HOUR);

  it('warns the lead time before the deadline, and closes only a lead time after the warning', () => {
    expect(staleStep(since, null, 0, at(1000))).toBeNull();
    expect(staleStep(since, null, 5, at(47))).toBeNull();
    expect(staleStep(since, null, 5, at(48))).toEqual({ action: 'warn', closesAt: at(120) });
    expect(staleStep(since, at(48), 5, at(119))).toBeNull();
    expect(staleStep(since, at(48), 5, at(120))).toEqual({ action: 'close' });
  });

  it('warns first when the deadline passed unwarned, and moves the close back', () => {
    expect(staleStep(since, null, 1, at(30))).toEqual({ action: 'warn', closesAt: at(54) });
    expect(staleStep(since, at(30), 1, at(53))).toBeNull();
    expect(staleStep(since, at(30), 1, at(54))).toEqual({ action: 'close' });
    // A warning sent late (a missed run) still buys the full lead time.
    expect(staleStep(since, at(100), 5, at(120))).toBeNull();
    expect(staleStep(since, at(100), 5, at(172))).toEqual({ action: 'close' });
  });
});

describe.each(DIALECTS)('report workflow on %s', (engine) => {
  let t: TestApp;
  let lead: BuiltUser;
  let triager: BuiltUser;
  let reporter: BuiltUser;
  const clock = testClock(new Date('2026-11-23T09:00:00Z')); // a Monday

  const submit = (slug: string, title = 'Broken access control on invoices') =>
    t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: slug, title, description: 'Any user can read any invoice by id.' } }).then((r) => r.json());
  const move = (id: string, to: string, reason?: string) => t.request({ method: 'POST', url: `/api/v1/reports/${id}/transitions`, token: triager.token, payload: { to, ...(reason ? { reason } : {}) } });

  const reply = (who: BuiltUser, id: string, body: string) => t.request({ method: 'POST', url: `/api/v1/reports/${id}/comments`, token: who.token, payload: { body, internal: false } });
  const view = async (id: string) => (await t.request({ method: 'GET', url: `/api/v1/reports/${id}`, token: triager.token })).json();
  /** Mail to the reporter about one report, oldest first. */
  const mailsAbout = async (id: string) => {
    const all = (await listOutbox(t.context.db, { limit: 1000 })).filter((m) => m.recipient === reporter.row.email);
    const read = await Promise.all(all.map((m) => readOutboxMessage(t.context, t.context.db, m.id)));
    return read.filter((m) => m.text.includes(id) && !m.subject.includes('Your report is now needs more info') && !m.subject.includes('New reply')).reverse();
  };

  beforeAll(async () => {
    t = await buildTestApp(engine, {}, clock);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
    reporter = await buildUser(t.context);
  });
  afterAll(async () => t?.close());

  it('keeps response-target clocks, flags breaches in the inbox and mails the leads once', async () => {
    const program = await buildProgram(t.context, { responseTargets: { firstResponse: { value: 1, unit: 'days' }, triage: { value: 2, unit: 'days' } } });
    const late = await submit(program.slug);
    const answered = await submit(program.slug);
    expect(late.sla).toEqual([
      { metric: 'first_response', dueAt: '2026-11-24T09:00:00.000Z', metAt: null, state: 'pending' },
      { metric: 'triage', dueAt: '2026-11-25T09:00:00.000Z', metAt: null, state: 'pending' },
    ]);
    clock.advance(2 * HOUR);
    await move(answered.id, 'triaged');
    clock.advance(23 * HOUR);
    const breached = (await t.request({ method: 'GET', url: `/api/v1/reports?program=${program.slug}&slaBreached=true`, token: triager.token })).json();
    expect(breached.items.map((r: { id: string }) => r.id)).toEqual([late.id]);
    expect(breached.items[0].slaBreached).toBe(true);
    const view = (await t.request({ method: 'GET', url: `/api/v1/reports/${answered.id}`, token: triager.token })).json();
    expect(view.sla.map((c: { state: string }) => c.state)).toEqual(['met', 'met']);

    const first = await runReportsHourly(t.context);
    expect(first.breaches).toBe(1);
    expect((await runReportsHourly(t.context)).breaches).toBe(0);
    const mails = await listOutbox(t.context.db, { limit: 100 });
    const notice = mails.find((m) => m.recipient === lead.row.email && m.subject.includes('response target'));
    expect(notice).toBeDefined();
    expect((await readOutboxMessage(t.context, t.context.db, notice!.id)).text).toContain(late.id);

    const dashboard = await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}/sla?months=2`, token: lead.token });
    expect(dashboard.statusCode, dashboard.body).toBe(200);
    const november = dashboard.json().months.find((m: { month: string }) => m.month === '2026-11');
    expect(november).toMatchObject({ submitted: 2, breaches: 1, firstResponseHours: { median: 2 }, openAtEnd: 2 });
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}/sla`, token: reporter.token })).statusCode).toBe(403);
  });

  it('asks the reporter to retest; an incomplete fix reopens the report', async () => {
    const program = await buildProgram(t.context);
    const report = await submit(program.slug);
    await move(report.id, 'triaged');
    await move(report.id, 'resolved', 'Fixed in 3.1');
    const early = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/retest/answer`, token: reporter.token, payload: { outcome: 'fixed' } });
    expect(early.statusCode).toBe(409);
    const asked = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/retest`, token: triager.token, payload: { note: 'Deployed to production' } });
    expect(asked.json()).toMatchObject({ state: 'resolved', retestState: 'requested' });
    expect((await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/retest/answer`, token: triager.token, payload: { outcome: 'fixed' } })).statusCode).toBe(403);
    const noNote = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/retest/answer`, token: reporter.token, payload: { outcome: 'incomplete' } });
    expect(noNote.json().error.details[0].field).toBe('/note');
    const reopened = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/retest/answer`, token: reporter.token, payload: { outcome: 'incomplete', note: 'Still works with a POST' } });
    expect(reopened.json()).toMatchObject({ state: 'triaged', retestState: 'incomplete' });
  });

  it('discloses by mutual agreement, redacted, with internal notes never public', async () => {
    const program = await buildProgram(t.context, { disclosure: { mode: 'mutual', delayDays: 30, level: 'full' } });
    const report = await submit(program.slug, 'IDOR on /invoices/:id');
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: triager.token, payload: { body: 'INTERNAL-ONLY customer list', internal: true } });
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: triager.token, payload: { body: 'Thanks for the clear report.' } });
    expect((await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/disclosure`, token: reporter.token })).statusCode).toBe(409);
    await move(report.id, 'triaged');
    await move(report.id, 'resolved', 'Fixed');
    const asked = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/disclosure`, token: reporter.token });
    expect(asked.json()).toMatchObject({ requestedBy: 'reporter', reporterAgreedAt: expect.any(String), staffAgreedAt: null, publishedAt: null });
    const redacted = await t.request({ method: 'PATCH', url: `/api/v1/reports/${report.id}/disclosure`, token: triager.token, payload: { summary: 'An IDOR let any user read invoices.', description: 'Any user could read [redacted] by id.' } });
    expect(redacted.statusCode, redacted.body).toBe(200);
    expect((await t.request({ method: 'PATCH', url: `/api/v1/reports/${report.id}/disclosure`, token: reporter.token, payload: { summary: 'x' } })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: `/api/v1/disclosed/${report.id}` })).statusCode).toBe(404);
    const timeline = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/timeline`, token: triager.token })).json().items as { id: string; kind: string; body: { markdown: string } | null }[];
    const thanks = timeline.find((e) => e.body?.markdown === 'Thanks for the clear report.')!;
    const closing = timeline.find((e) => e.kind === 'state_change' && e.body?.markdown === 'Fixed')!;
    const redactions = await t.request({ method: 'PATCH', url: `/api/v1/reports/${report.id}/disclosure`, token: triager.token, payload: { timelineRedactions: { [closing.id]: 'Fixed (details withheld)' } } });
    expect(redactions.json().timelineRedactions).toEqual({ [closing.id]: 'Fixed (details withheld)' });
    const notPublic = await t.request({ method: 'PATCH', url: `/api/v1/reports/${report.id}/disclosure`, token: triager.token, payload: { timelineRedactions: { '00000000-0000-4000-8000-000000000000': null } } });
    expect(notPublic.statusCode).toBe(400);
    expect(thanks).toBeDefined();
    const agreed = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/disclosure`, token: triager.token });
    expect(agreed.json().publishedAt).toEqual(expect.any(String));
    const page = await t.request({ method: 'GET', url: `/api/v1/disclosed/${report.id}` });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ title: 'IDOR on /invoices/:id', description: { markdown: 'Any user could read [redacted] by id.' } });
    expect(page.body).not.toContain('INTERNAL-ONLY');
    expect(page.body).toContain('Thanks for the clear report.');
    expect(page.body).toContain('Fixed (details withheld)');
    expect(page.json().timeline.find((e: { kind: string; data: object }) => e.kind === 'state_change').data).toEqual({ from: 'new', to: 'triaged' });
    // The public record is frozen: nothing said afterwards becomes public, and replies are closed.
    const late = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: reporter.token, payload: { body: 'visit https://phish.example' } });
    expect(late.statusCode).toBe(409);
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: triager.token, payload: { body: 'LATE-NOTE', internal: true } });
    expect((await t.request({ method: 'GET', url: `/api/v1/disclosed/${report.id}` })).body).not.toContain('LATE-NOTE');
    const list = (await t.request({ method: 'GET', url: `/api/v1/disclosed?program=${program.slug}` })).json();
    expect(list.items.map((i: { id: string }) => i.id)).toEqual([report.id]);
    expect((await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}`, token: reporter.token })).json().state).toBe('disclosed');
  });

  it('discloses summary-only (limited) without any text, and in full with the text as redacted', async () => {
    const program = await buildProgram(t.context, { disclosure: { mode: 'mutual', delayDays: 30, level: 'limited' } });
    // Its own reporter: the shared one's submissions count against the per-minute limit.
    const filer = await buildUser(t.context);
    const disclosed = async (title: string, edit: Record<string, unknown>) => {
      const id = (
        await t.request({
          method: 'POST',
          url: '/api/v1/reports',
          token: filer.token,
          payload: { program: program.slug, title, description: `${title} DESCRIPTION-TEXT`, steps: `${title} STEPS-TEXT`, impact: `${title} IMPACT-TEXT` },
        })
      ).json().id as string;
      await t.request({ method: 'POST', url: `/api/v1/reports/${id}/comments`, token: triager.token, payload: { body: `${title} INTERNAL-NOTE`, internal: true } });
      await t.request({ method: 'POST', url: `/api/v1/reports/${id}/comments`, token: triager.token, payload: { body: `${title} PUBLIC-REPLY` } });
      await move(id, 'triaged');
      await move(id, 'resolved', `${title} CLOSE-REASON`);
      await t.request({ method: 'POST', url: `/api/v1/reports/${id}/disclosure`, token: filer.token });
      const edited = await t.request({ method: 'PATCH', url: `/api/v1/reports/${id}/disclosure`, token: triager.token, payload: edit });
      expect(edited.statusCode, edited.body).toBe(200);
      expect((await t.request({ method: 'POST', url: `/api/v1/reports/${id}/disclosure`, token: triager.token })).json().publishedAt).toEqual(expect.any(String));
      const page = await t.request({ method: 'GET', url: `/api/v1/disclosed/${id}` });
      expect(page.statusCode, page.body).toBe(200);
      expect(page.body).not.toContain('INTERNAL-NOTE');
      return { id, page: page.json(), body: page.body };
    };

    // The programme's level: title and summary, and nothing the reporter or staff wrote.
    const limited = await disclosed('Summary only', { summary: 'Invoices could be **read** by id.' });
    expect(limited.page).toMatchObject({ title: 'Summary only', level: 'limited', summary: { markdown: 'Invoices could be **read** by id.', html: expect.stringContaining('<strong>read</strong>') }, description: null, steps: null, impact: null });
    expect(limited.page.timeline.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['submitted', 'comment', 'state_change']));
    for (const entry of limited.page.timeline) expect(entry.body).toBeNull();
    for (const text of ['DESCRIPTION-TEXT', 'STEPS-TEXT', 'IMPACT-TEXT', 'PUBLIC-REPLY', 'CLOSE-REASON']) expect(limited.body).not.toContain(text);

    // Full, chosen for this report: the text as staff left it, each replaced part replaced.
    clock.advance(HOUR); // the public list is newest first
    const full = await disclosed('Whole story', { summary: 'The whole story.', level: 'full', steps: 'Steps [redacted].' });
    expect(full.page).toMatchObject({
      level: 'full',
      summary: { markdown: 'The whole story.' },
      description: { markdown: 'Whole story DESCRIPTION-TEXT' },
      steps: { markdown: 'Steps [redacted].' },
      impact: { markdown: 'Whole story IMPACT-TEXT' },
    });
    expect(full.body).not.toContain('Whole story STEPS-TEXT');
    const bodies = full.page.timeline.map((e: { body: { markdown: string } | null }) => e.body?.markdown ?? null);
    expect(bodies).toEqual(expect.arrayContaining(['Whole story PUBLIC-REPLY', 'Whole story CLOSE-REASON']));

    const list = (await t.request({ method: 'GET', url: `/api/v1/disclosed?program=${program.slug}` })).json().items as { id: string; title: string }[];
    expect(list.map((i) => [i.id, i.title])).toEqual([
      [full.id, 'Whole story'],
      [limited.id, 'Summary only'],
    ]);
    expect(JSON.stringify(list)).not.toMatch(/TEXT|PUBLIC-REPLY|INTERNAL-NOTE/);
  });

  it('discloses on its own in open mode once the delay has passed; never in mode none', async () => {
    const open = await buildProgram(t.context, { disclosure: { mode: 'open', delayDays: 10, level: 'full' } });
    const report = await submit(open.slug);
    await move(report.id, 'triaged');
    await move(report.id, 'resolved', 'Fixed');
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/disclosure`, token: reporter.token });
    clock.advance(9 * 24 * HOUR);
    expect((await runReportsHourly(t.context)).disclosed).toBe(0);
    clock.advance(2 * 24 * HOUR);
    expect((await runReportsHourly(t.context)).disclosed).toBe(1);
    expect((await t.request({ method: 'GET', url: `/api/v1/disclosed/${report.id}` })).statusCode).toBe(200);

    const none = await buildProgram(t.context, { disclosure: { mode: 'none', delayDays: 0, level: 'full' } });
    const quiet = await submit(none.slug);
    await move(quiet.id, 'triaged');
    await move(quiet.id, 'resolved', 'Fixed');
    const refused = await t.request({ method: 'POST', url: `/api/v1/reports/${quiet.id}/disclosure`, token: reporter.token });
    expect(refused.statusCode).toBe(409);
  });

  it('warns, then closes a report that waits too long for its reporter', async () => {
    const program = await buildProgram(t.context, { staleCloseDays: 5 });
    const report = await submit(program.slug);
    await move(report.id, 'needs_more_info');
    const closesOn = day(clock.now(), 5);
    clock.advance(2 * 24 * HOUR + HOUR);
    expect(await runReportsHourly(t.context)).toMatchObject({ warned: 1, closed: 0 });
    expect((await runReportsHourly(t.context)).warned).toBe(0);
    expect((await mailsAbout(report.id)).map((m) => m.subject)).toEqual([`[cvdesk] Your report will close on ${closesOn} without an answer: ${report.title}`]);
    clock.advance(3 * 24 * HOUR);
    expect((await runReportsHourly(t.context)).closed).toBe(1);
    const closed = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}`, token: reporter.token })).json();
    expect(closed).toMatchObject({ state: 'informative', closeReason: expect.stringContaining('within 5 days') });
    expect((await mailsAbout(report.id)).map((m) => m.subject)).toEqual([
      `[cvdesk] Your report will close on ${closesOn} without an answer: ${report.title}`,
      `[cvdesk] Your report is now informative: ${report.title}`,
    ]);
  });

  it('never closes unwarned: a deadline that passed with no warning brings the warning, and the close a lead time later', async () => {
    const program = await buildProgram(t.context, { staleCloseDays: 1 });
    const report = await submit(program.slug);
    await move(report.id, 'needs_more_info');
    clock.advance(30 * HOUR); // past the one-day deadline, nobody warned yet
    const closesOn = day(clock.now(), 1); // a day after the warning, not the missed deadline
    expect(await runReportsHourly(t.context)).toMatchObject({ warned: 1, closed: 0 });
    const [warning] = await mailsAbout(report.id);
    expect(warning!.subject).toContain('Your report will close on');
    expect(warning!.text).toContain('a reply after that reopens it');
    clock.advance(23 * HOUR); // the deadline is long gone, but the warning is not a day old
    expect(await runReportsHourly(t.context)).toMatchObject({ warned: 0, closed: 0 });
    clock.advance(HOUR);
    expect(await runReportsHourly(t.context)).toMatchObject({ warned: 0, closed: 1 });
    expect((await mailsAbout(report.id)).map((m) => m.subject.split(':')[0])).toEqual([`[cvdesk] Your report will close on ${closesOn} without an answer`, '[cvdesk] Your report is now informative']);
  });

  it('reaches every waiting report: many not yet due on a long policy do not hide one that is due', async () => {
    const patient = await buildProgram(t.context, { staleCloseDays: 365 });
    const template = await submit(patient.slug);
    await move(template.id, 'needs_more_info');
    const row = await t.context.db.selectFrom('reports').selectAll().where('id', '=', template.id).executeTakeFirstOrThrow();
    // 600 copies waiting since long ago (more than a page of the pass), none due for months.
    const since = new Date(clock.now().getTime() - 100 * 24 * HOUR).toISOString();
    for (let i = 0; i < 600; i += 100) {
      await t.context.db
        .insertInto('reports')
        .values(Array.from({ length: 100 }, () => ({ ...row, id: globalThis.crypto.randomUUID(), needs_info_since: since })))
        .execute();
    }
    const hasty = await buildProgram(t.context, { staleCloseDays: 1 });
    const due = await submit(hasty.slug);
    await move(due.id, 'needs_more_info');
    clock.advance(2 * 24 * HOUR);
    const pass = await runReportsHourly(t.context);
    expect(pass.warned).toBeGreaterThanOrEqual(1);
    expect((await mailsAbout(due.id)).map((m) => m.subject)).toEqual([expect.stringContaining('Your report will close on')]);
    await t.context.db.updateTable('reports').set({ state: 'informative' }).where('program_id', '=', patient.id).execute();
  });

  it('warns again for a new question: an answer resets the clock and the warning', async () => {
    const program = await buildProgram(t.context, { staleCloseDays: 2 });
    const report = await submit(program.slug);
    await move(report.id, 'needs_more_info');
    clock.advance(25 * HOUR);
    expect((await runReportsHourly(t.context)).warned).toBe(1);
    await reply(reporter, report.id, 'Here are the logs.');
    await move(report.id, 'needs_more_info');
    clock.advance(49 * HOUR); // past the new question's deadline: warned first, not closed
    expect(await runReportsHourly(t.context)).toMatchObject({ warned: 1, closed: 0 });
    expect((await view(report.id)).state).toBe('needs_more_info');
  });

  it('reads each listed report again in its own transaction: an answer since the listing saves it', async () => {
    const program = await buildProgram(t.context, { staleCloseDays: 1 });
    const report = await submit(program.slug);
    await move(report.id, 'needs_more_info');
    clock.advance(25 * HOUR);
    expect((await runReportsHourly(t.context)).warned).toBe(1);
    clock.advance(25 * HOUR);
    // Listed while waiting; then the reporter answers before the report's turn comes.
    const listed = { id: report.id, needsInfoSince: (await findReport(t.context.db, report.id))!.needs_info_since! };
    await reply(reporter, report.id, 'Here it is.');
    expect(await inTransaction(t.context, (trx) => applyStalePolicy(t.context, trx, listed, 1, clock.now()))).toBeNull();
    expect((await view(report.id)).state).toBe('new');
    // Asked again meanwhile: a new question with its own clock, not the listed one.
    await move(report.id, 'needs_more_info');
    expect(await inTransaction(t.context, (trx) => applyStalePolicy(t.context, trx, listed, 1, clock.now()))).toBeNull();
    expect((await view(report.id)).state).toBe('needs_more_info');
    // Unchanged since the listing: its turn closes it.
    const fresh = { id: report.id, needsInfoSince: (await findReport(t.context.db, report.id))!.needs_info_since! };
    expect(await inTransaction(t.context, (trx) => applyStalePolicy(t.context, trx, fresh, 1, clock.now()))).toBe('warned');
    expect(await inTransaction(t.context, (trx) => applyStalePolicy(t.context, trx, fresh, 1, new Date(clock.now().getTime() + 24 * HOUR)))).toBe('closed');
  });

  it('reopens a report the stale policy closed when the reporter or a collaborator replies; not one staff closed', async () => {
    const friend = await buildUser(t.context);
    const program = await buildProgram(t.context, { staleCloseDays: 1 });
    const closeStale = async (collaborators: object[] = []) => {
      const res = await t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: program.slug, title: 'Open redirect', description: 'next= is not checked.', collaborators } });
      const id = res.json().id as string;
      await move(id, 'needs_more_info');
      clock.advance(25 * HOUR);
      await runReportsHourly(t.context);
      clock.advance(25 * HOUR);
      await runReportsHourly(t.context);
      expect((await view(id)).state).toBe('informative');
      return id;
    };
    const mine = await closeStale();
    expect((await reply(reporter, mine, 'Sorry, I was away: the PoC is attached.')).statusCode).toBe(201);
    expect(await view(mine)).toMatchObject({ state: 'new', closeReason: null });
    const timeline = (await t.request({ method: 'GET', url: `/api/v1/reports/${mine}/timeline?limit=100`, token: triager.token })).json().items;
    expect(timeline.filter((e: { kind: string }) => e.kind === 'state_change').at(-1).data).toMatchObject({ from: 'informative', to: 'new' });

    const shared = await closeStale([{ account: friend.row.email, share: 30 }]);
    expect((await reply(friend, shared, 'I can answer for us both.')).statusCode).toBe(201);
    expect((await view(shared)).state).toBe('new');

    // Staff replying does not reopen it; nor does a reporter's reply to a report staff closed themselves.
    const quiet = await closeStale();
    expect((await reply(triager, quiet, 'Closing note.')).statusCode).toBe(201);
    expect((await view(quiet)).state).toBe('informative');
    const judged = await submit(program.slug);
    await move(judged.id, 'informative', 'Works as designed.');
    expect((await reply(reporter, judged.id, 'But surely…')).statusCode).toBe(201);
    expect((await view(judged.id)).state).toBe('informative');
  });

  it('bulk-closes as spam all or nothing, naming the report that failed', async () => {
    const program = await buildProgram(t.context);
    const a = await submit(program.slug);
    const b = await submit(program.slug);
    const c = await submit(program.slug);
    await move(c.id, 'triaged');
    const refused = await t.request({ method: 'POST', url: '/api/v1/reports/bulk', token: triager.token, payload: { ids: [a.id, b.id, c.id], action: 'spam', reason: 'spam' } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details[0].field).toBe('/ids/2');
    expect((await t.request({ method: 'GET', url: `/api/v1/reports/${a.id}`, token: triager.token })).json().state).toBe('new');
    const done = await t.request({ method: 'POST', url: '/api/v1/reports/bulk', token: triager.token, payload: { ids: [a.id, b.id], action: 'spam', reason: 'spam' } });
    expect(done.json()).toEqual({ updated: 2 });
    const labelled = await t.request({ method: 'POST', url: '/api/v1/reports/bulk', token: triager.token, payload: { ids: [c.id], action: 'label', add: ['auth'] } });
    expect(labelled.json()).toEqual({ updated: 1 });
    expect((await t.request({ method: 'POST', url: '/api/v1/reports/bulk', token: reporter.token, payload: { ids: [c.id], action: 'label', add: ['x'] } })).statusCode).toBe(403);
  });

  it('adds and removes labels in bulk, keeping each report’s others, all or nothing', async () => {
    const program = await buildProgram(t.context);
    // Its own reporter: the shared one's submissions count against the per-minute limit.
    const filer = await buildUser(t.context);
    const file = async () =>
      (await t.request({ method: 'POST', url: '/api/v1/reports', token: filer.token, payload: { program: program.slug, title: 'Labelled', description: 'Needs labels.' } })).json().id as string;
    const [a, b, c, full] = [await file(), await file(), await file(), await file()];
    const setLabels = (id: string, labels: string[]) => t.request({ method: 'PATCH', url: `/api/v1/reports/${id}`, token: triager.token, payload: { labels } });
    const labelsOf = async (id: string) => (await view(id)).labels as string[];
    const labelEvents = async (id: string) =>
      (await t.request({ method: 'GET', url: `/api/v1/reports/${id}/timeline`, token: triager.token })).json().items.filter((e: { kind: string }) => e.kind === 'labels');
    const bulk = (payload: Record<string, unknown>, who = triager) => t.request({ method: 'POST', url: '/api/v1/reports/bulk', token: who.token, payload: { action: 'label', ...payload } });
    await setLabels(a, ['auth', 'web']);
    await setLabels(b, ['ui']);

    const both = await bulk({ ids: [a, b, c], add: ['q4', ' auth '], remove: ['ui'] });
    expect(both.json()).toEqual({ updated: 3 });
    expect(await labelsOf(a)).toEqual(['auth', 'web', 'q4']);
    expect(await labelsOf(b)).toEqual(['q4', 'auth']);
    expect(await labelsOf(c)).toEqual(['q4', 'auth']);
    expect((await labelEvents(a)).at(-1)).toMatchObject({ internal: true, data: { labels: ['auth', 'web', 'q4'] } });

    const removed = await bulk({ ids: [a, c], remove: ['auth'] });
    expect(removed.json()).toEqual({ updated: 2 });
    expect(await labelsOf(a)).toEqual(['web', 'q4']);
    expect(await labelsOf(c)).toEqual(['q4']);
    // A report that already is as asked is not touched: nothing on its timeline.
    const before = (await labelEvents(b)).length;
    expect((await bulk({ ids: [a, b], remove: ['web'] })).json()).toEqual({ updated: 1 });
    expect(await labelsOf(b)).toEqual(['q4', 'auth']);
    expect(await labelEvents(b)).toHaveLength(before);

    // The single edit's limit holds per report; one report over it undoes the others.
    await setLabels(full, Array.from({ length: 19 }, (_, i) => `l${i}`));
    const over = await bulk({ ids: [c, full], add: ['x1', 'x2'] });
    expect(over.statusCode).toBe(400);
    expect(over.json().error.details.map((d: { field: string }) => d.field)).toEqual(['/ids/1', '/add']);
    expect(await labelsOf(c)).toEqual(['q4']);
    expect(await labelsOf(full)).toHaveLength(19);

    const refusals: [Record<string, unknown>, string][] = [
      [{ ids: [a] }, '/add'],
      [{ ids: [a], add: ['  '], remove: [] }, '/add'],
      [{ ids: [a], add: ['dup'], remove: ['dup '] }, '/remove'],
      [{ ids: [a], add: ['x'.repeat(41)] }, '/add/0'],
      // The old shape, which replaced every label, is refused rather than read another way.
      [{ ids: [a], labels: ['x'] }, '/labels'],
    ];
    for (const [payload, field] of refusals) {
      const res = await bulk(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.details.map((d: { field: string }) => d.field), JSON.stringify(payload)).toContain(field);
    }
    expect(await labelsOf(a)).toEqual(['q4']);
    expect((await bulk({ ids: [a], add: ['x'] }, reporter)).statusCode).toBe(403);
  });
});
