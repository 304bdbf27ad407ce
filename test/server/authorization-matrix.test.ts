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
  { method: 'GET', url: '/api/v1/programs/:slug/policy/:version', allowed: ['anonymous', ...EVERYONE] },
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
  { method: 'POST', url: '/api/v1/reports/bulk', allowed: ['triager', 'lead'], payload: (f) => ({ ids: [f.victimReportId], action: 'label', add: ['matrix'] }) },
  { method: 'GET', url: '/api/v1/programs/:slug/sla', allowed: STAFF },
  { method: 'GET', url: '/api/v1/disclosed', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/api/v1/disclosed/:id', allowed: ['anonymous', ...EVERYONE], othersObject: () => '00000000-0000-4000-8000-000000000000' },
  { method: 'POST', url: '/api/v1/attachments', allowed: EVERYONE },
  { method: 'GET', url: '/api/v1/attachments/limits', allowed: EVERYONE },
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
  // Advisories: published ones for everyone, drafts written by triagers, leads and the CNA team, published and signed by leads.
  { method: 'GET', url: '/api/v1/advisories', allowed: ['anonymous', ...EVERYONE] },
  { method: 'POST', url: '/api/v1/advisories', allowed: ['triager', 'lead', 'cna'], payload: () => ({ content: { title: 'Matrix' } }) },
  { method: 'GET', url: '/api/v1/advisories/osv', allowed: ['anonymous', ...EVERYONE] },
  // No key in the matrix: a lead gets past authorisation to 409 conflict (or nothing to sign).
  { method: 'POST', url: '/api/v1/advisories/sign', allowed: ['lead'], payload: () => ({ passphrase: 'matrix passphrase' }) },
  { method: 'GET', url: '/api/v1/advisories/:id', allowed: ['anonymous', ...EVERYONE] },
  { method: 'PATCH', url: '/api/v1/advisories/:id', allowed: ['triager', 'lead', 'cna'], payload: () => ({ content: { title: 'Renamed' } }) },
  { method: 'POST', url: '/api/v1/advisories/:id/publish', allowed: ['lead'], payload: () => ({}) },
  { method: 'GET', url: '/api/v1/advisories/:id/csaf', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/api/v1/advisories/:id/osv', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/api/v1/policy-page', allowed: ['anonymous', ...EVERYONE] },
  // The literal ":section" is no section: allowed roles get past authorisation to 400.
  { method: 'PUT', url: '/api/v1/policy-page/:section', allowed: ['lead'], payload: () => ({ body: 'Matrix text' }) },
  { method: 'GET', url: '/api/v1/policy-page/:section/history', allowed: STAFF },
  { method: 'GET', url: '/security', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/advisories', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/advisories/feed.atom', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/advisories/:id', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/.well-known/csaf/provider-metadata.json', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/.well-known/csaf/white/index.txt', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/.well-known/csaf/white/changes.csv', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/.well-known/csaf/white/csaf-feed-tlp-white.json', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/.well-known/csaf/white/:year/:file', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/security.txt', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/pgp-key.txt', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/notice-signing-key.txt', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/api/v1/settings', allowed: STAFF },
  { method: 'PATCH', url: '/api/v1/settings', allowed: ['lead'], payload: () => ({ organisationName: 'Matrix Org' }) },
  { method: 'GET', url: '/api/v1/keys', allowed: STAFF },
  { method: 'GET', url: '/api/v1/security-txt', allowed: STAFF },
  // No key exists in the matrix: a lead gets past authorisation to 409 conflict.
  { method: 'POST', url: '/api/v1/security-txt/sign', allowed: ['lead'], payload: () => ({ passphrase: 'matrix passphrase' }) },
  { method: 'GET', url: '/api/v1/notice-signing-keys', allowed: STAFF },
  { method: 'POST', url: '/api/v1/notice-signing-keys', allowed: ['lead'], payload: () => ({}) },
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
  { method: 'PUT', url: '/api/v1/incidents/:id/reporter-key', allowed: ['triager', 'lead'], othersObject: (f) => f.victimIncidentId, exists: true, payload: () => ({ publicKey: 'not OpenPGP' }) },
  { method: 'POST', url: '/api/v1/incidents/:id/acknowledge', allowed: ['triager', 'lead'], othersObject: (f) => f.victimIncidentId, exists: true },
  { method: 'POST', url: '/api/v1/incidents/:id/close', allowed: ['triager', 'lead'], othersObject: (f) => f.victimIncidentId, exists: true, payload: () => ({}) },
  // The incident names no programme: triagers and leads get past authorisation to 400 (nothing is unsealed).
  { method: 'POST', url: '/api/v1/incidents/:id/unseal', allowed: ['triager', 'lead'], othersObject: (f) => f.victimIncidentId, exists: true, payload: () => ({ reason: 'r', report: { title: 't', description: 'd' } }) },
  // No key in the matrix: triagers and leads get past authorisation to 404 (400 for the literal ":fingerprint").
  { method: 'GET', url: '/api/v1/keys/current/private', allowed: ['triager', 'lead'] },
  { method: 'GET', url: '/api/v1/keys/:fingerprint/private', allowed: ['triager', 'lead'] },
  // Outbound findings: triagers and leads work on them, auditors read; no body, so allowed roles get past authorisation to 400.
  { method: 'POST', url: '/api/v1/findings/imports', allowed: ['triager', 'lead'] },
  { method: 'GET', url: '/api/v1/findings/imports', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'GET', url: '/api/v1/findings/candidates', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'GET', url: '/api/v1/findings/candidates/:id', allowed: ['triager', 'lead', 'auditor'], othersObject: () => '00000000-0000-4000-8000-000000000000' },
  { method: 'POST', url: '/api/v1/findings/candidates/:id/review', allowed: ['triager', 'lead'], othersObject: () => '00000000-0000-4000-8000-000000000000', payload: () => ({ decision: 'approve' }) },
  { method: 'GET', url: '/api/v1/findings/groups', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'GET', url: '/api/v1/findings/suppressions', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'DELETE', url: '/api/v1/findings/suppressions/:id', allowed: ['triager', 'lead'], othersObject: () => '00000000-0000-4000-8000-000000000000' },
  { method: 'GET', url: '/api/v1/findings/dashboard', allowed: ['triager', 'lead', 'auditor'] },
  // Registered automated sources decide whose word the review gate trusts: leads change them, staff who review or audit read them.
  { method: 'GET', url: '/api/v1/findings/automated-sources', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'POST', url: '/api/v1/findings/automated-sources', allowed: ['lead'], payload: () => ({ name: '!not a source name', description: 'matrix' }) },
  { method: 'POST', url: '/api/v1/findings/automated-sources/:id/retire', allowed: ['lead'], othersObject: () => '00000000-0000-4000-8000-000000000000', payload: () => ({}) },
  { method: 'POST', url: '/api/v1/sboms', allowed: ['triager', 'lead'] },
  { method: 'GET', url: '/api/v1/sboms', allowed: ['triager', 'lead', 'auditor'] },
  // CVE records: the CNA role and leads edit, triagers draft from a report, auditors read (no record in the matrix: 404 past authorisation).
  { method: 'GET', url: '/api/v1/cve-records', allowed: ['triager', 'lead', 'cna', 'auditor'] },
  { method: 'POST', url: '/api/v1/cve-records/validate', allowed: ['triager', 'lead', 'cna', 'auditor'], payload: () => ({ record: {} }) },
  { method: 'POST', url: '/api/v1/cve-records/from-report', allowed: ['triager', 'lead', 'cna'], payload: (f) => ({ reportId: f.victimReportId, provider: { orgId: 'b3476cb9-2e3d-41a6-98d0-0f47421a65b6' } }) },
  { method: 'POST', url: '/api/v1/cve-records/import', allowed: ['lead', 'cna'], payload: () => ({ records: [{ dataType: 'not a record' }] }) },
  { method: 'GET', url: '/api/v1/cve-records/:id', allowed: ['triager', 'lead', 'cna', 'auditor'] },
  { method: 'PATCH', url: '/api/v1/cve-records/:id', allowed: ['lead', 'cna'], payload: () => ({ cveId: null }) },
  { method: 'GET', url: '/api/v1/cve-records/:id/validation', allowed: ['triager', 'lead', 'cna', 'auditor'] },
  { method: 'GET', url: '/api/v1/cve-records/:id/preview', allowed: ['triager', 'lead', 'cna', 'auditor'] },
  { method: 'GET', url: '/api/v1/cve-records/:id/versions', allowed: ['triager', 'lead', 'cna', 'auditor'] },
  { method: 'GET', url: '/api/v1/cve-records/:id/diff', allowed: ['triager', 'lead', 'cna', 'auditor'] },
  // The CNA workflow: leads edit the profile, the CNA role and leads decide and publish, staff read; anyone requests a CVE.
  { method: 'GET', url: '/api/v1/cna/profile', allowed: STAFF },
  { method: 'PUT', url: '/api/v1/cna/profile', allowed: ['lead'], payload: () => ({ orgId: 'not a uuid' }) },
  { method: 'GET', url: '/api/v1/cna/policy', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/cna', allowed: ['anonymous', ...EVERYONE] },
  { method: 'GET', url: '/api/v1/cve-records/:id/eligibility', allowed: ['triager', 'lead', 'cna', 'auditor'] },
  {
    method: 'POST',
    url: '/api/v1/cve-records/:id/eligibility',
    allowed: ['lead', 'cna'],
    payload: () => ({ answers: { nature: 'vulnerability', scope: 'own-product', independentlyFixable: true, willBePublic: true, tags: [] }, rationale: 'matrix' }),
  },
  { method: 'POST', url: '/api/v1/cve-records/:id/assign-id', allowed: ['lead', 'cna'], payload: () => ({}) },
  { method: 'GET', url: '/api/v1/cve-records/:id/operations', allowed: ['triager', 'lead', 'cna', 'auditor'] },
  { method: 'POST', url: '/api/v1/cve-records/:id/publish', allowed: ['lead', 'cna'] },
  { method: 'POST', url: '/api/v1/cve-records/:id/reject', allowed: ['lead', 'cna'], payload: () => ({ reasons: [{ lang: 'en', value: 'matrix' }] }) },
  { method: 'POST', url: '/api/v1/cve-records/:id/undo-reject', allowed: ['lead', 'cna'] },
  { method: 'POST', url: '/api/v1/cve-requests', allowed: ['anonymous', ...EVERYONE], payload: () => ({ product: 'Not ours', title: 'matrix', description: 'matrix', email: 'm@example.org' }) },
  // A wrong receipt is receipt_invalid (401) for everyone: not a refusal of who asks.
  { method: 'POST', url: '/api/v1/cve-requests/track', allowed: ['anonymous', ...EVERYONE], payload: () => ({ receipt: 'cvr_wrong' }) },
  { method: 'GET', url: '/api/v1/cve-requests/mine', allowed: EVERYONE },
  { method: 'GET', url: '/api/v1/cve-requests', allowed: ['triager', 'lead', 'cna', 'auditor'] },
  { method: 'GET', url: '/api/v1/cve-requests/:id', allowed: ['triager', 'lead', 'cna', 'auditor'] },
  { method: 'POST', url: '/api/v1/cve-requests/:id/accept', allowed: ['lead', 'cna'] },
  { method: 'POST', url: '/api/v1/cve-requests/:id/decline', allowed: ['lead', 'cna'], payload: () => ({ reason: 'matrix' }) },
  // CVE ID pool: CVE Services is not configured in the matrix, so the CNA team and leads get past authorisation to 409 (reserve, sync) or 409 (empty pool).
  { method: 'GET', url: '/api/v1/cve-ids', allowed: ['cna', 'lead', 'auditor'] },
  { method: 'GET', url: '/api/v1/cve-ids/flagged', allowed: ['cna', 'lead', 'auditor'] },
  { method: 'POST', url: '/api/v1/cve-ids/reservations', allowed: ['cna', 'lead'], payload: () => ({ amount: 1 }) },
  { method: 'GET', url: '/api/v1/cve-ids/reservations/:id', allowed: ['cna', 'lead', 'auditor'], othersObject: () => '00000000-0000-4000-8000-000000000000' },
  { method: 'POST', url: '/api/v1/cve-ids/assign', allowed: ['cna', 'lead'], payload: () => ({ subject: { kind: 'text', ref: 'matrix' } }) },
  { method: 'POST', url: '/api/v1/cve-ids/sync', allowed: ['cna', 'lead'], payload: () => ({}) },
  // ':cveId' is not an ID: the CNA team and leads get past authorisation to 400.
  { method: 'POST', url: '/api/v1/cve-ids/:cveId/reject', allowed: ['cna', 'lead'], payload: () => ({ reason: 'matrix' }) },
  { method: 'GET', url: '/api/v1/cve-services/connection', allowed: ['cna', 'lead', 'auditor'] },
  { method: 'POST', url: '/api/v1/cve-services/connection/test', allowed: ['cna', 'lead'] },
  // An invalid URL: a lead gets past authorisation to 400, nothing is stored.
  { method: 'PUT', url: '/api/v1/cve-services/connection', allowed: ['lead'], payload: () => ({ url: 'not a url', org: 'matrixorg', user: 'matrixuser' }) },
  // Vendor directory and discovery: staff read, triagers and leads write; no such vendor, so allowed roles get past authorisation to 404.
  { method: 'GET', url: '/api/v1/vendors', allowed: STAFF },
  { method: 'POST', url: '/api/v1/vendors', allowed: ['triager', 'lead'], payload: () => ({ name: `Matrix ${Math.random().toString(36).slice(2)}` }) },
  { method: 'POST', url: '/api/v1/vendors/match', allowed: STAFF, payload: () => ({ purls: ['pkg:npm/matrix'] }) },
  { method: 'GET', url: '/api/v1/vendors/:id', allowed: STAFF },
  { method: 'PATCH', url: '/api/v1/vendors/:id', allowed: ['triager', 'lead'], payload: () => ({ notes: 'matrix' }) },
  { method: 'DELETE', url: '/api/v1/vendors/:id', allowed: ['triager', 'lead'] },
  { method: 'POST', url: '/api/v1/vendors/:id/contacts', allowed: ['triager', 'lead'], payload: () => ({ kind: 'email', value: 'security@example.org' }) },
  { method: 'PATCH', url: '/api/v1/vendors/:id/contacts/:contactId', allowed: ['triager', 'lead'], payload: () => ({ status: 'bounced' }) },
  { method: 'DELETE', url: '/api/v1/vendors/:id/contacts/:contactId', allowed: ['triager', 'lead'] },
  { method: 'POST', url: '/api/v1/vendors/:id/keys', allowed: ['triager', 'lead'], payload: () => ({ armored: 'not a key' }) },
  { method: 'DELETE', url: '/api/v1/vendors/:id/keys/:keyId', allowed: ['triager', 'lead'] },
  { method: 'POST', url: '/api/v1/vendors/:id/response-times', allowed: ['triager', 'lead'], payload: () => ({ kind: 'acknowledgement', contactedAt: '2026-11-01T00:00:00Z', respondedAt: '2026-11-02T00:00:00Z' }) },
  { method: 'POST', url: '/api/v1/vendors/:id/discover', allowed: ['triager', 'lead'], payload: () => ({}) },
  { method: 'GET', url: '/api/v1/vendors/:id/discoveries', allowed: STAFF },
  { method: 'POST', url: '/api/v1/vendors/:id/discoveries/:discoveryId/adopt', allowed: ['triager', 'lead'], payload: () => ({ channel: 0 }) },
  // A target that is refused as input: allowed roles get 400 without any request going out.
  { method: 'POST', url: '/api/v1/discovery', allowed: ['triager', 'lead'], payload: () => ({ target: 'ftp://matrix.example/' }) },
  // Outbound cases: triagers and leads write, auditors read; reporters and CNA staff have no access. No case exists
  // (the :id is unknown, nested ids are literal), so allowed roles get past authorisation to 404/409/400.
  { method: 'GET', url: '/api/v1/cases', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'POST', url: '/api/v1/cases', allowed: ['triager', 'lead'], payload: () => ({ title: 'Matrix case' }) },
  { method: 'POST', url: '/api/v1/cases/from-draft-group', allowed: ['triager', 'lead'], payload: () => ({ projectKey: 'matrix:none' }) },
  { method: 'GET', url: '/api/v1/cases/policies', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'PATCH', url: '/api/v1/cases/policies/:key', allowed: ['lead'], payload: () => ({ attempts: 3 }) },
  { method: 'GET', url: '/api/v1/cases/dashboard', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'POST', url: '/api/v1/cases/calendar-token', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'DELETE', url: '/api/v1/cases/calendar-token', allowed: ['triager', 'lead', 'auditor'] },
  // The feed takes its own token in the URL (calendar apps send no cookies): without one everybody is refused.
  { method: 'GET', url: '/api/v1/cases/calendar.ics', allowed: [] },
  { method: 'GET', url: '/api/v1/cases/:id', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'PATCH', url: '/api/v1/cases/:id', allowed: ['triager', 'lead'], payload: () => ({ title: 'Renamed' }) },
  { method: 'GET', url: '/api/v1/cases/:id/log', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'POST', url: '/api/v1/cases/:id/log/:entryId/openings', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'GET', url: '/api/v1/cases/:id/notices', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'GET', url: '/api/v1/cases/:id/advisory-facts', allowed: ['triager', 'lead', 'auditor'] },
  { method: 'POST', url: '/api/v1/cases/:id/notes', allowed: ['triager', 'lead'], payload: () => ({ text: 'Called the vendor' }) },
  { method: 'POST', url: '/api/v1/cases/:id/vulnerabilities', allowed: ['triager', 'lead'], payload: () => ({ title: 'Flaw', product: 'Widget' }) },
  { method: 'PATCH', url: '/api/v1/cases/:id/vulnerabilities/:vulnerabilityId', allowed: ['triager', 'lead'], payload: () => ({ title: 'Flaw' }) },
  { method: 'POST', url: '/api/v1/cases/:id/vulnerabilities/:vulnerabilityId/cve-facts', allowed: ['triager', 'lead', 'auditor'], payload: () => ({ provider: { orgId: '00000000-0000-4000-8000-000000000000' } }) },
  { method: 'POST', url: '/api/v1/cases/:id/participants', allowed: ['triager', 'lead'], payload: () => ({ vendorId: '00000000-0000-4000-8000-000000000000' }) },
  { method: 'PATCH', url: '/api/v1/cases/:id/participants/:participantId', allowed: ['triager', 'lead'], payload: () => ({ contactId: null }) },
  { method: 'PUT', url: '/api/v1/cases/:id/participants/:participantId/statuses/:vulnerabilityId', allowed: ['triager', 'lead'], payload: () => ({ status: 'affected' }) },
  { method: 'POST', url: '/api/v1/cases/:id/participants/:participantId/acknowledge', allowed: ['triager', 'lead'] },
  { method: 'POST', url: '/api/v1/cases/:id/participants/:participantId/notices', allowed: ['triager', 'lead'], payload: () => ({}) },
  { method: 'POST', url: '/api/v1/cases/:id/participants/:participantId/messages', allowed: ['triager', 'lead'], payload: () => ({ text: 'Any news?' }) },
  { method: 'POST', url: '/api/v1/cases/:id/participants/:participantId/portal-links', allowed: ['triager', 'lead'], payload: () => ({}) },
  { method: 'DELETE', url: '/api/v1/cases/:id/portal-links/:tokenId', allowed: ['triager', 'lead'] },
  { method: 'POST', url: '/api/v1/cases/:id/statements', allowed: ['triager', 'lead'], payload: () => ({ body: 'Our statement', shared: false }) },
  { method: 'PATCH', url: '/api/v1/cases/:id/statements/:statementId', allowed: ['triager', 'lead'], payload: () => ({ shared: true }) },
  { method: 'POST', url: '/api/v1/cases/:id/escalations', allowed: ['triager', 'lead'], payload: () => ({ participantId: 'x', coordinatorId: 'y' }) },
  { method: 'POST', url: '/api/v1/cases/:id/decisions', allowed: ['triager', 'lead'], payload: () => ({ condition: 'vendor_consent', evidence: 'The vendor agreed by mail.' }) },
  { method: 'POST', url: '/api/v1/cases/:id/extensions/:requestId', allowed: ['triager', 'lead'], payload: () => ({ accept: true }) },
  { method: 'POST', url: '/api/v1/cases/:id/transitions', allowed: ['triager', 'lead'], payload: () => ({ to: 'closed', reason: 'Matrix' }) },
  { method: 'POST', url: '/api/v1/cases/:id/credits', allowed: ['triager', 'lead'], payload: () => ({ kind: 'team', name: 'Team', consentToName: true }) },
  { method: 'PATCH', url: '/api/v1/cases/:id/credits/:creditId', allowed: ['triager', 'lead'], payload: () => ({ consentToName: true }) },
  // The vendor portal: a participant's token in X-Portal-Token, never an account; without one everybody is refused.
  { method: 'GET', url: '/api/v1/portal', allowed: [] },
  { method: 'POST', url: '/api/v1/portal/acknowledge', allowed: [] },
  { method: 'PUT', url: '/api/v1/portal/statuses/:vulnerabilityId', allowed: [], payload: () => ({ status: 'affected' }) },
  { method: 'POST', url: '/api/v1/portal/statements', allowed: [], payload: () => ({ body: 'Statement' }) },
  { method: 'POST', url: '/api/v1/portal/messages', allowed: [], payload: () => ({ text: 'Question' }) },
  { method: 'POST', url: '/api/v1/portal/extensions', allowed: [], payload: () => ({ until: '2030-01-01T00:00:00Z', reason: 'Need time' }) },
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
        const url = route.url.replace(':id', route.othersObject ? route.othersObject(fixture) : '00000000-0000-4000-8000-000000000000').replace(':slug', fixture.programSlug).replace(':userId', fixture.victim.row.id).replace(':version', '1');
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
