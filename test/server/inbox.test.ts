import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgramRow } from '../../src/domain/programs/program.js';
import type { ReportTable } from '../../src/domain/reports/report.table.js';
import { newId } from '../../src/shared/ids.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram } from '../helpers/programs.js';

type Page = { items: { id: string }[]; next: string | null };

describe.each(DIALECTS)('the inbox on %s', (engine) => {
  let t: TestApp;
  let triager: BuiltUser;
  let lead: BuiltUser;
  let reporter: BuiltUser;

  const file = (program: ProgramRow, title: string, extra: Record<string, unknown> = {}) =>
    t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: program.slug, title, description: 'Details follow.', ...extra } }).then((res) => {
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    });
  const list = async (query: string, who: BuiltUser = triager) => {
    const res = await t.request({ method: 'GET', url: `/api/v1/reports?${query}`, token: who.token });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Page;
  };
  const ids = async (query: string, who: BuiltUser = triager) => (await list(query, who)).items.map((item) => item.id);
  /** Every page of a listing, `limit` at a time. */
  const allPages = async (query: string, limit: number) => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await list(`${query}&limit=${limit}${after ? `&after=${after}` : ''}`);
      seen.push(...page.items.map((item) => item.id));
      after = page.next;
    } while (after);
    return seen;
  };
  /** Arranges stored fields the API sets through other steps (scores, due times, update times). */
  const set = (id: string, fields: Partial<ReportTable>) => t.context.db.updateTable('reports').set(fields).where('id', '=', id).execute();

  beforeAll(async () => {
    // One reporter files every report here: more than the default submissions a minute.
    t = await buildTestApp(engine, { SUBMISSION_RATE_LIMIT_PER_MINUTE: '1000' });
    triager = await buildUser(t.context, { roles: ['triager'] });
    lead = await buildUser(t.context, { roles: ['lead'] });
    reporter = await buildUser(t.context);
  });
  afterAll(async () => t?.close());

  it('finds any word of a long report, beyond the terms duplicate suggestions weigh most', async () => {
    const program = await buildProgram(t.context);
    const filler = Array.from({ length: 300 }, (_, i) => `filler${i}word`);
    filler[260] = 'zebrafish';
    const long = await file(program, 'Crash on upload', { description: filler.join(' '), impact: 'The worker restarts.' });
    const short = await file(program, 'Crash on login');
    expect(await ids(`program=${program.slug}&q=zebrafish`)).toEqual([long]);
    expect(await ids(`program=${program.slug}&q=filler299word`)).toEqual([long]);
    expect(await ids(`program=${program.slug}&q=restarts`)).toEqual([long]);
    expect(await ids(`program=${program.slug}&q=crash+zebrafish`)).toEqual([long]);
    expect(await ids(`program=${program.slug}&q=crash`)).toEqual([short, long]);
  });

  it('filters on short words and stopwords as whole words, with the other filters', async () => {
    const program = await buildProgram(t.context);
    const js = await file(program, 'Prototype pollution in the JS bundle', { steps: 'Load app.js, then run it.' });
    const jsTriaged = await file(program, 'XSS reachable from js', { description: 'A user can inject markup.' });
    const json = await file(program, 'Leaky JSON endpoint', { description: 'The json body has secrets.' });
    await t.request({ method: 'POST', url: `/api/v1/reports/${jsTriaged}/transitions`, token: triager.token, payload: { to: 'triaged' } });
    const scope = `program=${program.slug}`;
    expect(await ids(`${scope}&q=js`)).toEqual([jsTriaged, js]);
    expect(await ids(`${scope}&q=JS&state=new`)).toEqual([js]);
    expect(await ids(`${scope}&q=js+pollution`)).toEqual([js]);
    expect(await ids(`${scope}&q=user`)).toEqual([jsTriaged]);
    expect(await ids(`${scope}&q=the+json`)).toEqual([json]);
    // Pages of a text-matched search hold together.
    expect(await allPages(`${scope}&q=js`, 1)).toEqual([jsTriaged, js]);
    // Neither word is in any report: nothing, not everything.
    expect(await ids(`${scope}&q=ok`)).toEqual([]);
    expect(await ids(`${scope}&q=users`)).toEqual([]);
    // Any case, beyond ASCII too (SQLite's lower() folds ASCII letters only).
    const french = await file(program, 'Fuite de données', { description: 'Ça marche sans session.' });
    expect(await ids(`${scope}&q=%C3%A7a`)).toEqual([french]);
    expect(await ids(`${scope}&q=%C3%87A`)).toEqual([french]);
  });

  it('matches text a bounded window at a time, handing out a cursor past it', async () => {
    const program = await buildProgram(t.context);
    const newest = await file(program, 'Newest js gadget');
    const template = await t.context.db.selectFrom('reports').selectAll().where('id', '=', newest).executeTakeFirstOrThrow();
    // More reports than one page matches text in (1,000), then the oldest holding the word again.
    const clone = (i: number, title: string) => ({ ...template, id: newId(), title, created_at: new Date(Date.UTC(2025, 0, 1) - i * 60_000).toISOString() });
    const rows = Array.from({ length: 1_010 }, (_, i) => clone(i, `Filler ${i}`));
    const oldest = clone(2_000, 'Oldest js gadget');
    for (let i = 0; i < rows.length; i += 100) await t.context.db.insertInto('reports').values(rows.slice(i, i + 100)).execute();
    await t.context.db.insertInto('reports').values(oldest).execute();
    const first = await list(`program=${program.slug}&q=js`);
    expect(first.items.map((item) => item.id)).toEqual([newest]);
    expect(first.next).not.toBeNull();
    const second = await list(`program=${program.slug}&q=js&after=${first.next}`);
    expect(second.items.map((item) => item.id)).toEqual([oldest.id]);
    expect(second.next).toBeNull();
  });

  it('refuses searches it cannot run, naming q', async () => {
    for (const q of ['%25%25', '!!', 'a+b+c+d+e+f+g+h+i+j+k']) {
      const res = await t.request({ method: 'GET', url: `/api/v1/reports?q=${q}`, token: triager.token });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.details[0].field, q).toBe('querystring:/q');
    }
  });

  it('filters by severity, assignee, asset and age', async () => {
    const program = await buildProgram(t.context);
    const scope = (await t.request({ method: 'GET', url: `/api/v1/programs/${program.slug}` })).json().scope as { id: string }[];
    const critical = await file(program, 'Remote code execution', { asset: scope[0]!.id, cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'] });
    const low = await file(program, 'Verbose banner', { asset: scope[1]!.id, cvss: ['CVSS:3.1/AV:N/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N'] });
    const unscored = await file(program, 'Something odd');
    await set(critical, { created_at: '2026-01-10T00:00:00.000Z' });
    await set(low, { created_at: '2026-02-10T00:00:00.000Z' });
    await set(unscored, { created_at: '2026-03-10T00:00:00.000Z' });
    const p = `program=${program.slug}`;
    expect(await ids(`${p}&severity=critical`)).toEqual([critical]);
    expect(await ids(`${p}&severity=low,critical&sort=oldest`)).toEqual([critical, low]);
    expect(await ids(`${p}&severity=unknown`)).toEqual([unscored]);
    const bad = await t.request({ method: 'GET', url: `/api/v1/reports?severity=urgent`, token: triager.token });
    expect(bad.json().error.details[0].field).toBe('querystring:/severity');

    await t.request({ method: 'PATCH', url: `/api/v1/reports/${low}`, token: triager.token, payload: { assigneeId: triager.row.id } });
    expect(await ids(`${p}&assignee=${triager.row.id}`)).toEqual([low]);
    expect(await ids(`${p}&assignee=${lead.row.id}`)).toEqual([]);
    expect(await ids(`${p}&assignee=none`)).toEqual([unscored, critical]);

    expect(await ids(`${p}&asset=${scope[0]!.id}`)).toEqual([critical]);
    expect(await ids(`${p}&asset=${scope[2]!.id}`)).toEqual([]);
    expect((await t.request({ method: 'GET', url: '/api/v1/reports?asset=nope', token: triager.token })).json().error.details[0].field).toBe('querystring:/asset');

    expect(await ids(`${p}&createdAfter=2026-02-10T00:00:00.000Z`)).toEqual([unscored, low]);
    expect(await ids(`${p}&createdBefore=2026-02-10T00:00:00.000Z`)).toEqual([critical]);
    expect(await ids(`${p}&createdAfter=2026-01-01T00:00:00Z&createdBefore=2026-03-01T00:00:00Z&sort=oldest`)).toEqual([critical, low]);
    expect((await t.request({ method: 'GET', url: '/api/v1/reports?createdAfter=yesterday', token: triager.token })).json().error.details[0].field).toBe('querystring:/createdAfter');
  });

  it('pages oldest first, and refuses a cursor of another order', async () => {
    const program = await buildProgram(t.context);
    const filed: string[] = [];
    for (let i = 0; i < 5; i++) filed.push(await file(program, `Report ${i}`));
    expect(await allPages(`program=${program.slug}&sort=oldest`, 2)).toEqual(filed);
    const first = await list(`program=${program.slug}&sort=oldest&limit=2`);
    const mixed = await t.request({ method: 'GET', url: `/api/v1/reports?program=${program.slug}&sort=severity&after=${first.next}`, token: triager.token });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().error.details[0].field).toBe('querystring:/after');
    expect((await t.request({ method: 'GET', url: '/api/v1/reports?sort=loudest', token: triager.token })).statusCode).toBe(400);
  });

  it('sorts by severity, priority, next due time and last update, ties broken by id across pages', async () => {
    const program = await buildProgram(t.context);
    const filed: string[] = [];
    for (let i = 0; i < 7; i++) filed.push(await file(program, `Sortable ${i}`));
    const [a, b, c, d, e, f, g] = filed as [string, string, string, string, string, string, string];
    const arranged: [string, Partial<ReportTable>][] = [
      [a, { score: 9.8, severity: 'critical', priority: 'P2', first_response_due_at: '2026-05-03T00:00:00.000Z', triage_due_at: '2026-05-01T00:00:00.000Z', updated_at: '2026-06-01T00:00:00.000Z' }],
      [b, { score: 5.0, priority: 'P1', first_response_due_at: '2026-05-02T00:00:00.000Z', triage_due_at: null, updated_at: '2026-06-02T00:00:00.000Z' }],
      [c, { score: 9.8, severity: 'critical', priority: 'P2', first_response_due_at: '2026-05-02T00:00:00.000Z', triage_due_at: '2026-05-09T00:00:00.000Z', updated_at: '2026-06-02T00:00:00.000Z' }],
      // First response met: triage is what is due next.
      [d, { score: null, priority: 'P5', first_response_at: '2026-04-01T00:00:00.000Z', first_response_due_at: '2026-04-02T00:00:00.000Z', triage_due_at: '2026-05-02T00:00:00.000Z', updated_at: '2026-06-01T00:00:00.000Z' }],
      [e, { score: 5.0, priority: 'P2', first_response_due_at: null, triage_due_at: null, updated_at: '2026-06-03T00:00:00.000Z' }],
      [f, { score: null, priority: 'P1', first_response_due_at: '2026-04-20T00:00:00.000Z', triage_due_at: '2026-04-25T00:00:00.000Z', updated_at: '2026-06-02T00:00:00.000Z' }],
      // Closed: no clock runs, so nothing is due.
      [g, { score: 7.5, priority: 'P3', state: 'resolved', first_response_due_at: '2026-04-01T00:00:00.000Z', updated_at: '2026-06-04T00:00:00.000Z' }],
    ];
    for (const [id, fields] of arranged) await set(id, fields);
    // Ties go by id in the order's direction (ids grow with time: a < b < … < g).
    const expected: Record<string, string[]> = {
      severity: [c, a, g, e, b, f, d],
      priority: [b, f, a, c, e, g, d],
      sla: [f, a, b, c, d, e, g],
      updated: [g, e, f, c, b, d, a],
    };
    const p = `program=${program.slug}`;
    for (const [sort, order] of Object.entries(expected)) {
      expect(await ids(`${p}&sort=${sort}`), sort).toEqual(order);
      for (const limit of [1, 2, 3]) expect(await allPages(`${p}&sort=${sort}`, limit), `${sort} by ${limit}`).toEqual(order);
    }
    // The filters hold in every order.
    expect(await ids(`${p}&sort=severity&state=new`)).toEqual([c, a, e, b, f, d]);
    expect(await ids(`${p}&sort=sla&severity=critical`)).toEqual([a, c]);
    expect(await ids(`${p}&sort=sla&q=sortable+3`)).toEqual([d]);
  });

  it('shows reporters only their own reports, in any order', async () => {
    const program = await buildProgram(t.context);
    const mine = await file(program, 'Mine to see');
    const someoneElse = await buildUser(t.context);
    await t.request({ method: 'POST', url: '/api/v1/reports', token: someoneElse.token, payload: { program: program.slug, title: 'Not theirs', description: 'Hidden.' } });
    for (const sort of ['newest', 'severity', 'priority', 'sla', 'updated']) expect(await ids(`program=${program.slug}&sort=${sort}`, reporter), sort).toEqual([mine]);
    expect(await ids(`program=${program.slug}&q=hidden`, reporter)).toEqual([]);
  });

  it('assigns many reports at once, all or nothing, for triagers only', async () => {
    const program = await buildProgram(t.context);
    const one = await file(program, 'Bulk one');
    const two = await file(program, 'Bulk two');
    const bulk = (who: BuiltUser, payload: Record<string, unknown>) => t.request({ method: 'POST', url: '/api/v1/reports/bulk', token: who.token, payload });
    const p = `program=${program.slug}`;

    const forbidden = await bulk(reporter, { ids: [one, two], action: 'assign', assigneeId: reporter.row.id });
    expect(forbidden.statusCode).toBe(403);
    // A reporter cannot be assigned; the error names the report.
    const refused = await bulk(triager, { ids: [one, two], action: 'assign', assigneeId: reporter.row.id });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
    expect(refused.json().error.details[0].field).toBe('/ids/0');
    // The second report does not exist: the first one's assignment is undone with it.
    const missing = await bulk(triager, { ids: [one, '00000000-0000-7000-8000-000000000000'], action: 'assign', assigneeId: lead.row.id });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.details[0].field).toBe('/ids/1');
    expect(await ids(`${p}&assignee=none`)).toEqual([two, one]);

    const done = await bulk(triager, { ids: [one, two], action: 'assign', assigneeId: lead.row.id });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ updated: 2 });
    expect(await ids(`${p}&assignee=${lead.row.id}`)).toEqual([two, one]);
    const timeline = (await t.request({ method: 'GET', url: `/api/v1/reports/${one}/timeline`, token: triager.token })).json().items.map((event: { kind: string }) => event.kind);
    expect(timeline).toContain('assignment');

    const unassigned = await bulk(lead, { ids: [one], action: 'assign', assigneeId: null });
    expect(unassigned.json()).toEqual({ updated: 1 });
    expect(await ids(`${p}&assignee=none`)).toEqual([one]);
  });
});
