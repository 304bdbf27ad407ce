import { WEBHOOK_MAX_ATTEMPTS } from '../../src/domain/webhooks/webhook.js';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgramRow } from '../../src/domain/programs/program.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram } from '../helpers/programs.js';
import { makeJobsDue } from '../jobs/helpers.js';

interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  state: string;
  attempts: number;
  maxAttempts: number;
  lastStatus: number | null;
  lastError: string | null;
  payload: { id: string; type: string; createdAt: string; data: Record<string, any> };
  log: { attempt: number; responseStatus: number | null; responseBody: string | null; durationMs: number; error: string | null }[];
}

const ALL_REPORT_EVENTS = ['report.created', 'report.state_changed', 'report.comment_added', 'report.severity_changed', 'report.assigned'];

/** What a receiver does: recompute HMAC-SHA256 over "<t>.<raw body>" with the secret and compare. */
function verify(secret: string, header: string | string[] | undefined, body: string): number {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(header));
  expect(match, `signature header ${String(header)}`).not.toBeNull();
  const [, t, v1] = match!;
  expect(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')).toBe(v1);
  expect(createHmac('sha256', 'some other secret').update(`${t}.${body}`).digest('hex')).not.toBe(v1);
  return Number(t);
}

describe.each(DIALECTS)('webhooks on %s', (engine) => {
  /** WEBHOOK_ALLOW_PRIVATE=true: delivers to the loopback server below. */
  let t: TestApp;
  /** The default configuration: https only, public addresses only. */
  let strict: TestApp;
  let program: ProgramRow;
  let lead: BuiltUser;
  let triager: BuiltUser;
  let reporter: BuiltUser;
  let strictLead: BuiltUser;
  let server: http.Server;
  let origin: string;
  let received: Received[] = [];
  let respond: (request: Received) => { status: number; body?: string; headers?: Record<string, string> } = () => ({ status: 200, body: 'ok' });

  const createHook = async (app: TestApp, who: BuiltUser, payload: Record<string, unknown>) => {
    const res = await app.request({ method: 'POST', url: '/api/v1/webhooks', token: who.token, payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; secret: string; url: string; events: string[]; active: boolean };
  };
  const deliveries = async (app: TestApp, who: BuiltUser, id: string): Promise<Delivery[]> => {
    const res = await app.request({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries`, token: who.token });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items;
  };
  const submit = async (title = 'SQL injection in search') => {
    const res = await t.request({ method: 'POST', url: '/api/v1/reports', token: reporter.token, payload: { program: program.slug, title, description: 'The q parameter is concatenated into SQL.' } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };
  const at = (path: string) => received.filter((r) => r.path === path);
  const remove = (app: TestApp, who: BuiltUser, id: string) => app.request({ method: 'DELETE', url: `/api/v1/webhooks/${id}`, token: who.token });

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        received.push(request);
        const answer = respond(request);
        res.writeHead(answer.status, answer.headers ?? { 'content-type': 'text/plain' });
        res.end(answer.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await buildTestApp(engine, { WEBHOOK_ALLOW_PRIVATE: 'true' });
    strict = await buildTestApp(engine);
    program = await buildProgram(t.context);
    lead = await buildUser(t.context, { roles: ['lead'] });
    triager = await buildUser(t.context, { roles: ['triager'] });
    reporter = await buildUser(t.context);
    strictLead = await buildUser(strict.context, { roles: ['lead'] });
  });
  afterAll(async () => {
    await t?.close();
    await strict?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('lets only leads manage webhooks; the secret is shown once and stored sealed', async () => {
    const hook = await createHook(t, lead, { name: 'Tracker', url: 'https://hooks.example.org/cvdesk', events: ['report.created', 'reward.awarded'] });
    expect(hook).toMatchObject({ name: 'Tracker', url: 'https://hooks.example.org/cvdesk', events: ['report.created', 'reward.awarded'], active: true });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const stored = await t.context.db.selectFrom('webhook_endpoints').select('secret').where('id', '=', hook.id).executeTakeFirstOrThrow();
    expect(stored.secret).not.toContain(hook.secret);
    expect(t.context.secrets.open(stored.secret)).toBe(hook.secret);

    const list = await t.request({ method: 'GET', url: '/api/v1/webhooks', token: lead.token });
    expect(list.json().items.map((w: { id: string }) => w.id)).toContain(hook.id);
    expect(list.body).not.toContain(hook.secret);

    const patched = await t.request({ method: 'PATCH', url: `/api/v1/webhooks/${hook.id}`, token: lead.token, payload: { events: ['report.state_changed'], active: false } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ events: ['report.state_changed'], active: false });
    expect(patched.json().secret).toBeUndefined();
    const rotated = await t.request({ method: 'PATCH', url: `/api/v1/webhooks/${hook.id}`, token: lead.token, payload: { rotateSecret: true } });
    expect(rotated.json().secret).toMatch(/^whsec_/);
    expect(rotated.json().secret).not.toBe(hook.secret);

    for (const who of [triager, reporter]) {
      const attempts = [
        await t.request({ method: 'GET', url: '/api/v1/webhooks', token: who.token }),
        await t.request({ method: 'POST', url: '/api/v1/webhooks', token: who.token, payload: { name: 'Mine', url: 'https://hooks.example.org/x', events: ['report.created'] } }),
        await t.request({ method: 'PATCH', url: `/api/v1/webhooks/${hook.id}`, token: who.token, payload: { active: true } }),
        await t.request({ method: 'GET', url: `/api/v1/webhooks/${hook.id}/deliveries`, token: who.token }),
        await t.request({ method: 'POST', url: `/api/v1/webhooks/${hook.id}/test`, token: who.token }),
        await t.request({ method: 'DELETE', url: `/api/v1/webhooks/${hook.id}`, token: who.token }),
      ];
      for (const res of attempts) expect(res.json().error.code, res.body).toBe('forbidden');
    }
    const audit = await t.context.db.selectFrom('audit_events').select(['action', 'data']).where('object_id', '=', hook.id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['webhook.created', 'webhook.updated', 'webhook.updated']);
    expect(audit.map((a) => a.data).join()).not.toContain(hook.secret);

    expect((await remove(t, lead, hook.id)).statusCode).toBe(204);
    expect((await remove(t, lead, hook.id)).statusCode).toBe(404);
  });

  it('accepts only https URLs to public addresses, unless WEBHOOK_ALLOW_PRIVATE is set', async () => {
    const refuse = async (app: TestApp, who: BuiltUser, url: string, message: RegExp) => {
      const res = await app.request({ method: 'POST', url: '/api/v1/webhooks', token: who.token, payload: { name: 'Bad', url, events: ['report.created'] } });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details[0], url).toMatchObject({ field: '/url', message: expect.stringMatching(message) });
    };
    await refuse(strict, strictLead, 'http://hooks.example.org/x', /https/);
    await refuse(strict, strictLead, 'ftp://hooks.example.org/x', /https/);
    await refuse(strict, strictLead, 'not a url', /not a URL/);
    await refuse(strict, strictLead, 'https://user:pass@hooks.example.org/x', /user name or password/);
    await refuse(strict, strictLead, 'https://127.0.0.1/x', /loopback/);
    await refuse(strict, strictLead, 'https://10.1.2.3/x', /private/);
    await refuse(strict, strictLead, 'https://[::1]/x', /loopback/);
    await refuse(strict, strictLead, 'https://169.254.169.254/latest', /link-local/);
    const events = await strict.request({ method: 'POST', url: '/api/v1/webhooks', token: strictLead.token, payload: { name: 'Bad', url: 'https://hooks.example.org/x', events: ['report.exploded'] } });
    expect(events.statusCode).toBe(400);
    const none = await strict.request({ method: 'POST', url: '/api/v1/webhooks', token: strictLead.token, payload: { name: 'Bad', url: 'https://hooks.example.org/x', events: [] } });
    expect(none.statusCode).toBe(400);
    const fine = await createHook(strict, strictLead, { name: 'Public', url: 'https://hooks.example.org/x', events: ['report.created'] });
    const downgrade = await strict.request({ method: 'PATCH', url: `/api/v1/webhooks/${fine.id}`, token: strictLead.token, payload: { url: 'http://hooks.example.org/x' } });
    expect(downgrade.json().error.details[0].field).toBe('/url');
    expect((await remove(strict, strictLead, fine.id)).statusCode).toBe(204);
    // With the flag, plain http to loopback is allowed (that is how these tests deliver).
    const local = await createHook(t, lead, { name: 'Local', url: `${origin}/flag`, events: ['report.created'] });
    expect((await remove(t, lead, local.id)).statusCode).toBe(204);
  });

  it('delivers subscribed events, signed, with staff data and no internal notes', async () => {
    received = [];
    respond = () => ({ status: 200, body: 'thanks' });
    const hook = await createHook(t, lead, { name: 'All', url: `${origin}/all`, events: ALL_REPORT_EVENTS });
    const onlyCreated = await createHook(t, lead, { name: 'Created', url: `${origin}/created`, events: ['report.created'] });
    const inactive = await createHook(t, lead, { name: 'Off', url: `${origin}/off`, events: ALL_REPORT_EVENTS, active: false });
    const report = await submit();
    const secret = `internal-${engine}-${Date.now()}`;
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: triager.token, payload: { body: secret, internal: true } });
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/comments`, token: triager.token, payload: { body: 'We can reproduce it.' } });
    await t.request({ method: 'POST', url: `/api/v1/reports/${report.id}/transitions`, token: triager.token, payload: { to: 'triaged' } });
    await t.request({ method: 'PATCH', url: `/api/v1/reports/${report.id}`, token: triager.token, payload: { assigneeId: triager.row.id, cvss: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'] } });
    expect(received).toEqual([]); // nothing leaves before the jobs run

    await t.context.jobs.drain();

    const all = at('/all');
    expect(all.map((r) => r.headers['x-cvdesk-event']).sort()).toEqual(['report.assigned', 'report.comment_added', 'report.created', 'report.severity_changed', 'report.state_changed']);
    expect(at('/created').map((r) => r.headers['x-cvdesk-event'])).toEqual(['report.created']);
    expect(at('/off')).toEqual([]);
    const logged = await deliveries(t, lead, hook.id);
    for (const request of all) {
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/json');
      verify(hook.secret, request.headers['x-cvdesk-signature'], request.body);
      const body = JSON.parse(request.body);
      expect(Object.keys(body).sort()).toEqual(['createdAt', 'data', 'id', 'type']);
      expect(body.type).toBe(request.headers['x-cvdesk-event']);
      expect(body.data.report).toMatchObject({ id: report.id, title: 'SQL injection in search', url: `http://localhost:8080/reports/${report.id}` });
      expect(request.body).not.toContain(secret);
      const delivery = logged.find((d) => d.id === request.headers['x-cvdesk-delivery']);
      expect(delivery, 'X-Cvdesk-Delivery names the delivery').toBeDefined();
      expect(delivery).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 200, eventId: body.id, eventType: body.type });
      expect(delivery!.log).toEqual([expect.objectContaining({ attempt: 1, responseStatus: 200, responseBody: 'thanks', error: null, durationMs: expect.any(Number) })]);
    }
    const created = JSON.parse(all.find((r) => r.headers['x-cvdesk-event'] === 'report.created')!.body);
    expect(created.data.report).toMatchObject({ description: 'The q parameter is concatenated into SQL.', state: 'new', priority: expect.any(String), labels: [], attachments: [] });
    expect(created.data.report.description).not.toHaveProperty('html');
    const reply = JSON.parse(all.find((r) => r.headers['x-cvdesk-event'] === 'report.comment_added')!.body);
    expect(reply.data.comment).toMatchObject({ body: 'We can reproduce it.', byStaff: true, authorId: triager.row.id });
    const moved = JSON.parse(all.find((r) => r.headers['x-cvdesk-event'] === 'report.state_changed')!.body);
    expect(moved.data).toMatchObject({ from: 'new', to: 'triaged', reason: null });
    const assigned = JSON.parse(all.find((r) => r.headers['x-cvdesk-event'] === 'report.assigned')!.body);
    expect(assigned.data).toMatchObject({ assigneeId: triager.row.id, report: { assigneeId: triager.row.id } });
    // The same event has one id across endpoints; deliveries differ.
    const createdElsewhere = JSON.parse(at('/created')[0]!.body);
    expect(createdElsewhere.id).toBe(created.id);
    expect(at('/created')[0]!.headers['x-cvdesk-delivery']).not.toBe(all.find((r) => r.headers['x-cvdesk-event'] === 'report.created')!.headers['x-cvdesk-delivery']);
    // Running the jobs again sends nothing twice.
    await t.context.jobs.drain();
    expect(at('/all')).toHaveLength(5);

    for (const id of [hook.id, onlyCreated.id, inactive.id]) await remove(t, lead, id);
  });

  it('retries a failed delivery with back-off until it succeeds, logging every attempt', async () => {
    received = [];
    let calls = 0;
    respond = () => (++calls === 1 ? { status: 500, body: `overloaded ${'x'.repeat(5000)}` } : { status: 204 });
    const hook = await createHook(t, lead, { name: 'Flaky', url: `${origin}/flaky`, events: ['report.created'] });
    await submit();

    await t.context.jobs.drain();
    let [delivery] = await deliveries(t, lead, hook.id);
    expect(delivery).toMatchObject({ state: 'failed', attempts: 1, lastStatus: 500, lastError: 'HTTP 500' });
    expect(delivery!.log[0]!.responseBody!.startsWith('overloaded xxx')).toBe(true);
    expect(Buffer.byteLength(delivery!.log[0]!.responseBody!)).toBeLessThanOrEqual(2048);
    const [job] = await t.context.jobs.list({ name: 'webhook.deliver', state: 'queued' });
    expect(job).toMatchObject({ attempts: 1, lastError: expect.stringContaining('HTTP 500') });

    await t.context.jobs.drain(); // not due yet: the back-off holds it
    expect(at('/flaky')).toHaveLength(1);

    await makeJobsDue(t.context);
    await t.context.jobs.drain();
    [delivery] = await deliveries(t, lead, hook.id);
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 2, lastStatus: 204, lastError: null });
    expect(delivery!.log.map((a) => a.responseStatus)).toEqual([500, 204]);
    const [first, second] = at('/flaky');
    expect(second!.body).toBe(first!.body); // the same body, signed afresh
    expect(second!.headers['x-cvdesk-delivery']).toBe(first!.headers['x-cvdesk-delivery']);
    verify(hook.secret, second!.headers['x-cvdesk-signature'], second!.body);
    await remove(t, lead, hook.id);
  });

  it('gives up after the maximum attempts: the delivery and its job are dead', async () => {
    received = [];
    respond = () => ({ status: 503, body: 'down' });
    const hook = await createHook(t, lead, { name: 'Down', url: `${origin}/down`, events: ['report.created'] });
    await submit();
    for (let i = 0; i < WEBHOOK_MAX_ATTEMPTS + 1; i++) {
      await t.context.jobs.drain();
      await makeJobsDue(t.context);
    }
    const [delivery] = await deliveries(t, lead, hook.id);
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(13);
    expect(delivery).toMatchObject({ state: 'dead', attempts: 13, maxAttempts: 13, lastStatus: 503 });
    expect(delivery!.log.map((a) => a.attempt)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(at('/down')).toHaveLength(13);
    const jobs = (await t.context.jobs.list({ name: 'webhook.deliver', limit: 1000 })).filter((j) => (j.payload as { deliveryId: string }).deliveryId === delivery!.id);
    expect(jobs.map((j) => j.state)).toEqual(['dead']);

    // A lead retries the dead job (Admin → Jobs): the same delivery is tried afresh.
    respond = () => ({ status: 200, body: 'back' });
    await t.context.jobs.retry(jobs[0]!.id);
    await t.context.jobs.drain();
    const [revived] = await deliveries(t, lead, hook.id);
    expect(revived).toMatchObject({ id: delivery!.id, state: 'delivered', attempts: 14, lastStatus: 200 });
    expect(at('/down')).toHaveLength(14);
    await remove(t, lead, hook.id);
  });

  it('does not follow redirects', async () => {
    received = [];
    respond = (request) => (request.path === '/moved' ? { status: 302, headers: { location: `${origin}/target` } } : { status: 200 });
    const hook = await createHook(t, lead, { name: 'Moved', url: `${origin}/moved`, events: ['report.created'] });
    const ping = await t.request({ method: 'POST', url: `/api/v1/webhooks/${hook.id}/test`, token: lead.token });
    expect(ping.statusCode).toBe(202);
    await t.context.jobs.drain();
    expect(at('/target')).toEqual([]);
    const [delivery] = await deliveries(t, lead, hook.id);
    expect(delivery).toMatchObject({ state: 'failed', lastStatus: 302, lastError: 'HTTP 302 (redirects are not followed)' });
    await remove(t, lead, hook.id);
  });

  it('sends a ping on request, through the same signed path, even to an endpoint that is off', async () => {
    received = [];
    respond = () => ({ status: 200, body: 'pong' });
    const hook = await createHook(t, lead, { name: 'Ping', url: `${origin}/ping`, events: ['reward.awarded'], active: false });
    const res = await t.request({ method: 'POST', url: `/api/v1/webhooks/${hook.id}/test`, token: lead.token });
    expect(res.statusCode, res.body).toBe(202);
    const { deliveryId, eventId } = res.json();
    await t.context.jobs.drain();
    const [request] = at('/ping');
    expect(request!.headers).toMatchObject({ 'x-cvdesk-event': 'ping', 'x-cvdesk-delivery': deliveryId });
    verify(hook.secret, request!.headers['x-cvdesk-signature'], request!.body);
    expect(JSON.parse(request!.body)).toMatchObject({ id: eventId, type: 'ping', data: { webhook: { id: hook.id, name: 'Ping' } } });
    const [delivery] = await deliveries(t, lead, hook.id);
    expect(delivery).toMatchObject({ id: deliveryId, state: 'delivered', eventType: 'ping' });
    expect(delivery!.log[0]!.responseBody).toBe('pong');
    const unknown = await t.request({ method: 'POST', url: '/api/v1/webhooks/00000000-0000-4000-8000-000000000000/test', token: lead.token });
    expect(unknown.statusCode).toBe(404);
    await remove(t, lead, hook.id);
  });

  it('refuses to connect to a private address when WEBHOOK_ALLOW_PRIVATE is off, even through a host name', async () => {
    const port = new URL(origin).port;
    received = [];
    // A host name passes validation; it resolves to loopback only at delivery time.
    const hook = await createHook(strict, strictLead, { name: 'Sneaky', url: `https://localhost:${port}/sneaky`, events: ['report.created'] });
    expect((await strict.request({ method: 'POST', url: `/api/v1/webhooks/${hook.id}/test`, token: strictLead.token })).statusCode).toBe(202);
    await strict.context.jobs.drain();
    expect(received).toEqual([]);
    const [delivery] = await deliveries(strict, strictLead, hook.id);
    expect(delivery).toMatchObject({ state: 'failed', attempts: 1, lastStatus: null, lastError: expect.stringMatching(/refusing to connect to localhost .*loopback/) });
    expect(delivery!.log[0]).toMatchObject({ responseStatus: null, error: expect.stringContaining('loopback') });
    await remove(strict, strictLead, hook.id);
  });
});
