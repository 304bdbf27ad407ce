import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutbox, readOutboxMessage } from '../../src/domain/mail/mail.service.js';
import { measuredMedians } from '../../src/domain/programs/program-medians.js';
import type { ProgramRow } from '../../src/domain/programs/program.js';
import { runReportsHourly } from '../../src/domain/reports/report-housekeeping.js';
import { noticeNewBreaches } from '../../src/domain/reports/report-sla.js';
import { newId } from '../../src/shared/ids.js';
import { DIALECTS, testClock } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram } from '../helpers/programs.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(DIALECTS)('response targets (SLA) on %s', (engine) => {
  let t: TestApp;
  let lead: BuiltUser;
  let triager: BuiltUser;
  let reporter: BuiltUser;
  const clock = testClock(new Date('2026-11-02T09:00:00Z')); // a Monday

  const submit = async (slug: string) => {
    const res = await t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: slug, title: 'Stored XSS in invoice notes', description: 'A note renders script.' } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; sla: { metric: string }[] };
  };
  const move = async (id: string, to: string, reason?: string) => {
    const res = await t.request({ method: 'POST', url: `/api/v1/reports/${id}/transitions`, token: triager.token, payload: { to, ...(reason ? { reason } : {}) } });
    expect(res.statusCode, res.body).toBe(200);
  };
  const award = async (id: string) => {
    const res = await t.request({ method: 'POST', url: `/api/v1/reports/${id}/rewards`, token: triager.token, payload: { amount: 50_000, kind: 'bounty' } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { items: { id: string }[] };
  };
  const breachedIn = async (slug: string) =>
    (await t.request({ method: 'GET', url: `/api/v1/reports?program=${slug}&slaBreached=true`, token: triager.token })).json().items as { id: string; slaBreached: boolean }[];
  const dueOf = async (id: string) => (await t.context.db.selectFrom('reports').select('bounty_due_at').where('id', '=', id).executeTakeFirstOrThrow()).bounty_due_at;
  const noticed = (ids: string[]) => t.context.db.selectFrom('sla_breaches').select(['report_id', 'metric']).where('report_id', 'in', ids).orderBy('report_id').execute();

  beforeAll(async () => {
    t = await buildTestApp(engine, {}, clock);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
    reporter = await buildUser(t.context);
  });
  afterAll(async () => t?.close());

  it('measures time to bounty from submission to the first reward that stands, in bounty programmes only', async () => {
    const targets = { firstResponse: { value: 1, unit: 'days' }, bounty: { value: 3, unit: 'days' } } as const;
    const program = await buildProgram(t.context, { responseTargets: targets });
    const vdp = await buildProgram(t.context, { kind: 'vdp', rewards: { currency: 'USD', ranges: [] }, responseTargets: targets });
    const start = clock.now().getTime();
    const paid = await submit(program.slug);
    const unpaid = await submit(program.slug);
    const cancelled = await submit(program.slug);
    const notBounty = await submit(vdp.slug);
    expect(await dueOf(paid.id)).toBe('2026-11-05T09:00:00.000Z');
    expect(await dueOf(notBounty.id)).toBeNull();

    clock.advance(HOUR);
    for (const report of [paid, unpaid, cancelled, notBounty]) await move(report.id, 'triaged');
    clock.advance(HOUR);
    await award(paid.id);
    // A reward withdrawn is no bounty: the clock keeps running.
    const withdrawn = await award(cancelled.id);
    const cancel = await t.request({ method: 'POST', url: `/api/v1/rewards/${withdrawn.items[0]!.id}/state`, token: lead.token, payload: { to: 'cancelled', reference: 'Awarded on the wrong report' } });
    expect(cancel.statusCode, cancel.body).toBe(200);

    clock.advance(3 * DAY);
    expect((await breachedIn(program.slug)).map((r) => r.id).sort()).toEqual([unpaid.id, cancelled.id].sort());
    expect((await breachedIn(program.slug)).every((r) => r.slaBreached)).toBe(true);
    expect(await breachedIn(vdp.slug)).toEqual([]);
    const inbox = (await t.request({ method: 'GET', url: `/api/v1/reports?program=${program.slug}`, token: triager.token })).json().items as { id: string; slaBreached: boolean }[];
    expect(inbox.find((r) => r.id === paid.id)?.slaBreached).toBe(false);

    const run = await runReportsHourly(t.context);
    expect(run.breaches).toBe(2);
    expect(await noticed([paid.id, unpaid.id, cancelled.id, notBounty.id])).toEqual(
      [
        { report_id: unpaid.id, metric: 'bounty' },
        { report_id: cancelled.id, metric: 'bounty' },
      ].sort((a, b) => a.report_id.localeCompare(b.report_id)),
    );
    expect((await runReportsHourly(t.context)).breaches).toBe(0);
    const mail = (await listOutbox(t.context.db, { limit: 200 })).find((m) => m.recipient === lead.row.email && m.subject.includes('2 response targets missed'));
    expect(mail).toBeDefined();
    const text = (await readOutboxMessage(t.context, t.context.db, mail!.id)).text;
    expect(text).toContain('bounty target (due 2026-11-05T09:00:00.000Z)');
    expect(text).toContain(unpaid.id);

    // A bounty awarded late stops the clock (missed, no longer breached); the medians count the waiting ones at their age.
    await award(unpaid.id);
    expect((await breachedIn(program.slug)).map((r) => r.id)).toEqual([cancelled.id]);
    const now = clock.now();
    const age = (now.getTime() - start) / HOUR;
    const medians = await measuredMedians(t.context.db, program, now);
    expect(medians).toMatchObject({ sampleSize: 3, bountyHours: age }); // paid after 2 h, unpaid after 74 h, the cancelled one still waiting: 74 h so far
    expect((await measuredMedians(t.context.db, vdp, now)).bountyHours).toBeNull();
    const page = (await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}` })).json();
    expect(typeof page.medians.bountyHours).toBe('number');
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${vdp.slug}` })).json().medians.bountyHours).toBeNull();

    const dashboard = await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}/sla?months=1`, token: lead.token });
    expect(dashboard.statusCode, dashboard.body).toBe(200);
    expect(dashboard.json().months[0]).toMatchObject({ month: '2026-11', submitted: 3, bountyHours: { median: 74, p90: 74 }, firstResponseHours: { median: 1, p90: 1 } });
    const vdpDashboard = (await t.request({ method: 'GET', url: `/api/v1/programs/${vdp.slug}/sla?months=1`, token: lead.token })).json();
    expect(vdpDashboard.months[0]).toMatchObject({ submitted: 1, bountyHours: { median: null, p90: null } });
  });

  it('notices every breach however many fall due at once, skipping those already noticed', async () => {
    const program = await buildProgram(t.context, { responseTargets: { firstResponse: { value: 1, unit: 'hours' } } });
    const template = await t.context.db.selectFrom('reports').selectAll().where('id', '=', (await submit(program.slug)).id).executeTakeFirstOrThrow();
    const ids = [template.id];
    for (let chunk = 0; chunk < 11; chunk++) {
      const rows = Array.from({ length: 100 }, () => ({ ...template, id: newId() }));
      ids.push(...rows.map((r) => r.id));
      await t.context.db.insertInto('reports').values(rows).execute();
    }
    ids.sort();
    clock.advance(2 * HOUR);
    // 520 already noticed (the lowest ids, read first): the rest must still be found, past one batch of 500.
    const earlier = ids.slice(0, 520).map((id) => ({ report_id: id, metric: 'first_response' as const, due_at: template.first_response_due_at!, noticed_at: clock.now().toISOString() }));
    for (let i = 0; i < earlier.length; i += 100) await t.context.db.insertInto('sla_breaches').values(earlier.slice(i, i + 100)).execute();

    const found = await t.context.db.transaction().execute((trx) => noticeNewBreaches(t.context, trx));
    expect(found).toHaveLength(ids.length - 520);
    expect(new Set(found.map((b) => b.report.id))).toEqual(new Set(ids.slice(520)));
    expect(found.every((b) => b.metric === 'first_response')).toBe(true);
    expect(await t.context.db.transaction().execute((trx) => noticeNewBreaches(t.context, trx))).toEqual([]);
    const count = await t.context.db.selectFrom('sla_breaches').select((eb) => eb.fn.countAll<number>().as('n')).where('report_id', 'in', ids).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(ids.length);
  });

  it('reports medians and percentiles in the programme clock, counting reports still waiting at their age', async () => {
    const program: ProgramRow = await buildProgram(t.context, {
      businessDays: true,
      responseTargets: { firstResponse: { value: 1, unit: 'days' }, triage: { value: 2, unit: 'days' }, bounty: { value: 5, unit: 'days' } },
    });
    clock.advance(new Date('2026-11-27T20:00:00Z').getTime() - clock.now().getTime()); // a Friday evening
    const answered = await submit(program.slug);
    clock.advance(56 * HOUR); // Monday 04:00: 8 business hours later
    await move(answered.id, 'triaged');
    const waiting = await submit(program.slug);
    const closed = await submit(program.slug);
    clock.advance(HOUR);
    await move(closed.id, 'spam', 'Automated scanner output');
    clock.advance(9 * HOUR); // Monday 14:00

    const medians = await measuredMedians(t.context.db, program, clock.now());
    // First response: answered 8 h (not 56 calendar hours), closed 1 h, waiting 10 h so far. Triage: answered 8 h, waiting 10 h
    // (the closed one is left out). Resolution and bounty: answered still waiting, 18 business hours (Friday 4 + Monday 14), waiting 10 h.
    expect(medians).toEqual({ firstResponseHours: 8, triageHours: 9, bountyHours: 14, resolutionHours: 14, sampleSize: 3 });

    const dashboard = (await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}/sla?months=1`, token: lead.token })).json();
    expect(dashboard.months[0]).toMatchObject({
      month: '2026-11',
      submitted: 3,
      firstResponseHours: { median: 8, p90: 10 },
      triageHours: { median: 8, p90: 10 },
      bountyHours: { median: 10, p90: 18 },
      resolutionHours: { median: 10, p90: 18 },
    });
  });

  it('counts the open backlog at each month end by state changes: a closed report reopened is open again', async () => {
    const program = await buildProgram(t.context);
    clock.advance(new Date('2027-01-10T09:00:00Z').getTime() - clock.now().getTime());
    const report = await submit(program.slug);
    clock.advance(2 * DAY);
    await move(report.id, 'informative', 'Not a vulnerability');
    clock.advance(new Date('2027-02-10T09:00:00Z').getTime() - clock.now().getTime());
    await move(report.id, 'new'); // reopened in February
    clock.advance(new Date('2027-03-10T09:00:00Z').getTime() - clock.now().getTime());
    await move(report.id, 'triaged');
    await move(report.id, 'resolved', 'Fixed');
    clock.advance(new Date('2027-04-10T09:00:00Z').getTime() - clock.now().getTime());
    // A later change of something else (updated_at moves) says nothing about when it was open.
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: triager.token, payload: { body: 'Thanks again.', internal: true } });
    const months = (await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}/sla?months=4`, token: lead.token })).json().months as { month: string; openAtEnd: number }[];
    expect(months.map((m) => [m.month, m.openAtEnd])).toEqual([
      ['2027-01', 0],
      ['2027-02', 1],
      ['2027-03', 0],
      ['2027-04', 0],
    ]);
  });
});
