import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgramRow } from '../../src/domain/programs/program.js';
import { DIALECTS, testClock } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram } from '../helpers/programs.js';

const DAY = 24 * 60 * 60 * 1000;

describe.each(DIALECTS)('reputation and hall of fame on %s', (engine) => {
  let t: TestApp;
  let clock: ReturnType<typeof testClock>;
  let program: ProgramRow;
  let triager: BuiltUser;
  let lead: BuiltUser;

  const submit = async (who: BuiltUser, extra: Record<string, unknown> = {}, slug = program.slug) => {
    clock.advance(1000);
    const res = await t.request({ method: 'POST', url: '/api/v1/reports', token: who.token, payload: { program: slug, title: 'IDOR on invoices', description: 'Change the id, read any invoice.', ...extra } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };
  const move = async (id: string, to: string, extra: Record<string, unknown> = {}) => {
    clock.advance(1000);
    const reason = ['duplicate', 'informative', 'not_applicable', 'spam', 'resolved'].includes(to) ? { reason: `Closed as ${to}` } : {};
    const res = await t.request({ method: 'POST', url: `/api/v1/reports/${id}/transitions`, token: triager.token, payload: { to, ...reason, ...extra } });
    expect(res.statusCode, res.body).toBe(200);
  };
  /** Disclosure goes through its own flow: the reporter asks, staff agree (the programme's mode is mutual). */
  const disclose = async (id: string, reporter: BuiltUser) => {
    clock.advance(1000);
    expect((await t.request({ method: 'POST', url: `/api/v1/reports/${id}/disclosure`, token: reporter.token })).statusCode).toBe(200);
    const agreed = await t.request({ method: 'POST', url: `/api/v1/reports/${id}/disclosure`, token: triager.token });
    expect(agreed.json().publishedAt, agreed.body).toEqual(expect.any(String));
  };
  const reputation = async (who: BuiltUser) => (await t.request({ method: 'GET', url: '/api/v1/me/reputation', token: who.token })).json() as {
    total: number;
    entries: { reportId: string; outcome: string; points: number; supersededAt: string | null }[];
  };

  beforeAll(async () => {
    clock = testClock();
    t = await buildTestApp(engine, {}, clock);
    program = await buildProgram(t.context);
    triager = await buildUser(t.context, { roles: ['triager'] });
    lead = await buildUser(t.context, { roles: ['lead'] });
  });
  afterAll(async () => t?.close());

  it('records points per outcome as entries whose sum is the total', async () => {
    const reporter = await buildUser(t.context);
    const resolved = await submit(reporter);
    await move(resolved.id, 'triaged');
    await move(resolved.id, 'resolved');
    for (const to of ['informative', 'not_applicable', 'spam']) await move((await submit(reporter)).id, to);
    const mine = await reputation(reporter);
    expect(mine.total).toBe(7 + 0 - 5 - 10);
    expect(mine.entries.map((e) => [e.outcome, e.points]).sort()).toEqual([
      ['informative', 0],
      ['not_applicable', -5],
      ['resolved', 7],
      ['spam', -10],
    ]);
    expect(mine.entries.reduce((sum, e) => sum + e.points, 0)).toBe(mine.total);
    // Disclosing a resolved report keeps its outcome: nothing new.
    await disclose(resolved.id, reporter);
    expect((await reputation(reporter)).entries).toHaveLength(4);
    const audit = await t.context.db.selectFrom('audit_events').select('action').where('object_id', '=', resolved.id).where('action', '=', 'reputation.recorded').execute();
    expect(audit).toHaveLength(1);
  });

  it('does not count twice when a report is reopened and closed again', async () => {
    const reporter = await buildUser(t.context);
    const report = await submit(reporter);
    await move(report.id, 'triaged');
    await move(report.id, 'resolved');
    await move(report.id, 'triaged');
    expect((await reputation(reporter)).total).toBe(0);
    await move(report.id, 'resolved');
    let mine = await reputation(reporter);
    expect(mine.total).toBe(7);
    expect(mine.entries.filter((e) => e.supersededAt === null)).toHaveLength(1);
    expect(mine.entries.filter((e) => e.supersededAt !== null)).toHaveLength(1);

    const spam = await submit(reporter);
    await move(spam.id, 'spam');
    await move(spam.id, 'new');
    await move(spam.id, 'not_applicable');
    mine = await reputation(reporter);
    expect(mine.total).toBe(7 - 5);
    expect(mine.entries.filter((e) => e.reportId === spam.id && e.supersededAt === null).map((e) => e.outcome)).toEqual(['not_applicable']);
  });

  it('gives duplicates points only when filed before the original was disclosed', async () => {
    const first = await buildUser(t.context);
    const early = await buildUser(t.context);
    const late = await buildUser(t.context);
    const original = await submit(first);
    const earlyDup = await submit(early);
    await move(original.id, 'triaged');
    await move(original.id, 'resolved');
    await move(earlyDup.id, 'duplicate', { duplicateOf: original.id });
    expect((await reputation(early)).entries[0]).toMatchObject({ outcome: 'duplicate', points: 2 });
    await disclose(original.id, first);
    const lateDup = await submit(late);
    await move(lateDup.id, 'duplicate', { duplicateOf: original.id });
    expect((await reputation(late)).entries[0]).toMatchObject({ outcome: 'duplicate_after_disclosure', points: 0 });
    // The early one keeps its points although the original is public now.
    expect((await reputation(early)).total).toBe(2);
  });

  it('gives nothing for a duplicate of a report by the same people', async () => {
    const finder = await buildUser(t.context);
    const partner = await buildUser(t.context);
    const stranger = await buildUser(t.context);
    const original = await submit(finder, { collaborators: [{ account: partner.row.email, share: 30 }] });
    // The submitter files a copy; the original's collaborator files another; a stranger names the finder.
    const copy = await submit(finder);
    const partnerCopy = await submit(partner);
    const namedFinder = await submit(stranger, { collaborators: [{ account: finder.row.email, share: 10 }] });
    for (const dup of [copy, partnerCopy, namedFinder]) await move(dup.id, 'duplicate', { duplicateOf: original.id });
    const live = async (who: BuiltUser, reportId: string) => (await reputation(who)).entries.filter((e) => e.reportId === reportId && e.supersededAt === null);
    expect(await live(finder, copy.id)).toEqual([expect.objectContaining({ outcome: 'duplicate_of_own', points: 0 })]);
    expect(await live(partner, partnerCopy.id)).toEqual([expect.objectContaining({ outcome: 'duplicate_of_own', points: 0 })]);
    expect(await live(stranger, namedFinder.id)).toEqual([expect.objectContaining({ outcome: 'duplicate_of_own', points: 0 })]);
    expect(await live(finder, namedFinder.id)).toEqual([expect.objectContaining({ outcome: 'duplicate_of_own', points: 0 })]);
    for (const who of [finder, partner, stranger]) expect((await reputation(who)).total).toBe(0);
    // Whatever a lead sets duplicates to: a self-duplicate is no independent find.
    expect((await t.request({ method: 'PATCH', url: '/api/v1/reputation/points', token: lead.token, payload: { duplicate: 5, duplicate_after_disclosure: 3 } })).statusCode).toBe(200);
    try {
      const another = await submit(finder);
      await move(another.id, 'duplicate', { duplicateOf: original.id });
      expect(await live(finder, another.id)).toEqual([expect.objectContaining({ outcome: 'duplicate_of_own', points: 0 })]);
      // An independent duplicate still earns.
      const independent = await buildUser(t.context);
      const theirs = await submit(independent);
      await move(theirs.id, 'duplicate', { duplicateOf: original.id });
      expect((await reputation(independent)).total).toBe(5);
    } finally {
      await t.request({ method: 'PATCH', url: '/api/v1/reputation/points', token: lead.token, payload: { duplicate: 2, duplicate_after_disclosure: 0 } });
    }
  });

  it('splits credit with collaborators like rewards', async () => {
    const reporter = await buildUser(t.context);
    const friend = await buildUser(t.context);
    const report = await submit(reporter, { collaborators: [{ account: friend.row.email, share: 40 }] });
    await move(report.id, 'triaged');
    await move(report.id, 'resolved');
    expect((await reputation(reporter)).total).toBe(5);
    expect((await reputation(friend)).total).toBe(2);
  });

  it('never makes a collaborator pay for the submitter\'s spam', async () => {
    const spammer = await buildUser(t.context);
    const victim = await buildUser(t.context);
    const report = await submit(spammer, { collaborators: [{ account: victim.row.email, share: 99 }] });
    await move(report.id, 'spam');
    expect((await reputation(spammer)).total).toBe(-10);
    expect((await reputation(victim)).total).toBe(0);
  });

  it('lets leads change the points per outcome, for outcomes recorded from then on', async () => {
    expect((await t.request({ method: 'GET', url: '/api/v1/reputation/points' })).json()).toEqual({ resolved: 7, informative: 0, not_applicable: -5, spam: -10, duplicate: 2, duplicate_after_disclosure: 0 });
    expect((await t.request({ method: 'PATCH', url: '/api/v1/reputation/points', token: triager.token, payload: { spam: -20 } })).statusCode).toBe(403);
    expect((await t.request({ method: 'PATCH', url: '/api/v1/reputation/points', token: lead.token, payload: { spam: 5000 } })).statusCode).toBe(400);
    expect((await t.request({ method: 'PATCH', url: '/api/v1/reputation/points', token: lead.token, payload: { bogus: 1 } })).statusCode).toBe(400);
    const changed = await t.request({ method: 'PATCH', url: '/api/v1/reputation/points', token: lead.token, payload: { spam: -20 } });
    expect(changed.json()).toMatchObject({ spam: -20, resolved: 7 });
    const reporter = await buildUser(t.context);
    await move((await submit(reporter)).id, 'spam');
    expect((await reputation(reporter)).total).toBe(-20);
    const audit = await t.context.db.selectFrom('audit_events').select('data').where('action', '=', 'reputation.points_changed').where('data', 'like', '%"spam"%').execute();
    expect(audit[0]!.data).toContain('-20');
    await t.request({ method: 'PATCH', url: '/api/v1/reputation/points', token: lead.token, payload: { spam: -10 } });
  });

  it('limits low-signal reporters per programme with 429 and a clear message', async () => {
    const limited = await buildProgram(t.context);
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${limited.slug}/submission-limit` })).json()).toEqual({ limit: null });
    const bad = await buildUser(t.context);
    const good = await buildUser(t.context);
    await move((await submit(bad)).id, 'spam');
    const strong = await submit(good);
    await move(strong.id, 'triaged');
    await move(strong.id, 'resolved');

    expect((await t.request({ method: 'PATCH', url: `/api/v1/programs/${limited.slug}/submission-limit`, token: triager.token, payload: { reputationBelow: 1, maxReports: 2 } })).statusCode).toBe(403);
    const set = await t.request({ method: 'PATCH', url: `/api/v1/programs/${limited.slug}/submission-limit`, token: lead.token, payload: { reputationBelow: 1, maxReports: 2 } });
    expect(set.json()).toEqual({ limit: { reputationBelow: 1, maxReports: 2, windowDays: 30 } });
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${limited.slug}/submission-limit` })).json().limit).toMatchObject({ maxReports: 2 });
    // Each reporter is told which programmes limit them, with their own reputation.
    const told = (await t.request({ method: 'GET', url: '/api/v1/me/reputation', token: bad.token })).json().limits;
    expect(told).toEqual([{ program: { id: limited.id, slug: limited.slug, name: limited.name }, reputationBelow: 1, maxReports: 2, windowDays: 30 }]);
    expect((await t.request({ method: 'GET', url: '/api/v1/me/reputation', token: good.token })).json().limits).toEqual([]);

    await submit(bad, {}, limited.slug);
    await submit(bad, {}, limited.slug);
    const refused = await t.request({ method: 'POST', url: '/api/v1/reports', token: bad.token, payload: { program: limited.slug, title: 'Third', description: 'x' } });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('rate_limited');
    expect(refused.json().error.message).toContain('at most 2 reports per 30 days');
    expect(refused.json().error.message).toContain('your reputation is -10');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(29 * 24 * 3600);
    // Other programmes, reporters in good standing and staff are not limited.
    await submit(bad);
    for (let i = 0; i < 3; i++) await submit(good, {}, limited.slug);
    for (let i = 0; i < 3; i++) await submit(triager, {}, limited.slug);
    // After 30 days the window has room again.
    clock.advance(30 * DAY);
    await submit(bad, {}, limited.slug);

    expect((await t.request({ method: 'DELETE', url: `/api/v1/programs/${limited.slug}/submission-limit`, token: lead.token })).statusCode).toBe(204);
    for (let i = 0; i < 3; i++) await submit(bad, {}, limited.slug);
    const audit = await t.context.db.selectFrom('audit_events').select('action').where('object_id', '=', limited.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['program.submission_limit_set', 'program.submission_limit_cleared']));
  });

  it('holds the limit against parallel submissions from one reporter', async () => {
    const limited = await buildProgram(t.context);
    // New: reputation 0, below the threshold of 1.
    const fresh = await buildUser(t.context);
    expect((await t.request({ method: 'PATCH', url: `/api/v1/programs/${limited.slug}/submission-limit`, token: lead.token, payload: { reputationBelow: 1, maxReports: 1 } })).statusCode).toBe(200);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => t.request({ method: 'POST', url: '/api/v1/reports', token: fresh.token, payload: { program: limited.slug, title: `Parallel ${i}`, description: 'x' } })),
    );
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 429, 429, 429, 429, 429, 429, 429]);
    const filed = await t.context.db.selectFrom('reports').select('id').where('program_id', '=', limited.id).where('reporter_id', '=', fresh.row.id).execute();
    expect(filed).toHaveLength(1);
  });

  it('names only opted-in people in halls of fame, ranked by reputation in the programme', async () => {
    const fresh = await buildProgram(t.context);
    const hidden = await buildProgram(t.context, { visibility: 'invite_only' });
    const alice = await buildUser(t.context);
    const bob = await buildUser(t.context);
    const carol = await buildUser(t.context);
    await t.context.db.insertInto('program_members').values({ program_id: hidden.id, user_id: carol.row.id, created_at: new Date().toISOString() }).execute();
    const resolve = async (who: BuiltUser, slug: string) => {
      const report = await submit(who, {}, slug);
      await move(report.id, 'triaged');
      await move(report.id, 'resolved');
    };
    await resolve(alice, fresh.slug);
    await resolve(bob, fresh.slug);
    await resolve(bob, fresh.slug);
    await resolve(carol, hidden.slug);

    const profile = (who: BuiltUser, payload: Record<string, unknown>) => t.request({ method: 'PATCH', url: '/api/v1/me/hall-of-fame', token: who.token, payload });
    expect((await t.request({ method: 'GET', url: '/api/v1/me/hall-of-fame', token: alice.token })).json()).toEqual({ handle: null, link: null, public: false, updatedAt: null });
    expect((await profile(alice, { public: true })).json().error.details[0].field).toBe('/handle');
    expect((await profile(alice, { handle: 'alice', link: 'javascript:alert(1)' })).json().error.details[0].field).toBe('/link');
    expect((await profile(alice, { handle: '' })).statusCode).toBe(400);
    const aliceHandle = `alice-${engine}-${Date.now()}`;
    expect((await profile(alice, { handle: aliceHandle, link: 'https://alice.example/', public: true })).json()).toMatchObject({ handle: aliceHandle, public: true });
    expect((await profile(carol, { handle: aliceHandle.toUpperCase(), public: true })).statusCode).toBe(409);
    expect((await profile(carol, { handle: `carol-${engine}-${Date.now()}`, public: true })).statusCode).toBe(200);
    // Bob earned more but did not opt in.
    await profile(bob, { handle: `bob-${engine}-${Date.now()}`, public: false });

    const hall = (await t.request({ method: 'GET', url: `/api/v1/programs/${fresh.slug}/hall-of-fame` })).json();
    expect(hall.items).toEqual([{ rank: 1, handle: aliceHandle, link: 'https://alice.example/', reputation: 7, resolvedReports: 1 }]);
    expect(JSON.stringify(hall)).not.toContain(alice.row.email);
    // Invite-only programmes are not credited in public; their own hall is for those who may see them.
    const global = (await t.request({ method: 'GET', url: '/api/v1/hall-of-fame' })).json();
    expect(global.items.map((e: { handle: string }) => e.handle)).toContain(aliceHandle);
    expect(global.items.map((e: { handle: string }) => e.handle).some((h: string) => h.startsWith('carol-') || h.startsWith('bob-'))).toBe(false);
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${hidden.slug}/hall-of-fame` })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${hidden.slug}/hall-of-fame`, token: carol.token })).json().items).toHaveLength(1);

    await profile(alice, { public: false });
    expect((await t.request({ method: 'GET', url: `/api/v1/programs/${fresh.slug}/hall-of-fame` })).json().items).toEqual([]);
    await profile(bob, { public: true });
    const bobHall = (await t.request({ method: 'GET', url: `/api/v1/programs/${fresh.slug}/hall-of-fame` })).json().items;
    expect(bobHall).toEqual([expect.objectContaining({ rank: 1, reputation: 14, resolvedReports: 2 })]);
  });
});
