import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/shared/roles.js';
import { ROLES } from '../../src/shared/roles.js';
import { DIALECTS } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { buildUser, type BuiltUser } from '../helpers/factories.js';
import { buildProgram } from '../helpers/programs.js';
import { plantIncident } from './incidents.support.js';

type Who = Role | 'anonymous';
/** Error codes that mean "not allowed" (as opposed to bad input or a missing object). */
const REFUSALS = ['authentication_required', 'forbidden', 'mfa_required', 'mfa_enrollment_required', 'insufficient_scope', 'token_invalid', 'csrf_failed'];
const EVERYONE: Who[] = [...ROLES];
const STAFF: Who[] = ['triager', 'lead', 'cna', 'auditor'];

interface RouteCase {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Who gets past authorisation (may still get 4xx for the body; never 401/403). */
  allowed: Who[];
  /** Built per request, so writes act on fresh objects. */
  payload?: (fixture: Fixture, who: Who) => unknown;
  /** Acting on an object that belongs to someone else. */
  othersObject?: (fixture: Fixture) => string;
  /** The object exists: for roles not allowed, 404 (existence hidden) counts as a refusal, and allowed roles must not get it. */
  exists?: boolean;
}

interface Fixture {
  users: Record<Role, BuiltUser>;
  victim: BuiltUser;
  victimTokenId: string;
  programSlug: string;
  victimReportId: string;
  victimAttachmentId: string;
  /** A sealed incident the victim sent while signed in. */
  victimIncidentId: string;
}

/**
 * Every API route × every role × anonymous (and, where a route names an object, someone
 * else's object). The list must cover every route in the OpenAPI document: a new route
 * without a row here fails the test.
 */
const CASES: RouteCase[] = [
  { method: 'GET', url: '/healthz', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/readyz', allowed: ['anonymous', ...EVERYONE] },
  // From loopback (as inject() is); other addresses need METRICS_TOKEN, see metrics.test.ts.
  { method: 'GET', url: '/metrics', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/api/v1/session', allowed: [] },
  { method: 'POST', url: '/api/v1/auth/signin', allowed: ['anonymous', ...EVERYONE], payload: () => ({ email: 'nobody@example.org', password: 'x' }) },
  { method: 'POST', url: '/api/v1/auth/mfa', allowed: [], payload: () => ({ code: '123456' }) },
  { method: 'POST', url: '/api/v1/auth/signout', allowed: ['anonymous', ...EVERYONE] },
  { method: 'POST', url: '/api/v1/auth/signup', allowed: ['anonymous', ...EVERYONE], payload: () => ({ email: 'bad', password: 'x' }) },
  { method: 'POST', url: '/api/v1/auth/verify-email', allowed: [], payload: () => ({ token: 'nope' }) },
  { method: 'POST', url: '/api/v1/auth/password-reset', allowed: ['anonymous', ...EVERYONE], payload: () => ({ email: 'nobody@example.org' }) },
  { method: 'POST', url: '/api/v1/auth/password-reset/complete', allowed: [], payload: () => ({ token: 'nope', password: 'a long enough password' }) },
  { method: 'GET', url: '/api/v1/me', allowed: EVERYONE },
  { method: 'POST', url: '/api/v1/me/password', allowed: EVERYONE, payload: () => ({ currentPassword: 'wrong', newPassword: 'x' }) },
  { method: 'POST', url: '/api/v1/me/two-factor/setup', allowed: EVERYONE },
  { method: 'POST', url: '/api/v1/me/two-factor/confirm', allowed: EVERYONE, payload: () => ({ code: '000000' }) },
  { method: 'POST', url: '/api/v1/me/two-factor/recovery-codes', allowed: EVERYONE, payload: () => ({ code: '000000' }) },
  { method: 'DELETE', url: '/api/v1/me/two-factor', allowed: ['reporter'], payload: () => ({ password: 'wrong password' }) },
  { method: 'GET', url: '/api/v1/me/tokens', allowed: EVERYONE },
  { method: 'POST', url: '/api/v1/me/tokens', allowed: EVERYONE, payload: () => ({ name: 'matrix', scopes: ['read'] }) },
  { method: 'DELETE', url: '/api/v1/me/tokens/:id', allowed: EVERYONE, othersObject: (f) => f.victimTokenId },
  { method: 'GET', url: '/api/v1/users', allowed: ['lead', 'auditor'] },
  { method: 'POST', url: '/api/v1/users', allowed: ['lead'], payload: () => ({ email: `invitee-${Math.random().toString(36).slice(2)}@example.org`, roles: ['triager'] }) },
  { method: 'PATCH', url: '/api/v1/users/:id', allowed: ['lead'], payload: () => ({ roles: ['reporter'] }), othersObject: (f) => f.victim.row.id },
  { method: 'GET', url: '/api/v1/audit', allowed: STAFF },
  { method: 'GET', url: '/api/v1/audit/verify', allowed: ['lead', 'auditor'] },
  { method: 'GET', url: '/api/v1/audit/export', allowed: ['lead', 'auditor'] },
  { method: 'GET', url: '/api/v1/outbox', allowed: ['lead'] },
  { method: 'GET', url: '/api/v1/outbox/:id', allowed: ['lead'], othersObject: () => '00000000-0000-4000-8000-000000000000' },
  { method: 'GET', url: '/api/v1/jobs', allowed: ['lead'] },
  { method: 'POST', url: '/api/v1/jobs/:id/retry', allowed: ['lead'], othersObject: () => '00000000-0000-4000-8000-000000000000' },
  { method: 'GET', url: '/api/v1/programs', allowed: ['anonymous', ...EVERYONE] },
  { method: 'POST', url: '/api/v1/programs', allowed: ['lead'], payload: () => ({ slug: `m-${Math.random().toString(36).slice(2, 10)}`, name: 'M', kind: 'vdp', policy: 'p' }) },
  { method: 'GET', url: '/api/v1/programs/:slug', allowed: ['anonymous', ...EVERYONE] },
  { method: 'PATCH', url: '/api/v1/programs/:slug', allowed: ['lead'], payload: () => ({ name: 'Renamed' }) },
  { method: 'GET', url: '/api/v1/programs/:slug/members', allowed: STAFF },
  { method: 'POST', url: '/api/v1/programs/:slug/members', allowed: ['lead'], payload: (f) => ({ userId: f.victim.row.id }) },
  { method: 'DELETE', url: '/api/v1/programs/:slug/members/:userId', allowed: ['lead'] },
  { method: 'POST', url: '/api/v1/reports', allowed: EVERYONE, payload: (f) => ({ program: f.programSlug, title: 'Matrix', description: 'Matrix report' }) },
  { method: 'GET', url: '/api/v1/reports', allowed: EVERYONE },
  { method: 'GET', url: '/api/v1/reports/:id', allowed: STAFF, othersObject: (f) => f.victimReportId, exists: true },
  { method: 'GET', url: '/api/v1/reports/:id/timeline', allowed: STAFF, othersObject: (f) => f.victimReportId, exists: true },
  { method: 'POST', url: '/api/v1/reports/:id/transitions', allowed: ['triager', 'lead'], othersObject: (f) => f.victimReportId, exists: true, payload: () => ({ to: 'new' }) },
  { method: 'POST', url: '/api/v1/reports/:id/comments', allowed: ['triager', 'lead'], othersObject: (f) => f.victimReportId, exists: true, payload: () => ({ body: 'note', internal: true }) },
  { method: 'PATCH', url: '/api/v1/reports/:id', allowed: ['triager', 'lead'], othersObject: (f) => f.victimReportId, exists: true, payload: () => ({ labels: ['x'] }) },
  { method: 'POST', url: '/api/v1/reports/:id/retest', allowed: ['triager', 'lead'], othersObject: (f) => f.victimReportId, exists: true, payload: () => ({}) },
  { method: 'POST', url: '/api/v1/reports/:id/retest/answer', allowed: [], othersObject: (f) => f.victimReportId, exists: true, payload: () => ({ outcome: 'fixed' }) },
  { method: 'GET', url: '/api/v1/reports/:id/disclosure', allowed: STAFF, othersObject: (f) => f.victimReportId, exists: true },
  { method: 'POST', url: '/api/v1/reports/:id/disclosure', allowed: ['triager', 'lead'], othersObject: (f) => f.victimReportId, exists: true },
  { method: 'PATCH', url: '/api/v1/reports/:id/disclosure', allowed: ['triager', 'lead'], othersObject: (f) => f.victimReportId, exists: true, payload: () => ({ summary: 's' }) },
  { method: 'POST', url: '/api/v1/reports/bulk', allowed: ['triager', 'lead'], payload: (f) => ({ ids: [f.victimReportId], action: 'label', labels: ['matrix'] }) },
  { method: 'GET', url: '/api/v1/programs/:slug/sla', allowed: STAFF },
  { method: 'GET', url: '/api/v1/disclosed', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/api/v1/disclosed/:id', allowed: ['anonymous', ...EVERYONE], othersObject: () => '00000000-0000-4000-8000-000000000000' },
  { method: 'POST', url: '/api/v1/attachments', allowed: EVERYONE },
  { method: 'GET', url: '/api/v1/cwe', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/api/v1/staff', allowed: STAFF },
  { method: 'DELETE', url: '/api/v1/attachments/:id', allowed: EVERYONE, othersObject: (f) => f.victimAttachmentId },
  { method: 'GET', url: '/api/v1/cvss', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/api/v1/attachments/:id', allowed: STAFF, othersObject: (f) => f.victimAttachmentId, exists: true },
  { method: 'GET', url: '/api/v1/reports/:id/duplicates', allowed: STAFF, othersObject: (f) => f.victimReportId, exists: true },
  // Rewards: the victim report is `new`, so triagers and leads get past authorisation to 409.
  { method: 'GET', url: '/api/v1/reports/:id/reward-suggestion', allowed: ['triager', 'lead'], othersObject: (f) => f.victimReportId, exists: true },
  { method: 'GET', url: '/api/v1/reports/:id/rewards', allowed: STAFF, othersObject: (f) => f.victimReportId, exists: true },
  { method: 'POST', url: '/api/v1/reports/:id/rewards', allowed: ['triager', 'lead'], othersObject: (f) => f.victimReportId, exists: true, payload: () => ({ amount: 100, kind: 'bounty' }) },
  { method: 'GET', url: '/api/v1/rewards', allowed: ['lead'] },
  { method: 'GET', url: '/api/v1/rewards/export.csv', allowed: ['lead'] },
  { method: 'POST', url: '/api/v1/rewards/:id/state', allowed: ['lead'], othersObject: () => '00000000-0000-4000-8000-000000000000', payload: () => ({ to: 'paid' }) },
  { method: 'GET', url: '/api/v1/me/earnings', allowed: EVERYONE },
  { method: 'GET', url: '/api/v1/me/reputation', allowed: EVERYONE },
  { method: 'GET', url: '/api/v1/reputation/points', allowed: ['anonymous', ...EVERYONE] },
  { method: 'PATCH', url: '/api/v1/reputation/points', allowed: ['lead'], payload: () => ({ resolved: 7 }) },
  { method: 'GET', url: '/api/v1/programs/:slug/submission-limit', allowed: ['anonymous', ...EVERYONE] },
  // A threshold nobody is below, so the other rows' submissions are not limited.
  { method: 'PATCH', url: '/api/v1/programs/:slug/submission-limit', allowed: ['lead'], payload: () => ({ reputationBelow: -1_000_000, maxReports: 10_000 }) },
  { method: 'DELETE', url: '/api/v1/programs/:slug/submission-limit', allowed: ['lead'] },
  { method: 'GET', url: '/api/v1/hall-of-fame', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/api/v1/programs/:slug/hall-of-fame', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/api/v1/me/hall-of-fame', allowed: EVERYONE },
  { method: 'PATCH', url: '/api/v1/me/hall-of-fame', allowed: EVERYONE, payload: () => ({ public: false }) },
  { method: 'GET', url: '/api/v1/notifications', allowed: EVERYONE },
  { method: 'POST', url: '/api/v1/notifications/read', allowed: EVERYONE, payload: () => ({ all: true }) },
  { method: 'GET', url: '/api/v1/me/notification-preferences', allowed: EVERYONE },
  { method: 'PUT', url: '/api/v1/me/notification-preferences', allowed: EVERYONE, payload: () => ({ items: [{ kind: 'state_changed', inApp: true, email: false }] }) },
  { method: 'GET', url: '/api/v1/webhooks', allowed: ['lead'] },
  { method: 'POST', url: '/api/v1/webhooks', allowed: ['lead'], payload: () => ({ name: 'Matrix', url: 'https://hooks.example.org/matrix', events: ['report.created'] }) },
  // No such webhook: a lead gets past authorisation to 404, everyone else is refused first.
  { method: 'PATCH', url: '/api/v1/webhooks/:id', allowed: ['lead'], othersObject: () => '00000000-0000-4000-8000-000000000000', payload: () => ({ name: 'Renamed' }) },
  { method: 'DELETE', url: '/api/v1/webhooks/:id', allowed: ['lead'], othersObject: () => '00000000-0000-4000-8000-000000000000' },
  { method: 'GET', url: '/api/v1/webhooks/:id/deliveries', allowed: ['lead'], othersObject: () => '00000000-0000-4000-8000-000000000000' },
  { method: 'POST', url: '/api/v1/webhooks/:id/test', allowed: ['lead'], othersObject: () => '00000000-0000-4000-8000-000000000000' },
  { method: 'GET', url: '/.well-known/security.txt', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/security.txt', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/pgp-key.txt', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/api/v1/settings', allowed: STAFF },
  { method: 'PATCH', url: '/api/v1/settings', allowed: ['lead'], payload: () => ({ organisationName: 'Matrix Org' }) },
  { method: 'GET', url: '/api/v1/keys', allowed: STAFF },
  { method: 'GET', url: '/api/v1/security-txt', allowed: STAFF },
  // No key exists in the matrix: a lead gets past authorisation to 409 conflict.
  { method: 'POST', url: '/api/v1/security-txt/sign', allowed: ['lead'], payload: () => ({ passphrase: 'matrix passphrase' }) },
  // Sealed incidents: anyone sends one or follows up with a receipt (bad bodies get 400/401 receipt_invalid, not refusals).
  { method: 'GET', url: '/api/v1/incidents/intake', allowed: ['anonymous', ...EVERYONE] },
  { method: 'POST', url: '/api/v1/incidents', allowed: ['anonymous', ...EVERYONE], payload: () => ({ message: 'not OpenPGP', accept_unconditional: true }) },
  { method: 'POST', url: '/api/v1/incidents/receipt', allowed: ['anonymous', ...EVERYONE], payload: () => ({ receipt: '1234' }) },
  { method: 'GET', url: '/api/v1/incidents/followup', allowed: ['anonymous', ...EVERYONE] },
  { method: 'POST', url: '/api/v1/incidents/followup/messages', allowed: ['anonymous', ...EVERYONE], payload: () => ({ message: 'not OpenPGP' }) },
  { method: 'PUT', url: '/api/v1/incidents/followup/reply-key', allowed: ['anonymous', ...EVERYONE], payload: () => ({ privateKey: 'not a key' }) },
  { method: 'GET', url: '/api/v1/incidents', allowed: EVERYONE },
  { method: 'GET', url: '/api/v1/incidents/settings', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'PATCH', url: '/api/v1/incidents/settings', allowed: ['lead'], payload: () => ({ alarmRepeatMinutes: 15 }) },
  { method: 'GET', url: '/api/v1/incidents/:id', allowed: ['triager', 'lead'], othersObject: (f) => f.victimIncidentId, exists: true },
  { method: 'POST', url: '/api/v1/incidents/:id/replies', allowed: ['triager', 'lead'], othersObject: (f) => f.victimIncidentId, exists: true, payload: () => ({ message: 'not OpenPGP' }) },
  { method: 'POST', url: '/api/v1/incidents/:id/acknowledge', allowed: ['triager', 'lead'], othersObject: (f) => f.victimIncidentId, exists: true },
  { method: 'POST', url: '/api/v1/incidents/:id/close', allowed: ['triager', 'lead'], othersObject: (f) => f.victimIncidentId, exists: true, payload: () => ({}) },
  // The incident names no programme: triagers and leads get past authorisation to 400 (nothing is unsealed).
  { method: 'POST', url: '/api/v1/incidents/:id/unseal', allowed: ['triager', 'lead'], othersObject: (f) => f.victimIncidentId, exists: true, payload: () => ({ reason: 'r', report: { title: 't', description: 'd' } }) },
  // No key in the matrix: triagers and leads get past authorisation to 404 (400 for the literal ":fingerprint").
  { method: 'GET', url: '/api/v1/keys/current/private', allowed: ['triager', 'lead'] },
  { method: 'GET', url: '/api/v1/keys/:fingerprint/private', allowed: ['triager', 'lead'] },
];

describe.each(DIALECTS)('authorisation matrix on %s', (engine) => {
  let t: TestApp;
  let fixture: Fixture;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const users = {} as Record<Role, BuiltUser>;
    for (const role of ROLES) users[role] = await buildUser(t.context, { roles: [role] });
    const victim = await buildUser(t.context, { roles: ['reporter'] });
    const tokens = await t.request({ method: 'GET', url: '/api/v1/me/tokens', token: victim.token });
    const program = await buildProgram(t.context);
    const boundary = 'matrixboundary';
    const upload = await t.request({
      method: 'POST',
      url: '/api/v1/attachments',
      token: victim.token,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nprivate proof\r\n--${boundary}--\r\n`,
    });
    const report = await t.request({ method: 'POST', url: '/api/v1/reports', token: victim.token, payload: { program: program.slug, title: 'Victim report', description: 'Not yours', attachments: [upload.json().id] } });
    fixture = { users, victim, victimTokenId: tokens.json().items[0].id, programSlug: program.slug, victimReportId: report.json().id, victimAttachmentId: upload.json().id, victimIncidentId: await plantIncident(t.context, victim.row.id) };
  });
  afterAll(async () => t?.close());

  it('has a row for every route in the OpenAPI document', async () => {
    const doc = (await t.request({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const covered = CASES.map((c) => `${c.method} ${c.url}`);
    for (const route of documented) expect(covered, `matrix row missing for ${route}`).toContain(route);
  });

  for (const route of CASES) {
    for (const who of ['anonymous', ...ROLES] as Who[]) {
      it(`${route.method} ${route.url} as ${who} ${route.allowed.includes(who) ? 'passes' : 'is refused'}`, async () => {
        const url = route.url.replace(':id', route.othersObject ? route.othersObject(fixture) : '00000000-0000-4000-8000-000000000000').replace(':slug', fixture.programSlug).replace(':userId', fixture.victim.row.id);
        const token = who === 'anonymous' ? undefined : fixture.users[who].token;
        const payload = route.payload?.(fixture, who);
        const res = await t.request({ method: route.method, url, ...(token ? { token } : {}), ...(payload === undefined ? {} : { payload: payload as object }) });
        expect(res.statusCode, res.body).toBeLessThan(500);
        const code = res.statusCode >= 400 ? (res.json() as { error: { code: string } }).error.code : 'none';
        if (route.othersObject && who !== 'anonymous' && route.allowed.includes(who) && route.allowed.length === EVERYONE.length) {
          // Someone else's object is reported as absent, not as forbidden.
          expect(res.statusCode, res.body).toBe(404);
        } else if (route.allowed.includes(who)) {
          expect(route.exists ? [...REFUSALS, 'not_found'] : REFUSALS, `${who} should pass authorisation: ${res.body}`).not.toContain(code);
        } else {
          expect(route.exists ? [...REFUSALS, 'not_found'] : REFUSALS, `${who} should be refused: ${res.body}`).toContain(code);
        }
      });
    }
  }

  it("never lets one account revoke another's token", async () => {
    const res = await t.request({ method: 'DELETE', url: `/api/v1/me/tokens/${fixture.victimTokenId}`, token: fixture.users.lead.token });
    expect(res.statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: '/api/v1/me', token: fixture.victim.token })).statusCode).toBe(200);
  });

  it('refuses writes with a read-only token', async () => {
    const reader = await buildUser(t.context, { roles: ['lead'], scopes: ['read'] });
    expect((await t.request({ method: 'GET', url: '/api/v1/users', token: reader.token })).statusCode).toBe(200);
    const write = await t.request({ method: 'POST', url: '/api/v1/users', token: reader.token, payload: { email: 'x@example.org', roles: ['triager'] } });
    expect(write.statusCode).toBe(403);
    expect(write.json().error.code).toBe('insufficient_scope');
  });
});
