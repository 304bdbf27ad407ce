import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { CASE_LIMITS, CASE_STATES, CREDIT_KINDS, NOTICE_KINDS, PARTICIPANT_ROLES, VULNERABILITY_STATUSES } from '../../domain/cases/case.js';
import { caseDashboard } from '../../domain/cases/case-dashboard.js';
import { caseAdvisoryFacts, caseCveFacts, decideExtension, recordDecision, transitionCase } from '../../domain/cases/case-disclosure.js';
import { DISCLOSURE_CONDITIONS, POLICY_KEYS } from '../../domain/cases/case-policies.js';
import { escalateCase, listNotices, messageParticipant, sendNotice } from '../../domain/cases/case-notices.js';
import { issuePortalLinkAsStaff, revokePortalToken } from '../../domain/cases/case-portal.js';
import { calendarFeed, changePolicyValues, issueCalendarToken, listPolicies, revokeCalendarToken } from '../../domain/cases/case-schedule.js';
import {
  acknowledgeAsStaff,
  addCredit,
  addParticipant,
  addStaffNote,
  addStaffStatement,
  addVulnerability,
  createCase,
  createCaseFromDraftGroup,
  getCaseRow,
  listCases,
  listLog,
  setCreditConsent,
  setStatementShared,
  setStatusAsStaff,
  updateCase,
  updateParticipant,
  updateVulnerability,
} from '../../domain/cases/case.service.js';
import { getCaseDetail } from '../../domain/cases/case-view.js';
import { recordLogEntryOpened } from '../../domain/cases/case-log-openings.js';
import { requireUser } from '../plugins/authentication.js';
import { errors, Id, IdParams, Nullable, Ok, Rendered, Timestamp } from '../schemas.js';
import { inTransaction } from '../transaction.js';

const Text = (max: number, description?: string) => Type.String({ minLength: 1, maxLength: max, ...(description ? { description } : {}) });
const Embargo = Type.Object(
  {
    date: Type.String({ maxLength: 10, description: 'YYYY-MM-DD, the local date in `zone`' }),
    time: Type.String({ maxLength: 5, description: 'HH:MM (24-hour), the local time in `zone`' }),
    zone: Type.String({ maxLength: 64, description: 'An IANA time zone, e.g. Europe/Amsterdam' }),
  },
  { additionalProperties: false },
);
const EmbargoView = Nullable(Type.Object({ endsAt: Timestamp, zone: Type.String(), local: Type.String(), offset: Type.String() }));
const VulnerabilityBody = Type.Object(
  {
    title: Text(CASE_LIMITS.title),
    summary: Type.Optional(Type.String({ maxLength: CASE_LIMITS.summary, description: 'Markdown' })),
    product: Text(CASE_LIMITS.product),
    versions: Type.Optional(Type.Array(Type.String({ maxLength: CASE_LIMITS.version }), { maxItems: CASE_LIMITS.versions })),
    cwe: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 99_999 }))),
    cvssVectors: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: CASE_LIMITS.cvssVectors })),
    candidateId: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'A finding candidate id' }))),
  },
  { additionalProperties: false },
);
const ParticipantBody = Type.Object(
  {
    vendorId: Type.String({ maxLength: 100, description: 'A vendor or coordinator from the vendor directory' }),
    role: Type.Optional(Type.Enum(PARTICIPANT_ROLES)),
    contactId: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'A mail contact of the vendor (default: its preferred one)' }))),
    vulnerabilityIds: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: CASE_LIMITS.vulnerabilities, description: 'Shared with it (default: all)' })),
  },
  { additionalProperties: false },
);
const CreditBody = Type.Object({ kind: Type.Enum(CREDIT_KINDS), name: Text(CASE_LIMITS.creditName), consentToName: Type.Boolean() }, { additionalProperties: false });
const CaseBody = {
  title: Text(CASE_LIMITS.title),
  summary: Type.Optional(Type.String({ maxLength: CASE_LIMITS.summary, description: 'Markdown' })),
  policy: Type.Optional(Type.Enum(POLICY_KEYS)),
  ownerId: Type.Optional(Type.String({ maxLength: 100, description: 'A triager or lead; default: you' })),
  embargo: Type.Optional(Nullable(Embargo)),
  participants: Type.Optional(Type.Array(ParticipantBody, { maxItems: CASE_LIMITS.participants })),
  credits: Type.Optional(Type.Array(CreditBody, { maxItems: CASE_LIMITS.credits })),
};
const CaseSummary = Type.Object({
  id: Id,
  title: Type.String(),
  state: Type.Enum(CASE_STATES),
  policy: Type.String(),
  owner: Nullable(Type.Object({ id: Id, email: Type.String(), name: Type.String() })),
  vulnerabilities: Type.Integer(),
  participants: Type.Integer(),
  acknowledged: Type.Integer(),
  embargo: EmbargoView,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  stateChangedAt: Timestamp,
  ageDays: Type.Integer(),
});
const Action = Type.Object({ kind: Type.String(), participantId: Nullable(Type.String()), due: Timestamp, overdue: Type.Boolean(), condition: Nullable(Type.String()), text: Type.String() });
const Loose = <P extends Parameters<typeof Type.Object>[0]>(description: string, properties: P = {} as P) => Type.Object(properties, { additionalProperties: true, description });
const CaseDetail = Loose('The case: vulnerabilities, participants with statuses and portal links, statements, extensions, credits, decisions and next actions', {
  id: Id,
  ref: Type.String(),
  title: Type.String(),
  summary: Rendered,
  state: Type.String({ description: CASE_STATES.join(', ') }),
  allowedTransitions: Type.Array(Type.Enum(CASE_STATES)),
  embargo: EmbargoView,
  next: Type.Object({ dates: Type.Object({}, { additionalProperties: true }), actions: Type.Array(Action) }),
});
const LogEntry = Type.Object({
  id: Id,
  participantId: Nullable(Type.String()),
  kind: Type.String(),
  channel: Type.String(),
  direction: Type.String(),
  summary: Type.String(),
  body: Nullable(Type.String({ description: 'As received: show as text, never as HTML' })),
  encrypted: Type.Boolean({ description: 'The body holds armoured OpenPGP messages: staff decrypt them in the page (POST …/log/:entryId/openings first)' }),
  data: Type.Object({}, { additionalProperties: true }),
  actor: Type.String(),
  occurredAt: Timestamp,
});
const Notice = Type.Object({
  id: Id,
  participantId: Id,
  kind: Type.String(),
  recipient: Type.String(),
  replyTo: Type.String(),
  subject: Type.String(),
  encryptedTo: Nullable(Type.String()),
  status: Type.String({ description: 'stored, queued, sent or failed' }),
  error: Nullable(Type.String()),
  createdAt: Timestamp,
  sentAt: Nullable(Timestamp),
});
const PolicyValues = Type.Object({
  followUpDays: Type.Integer(),
  attempts: Type.Integer(),
  unreachableDays: Type.Integer(),
  deadlineDays: Nullable(Type.Integer()),
  postFixDays: Nullable(Type.Integer()),
  exploitedDays: Nullable(Type.Integer()),
  warnDays: Type.Integer(),
});
const PortalLink = Type.Object({ id: Id, token: Type.String({ description: 'Shown once' }), url: Type.String(), expiresAt: Timestamp });
const Created = Type.Object({ id: Id });
const NullOrInteger = Type.Union([Type.Integer(), Type.Null()], { description: 'null: back to the shipped default' });
const ParticipantParams = Type.Object({ id: Id, participantId: Type.String({ maxLength: 100 }) });
const WRITE_ERRORS = errors(400, 401, 403, 404, 409);

/** Outbound disclosure cases, for staff (triagers and leads write, auditors read). The vendor portal is portal.routes.ts. */
export async function casesRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['cases'];

  app.get(
    '/cases',
    {
      schema: {
        tags,
        summary: 'Cases, newest first, filtered by state and age',
        querystring: Type.Object({
          state: Type.Optional(Type.Enum([...CASE_STATES, 'open'])),
          minAgeDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 36_500 })),
          maxAgeDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 36_500 })),
          owner: Type.Optional(Type.String({ maxLength: 100 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(CaseSummary), total: Type.Integer() }), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query;
      return listCases(context, context.db, requireUser(request), { state: q.state, minAgeDays: q.minAgeDays, maxAgeDays: q.maxAgeDays, ownerId: q.owner, limit: q.limit, offset: q.offset });
    },
  );

  app.post(
    '/cases',
    {
      schema: {
        tags,
        summary: 'Open a case from scratch (a draft)',
        body: Type.Object({ ...CaseBody, vulnerabilities: Type.Optional(Type.Array(VulnerabilityBody, { maxItems: CASE_LIMITS.vulnerabilities })) }, { additionalProperties: false }),
        response: { 201: Created, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const row = await inTransaction(context, (trx) => createCase(context, trx, actor, request.body));
      return reply.status(201).send({ id: row.id });
    },
  );

  app.post(
    '/cases/from-draft-group',
    {
      schema: {
        tags,
        summary: "Open a case from a findings draft group: the project's approved candidates become its vulnerabilities",
        body: Type.Object({ projectKey: Text(500), ...CaseBody, title: Type.Optional(Text(CASE_LIMITS.title)) }, { additionalProperties: false }),
        response: { 201: Created, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const { projectKey, ...input } = request.body;
      const row = await inTransaction(context, (trx) => createCaseFromDraftGroup(context, trx, actor, projectKey, input));
      return reply.status(201).send({ id: row.id });
    },
  );

  app.get(
    '/cases/policies',
    {
      schema: {
        tags,
        summary: 'The disclosure policies and the organisation’s values for them',
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), description: Type.String(), conditions: Type.Array(Type.String()), defaults: PolicyValues, values: PolicyValues })),
            conditions: Type.Array(Type.String()),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (request) => ({ items: await listPolicies(context.db, requireUser(request)), conditions: [...DISCLOSURE_CONDITIONS] }),
  );

  app.patch(
    '/cases/policies/:key',
    {
      schema: {
        tags,
        summary: "Set the organisation's values for a policy (leads; null: back to the shipped default)",
        params: Type.Object({ key: Type.String({ maxLength: 100 }) }),
        body: Type.Object(
          {
            followUpDays: Type.Optional(NullOrInteger),
            attempts: Type.Optional(NullOrInteger),
            unreachableDays: Type.Optional(NullOrInteger),
            deadlineDays: Type.Optional(NullOrInteger),
            postFixDays: Type.Optional(NullOrInteger),
            exploitedDays: Type.Optional(NullOrInteger),
            warnDays: Type.Optional(NullOrInteger),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: PolicyValues, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, (trx) => changePolicyValues(context, trx, actor, request.params.key, request.body));
    },
  );

  app.get(
    '/cases/dashboard',
    {
      schema: {
        tags,
        summary: 'Open cases by state and age; vendor acknowledgement and fix times (medians); month by month',
        querystring: Type.Object({ months: Type.Optional(Type.Integer({ minimum: 1, maximum: 36 })) }),
        response: { 200: Loose('Dashboard figures'), ...errors(400, 401, 403) },
      },
    },
    async (request) => caseDashboard(context, context.db, requireUser(request), { months: request.query.months }),
  );

  app.post(
    '/cases/calendar-token',
    {
      schema: {
        tags,
        summary: 'Make your iCalendar feed link of case deadlines (replaces the previous one; shown once)',
        response: { 201: Type.Object({ token: Type.String(), url: Type.String() }), ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      return reply.status(201).send(await inTransaction(context, (trx) => issueCalendarToken(context, trx, actor)));
    },
  );

  app.delete(
    '/cases/calendar-token',
    { schema: { tags, summary: 'Revoke your iCalendar feed link', response: { 200: Ok, ...errors(400, 401, 403) } } },
    async (request) => {
      const actor = requireUser(request);
      await inTransaction(context, (trx) => revokeCalendarToken(context, trx, actor));
      return { ok: true as const };
    },
  );

  app.get(
    '/cases/calendar.ics',
    {
      config: { rateLimit: { max: 60, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: 'iCalendar feed (RFC 5545) of the deadlines of your open cases; the token from POST /cases/calendar-token (calendar apps send no cookies)',
        querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 200: Type.String({ description: 'text/calendar' }), ...errors(401, 429) },
      },
    },
    async (request, reply) => {
      const body = await calendarFeed(context, request.query.token);
      return reply.header('content-type', 'text/calendar; charset=utf-8').header('cache-control', 'private, no-store').send(body);
    },
  );

  app.get('/cases/:id', { schema: { tags, summary: 'One case', params: IdParams, response: { 200: CaseDetail, ...errors(401, 403, 404) } } }, async (request) =>
    getCaseDetail(context, context.db, requireUser(request), request.params.id),
  );

  app.patch(
    '/cases/:id',
    {
      schema: {
        tags,
        summary: 'Change title, summary, policy, owner, embargo or known exploitation',
        params: IdParams,
        body: Type.Object(
          {
            title: Type.Optional(Text(CASE_LIMITS.title)),
            summary: Type.Optional(Type.String({ maxLength: CASE_LIMITS.summary })),
            policy: Type.Optional(Type.Enum(POLICY_KEYS)),
            ownerId: Type.Optional(Type.String({ maxLength: 100 })),
            embargo: Type.Optional(Nullable(Embargo)),
            exploitedAt: Type.Optional(Nullable(Type.String({ maxLength: 40, description: 'When credible exploitation in the wild became known' }))),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Ok, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      await inTransaction(context, (trx) => updateCase(context, trx, actor, request.params.id, request.body));
      return { ok: true as const };
    },
  );

  app.get(
    '/cases/:id/log',
    {
      schema: {
        tags,
        summary: 'The contact log: notices, replies, portal actions, status changes, decisions',
        params: IdParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })) }),
        response: { 200: Type.Object({ items: Type.Array(LogEntry) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({ items: await listLog(context.db, requireUser(request), request.params.id, request.query) }),
  );

  app.post(
    '/cases/:id/log/:entryId/openings',
    {
      schema: {
        tags,
        summary: 'Record that you opened (decrypted in your browser) an encrypted contact-log entry; audited as case.log_entry_opened. Nothing secret is sent',
        params: Type.Object({ id: Id, entryId: Type.String({ maxLength: 100 }) }),
        response: { 201: Type.Object({ openedAt: Timestamp }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      return reply.status(201).send(await inTransaction(context, (trx) => recordLogEntryOpened(context, trx, actor, request.params.id, request.params.entryId)));
    },
  );

  app.get('/cases/:id/notices', { schema: { tags, summary: 'Notices sent (without their text)', params: IdParams, response: { 200: Type.Object({ items: Type.Array(Notice) }), ...errors(401, 403, 404) } } }, async (request) => ({
    items: await listNotices(context.db, requireUser(request), request.params.id),
  }));

  app.get('/cases/:id/advisory-facts', { schema: { tags, summary: 'What the case hands to its advisory (publishable facts only)', params: IdParams, response: { 200: Loose('AdvisoryContentInput'), ...errors(401, 403, 404) } } }, async (request) => {
    await getCaseRow(context.db, requireUser(request), request.params.id);
    return caseAdvisoryFacts(context.db, request.params.id);
  });

  app.post(
    '/cases/:id/notes',
    {
      schema: {
        tags,
        summary: 'Add a note to the contact log (e.g. a phone call), optionally about a participant',
        params: IdParams,
        body: Type.Object(
          { text: Text(CASE_LIMITS.message), participantId: Type.Optional(Nullable(Type.String({ maxLength: 100 }))), direction: Type.Optional(Type.Enum(['in', 'out', 'internal'])) },
          { additionalProperties: false },
        ),
        response: { 201: Created, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const id = await inTransaction(context, (trx) => addStaffNote(context, trx, actor, request.params.id, request.body));
      return reply.status(201).send({ id });
    },
  );

  app.post('/cases/:id/vulnerabilities', { schema: { tags, summary: 'Add a vulnerability', params: IdParams, body: VulnerabilityBody, response: { 201: Created, ...WRITE_ERRORS } } }, async (request, reply) => {
    const actor = requireUser(request);
    const row = await inTransaction(context, (trx) => addVulnerability(context, trx, actor, request.params.id, request.body));
    return reply.status(201).send({ id: row.id });
  });

  app.patch(
    '/cases/:id/vulnerabilities/:vulnerabilityId',
    {
      schema: {
        tags,
        summary: 'Change a vulnerability',
        params: Type.Object({ id: Id, vulnerabilityId: Type.String({ maxLength: 100 }) }),
        body: Type.Partial(VulnerabilityBody, { additionalProperties: false, minProperties: 1 }),
        response: { 200: Ok, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      await inTransaction(context, (trx) => updateVulnerability(context, trx, actor, request.params.id, request.params.vulnerabilityId, request.body));
      return { ok: true as const };
    },
  );

  app.post(
    '/cases/:id/vulnerabilities/:vulnerabilityId/cve-facts',
    {
      schema: {
        tags,
        summary: "A vulnerability as CVE facts and the CNA container composed from them (cve-records' composer)",
        params: Type.Object({ id: Id, vulnerabilityId: Type.String({ maxLength: 100 }) }),
        body: Type.Object({ provider: Type.Object({ orgId: Id, shortName: Type.Optional(Type.String({ minLength: 2, maxLength: 32 })) }, { additionalProperties: false }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ facts: Loose('VulnerabilityFacts'), container: Loose('CNA published container') }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => (await caseCveFacts(context.db, requireUser(request), request.params.id, request.params.vulnerabilityId, request.body.provider)) as unknown as { facts: Record<string, unknown>; container: Record<string, unknown> },
  );

  app.post('/cases/:id/participants', { schema: { tags, summary: 'Add a vendor or coordinator from the directory', params: IdParams, body: ParticipantBody, response: { 201: Created, ...WRITE_ERRORS } } }, async (request, reply) => {
    const actor = requireUser(request);
    const row = await inTransaction(context, (trx) => addParticipant(context, trx, actor, request.params.id, request.body));
    return reply.status(201).send({ id: row.id });
  });

  app.patch(
    '/cases/:id/participants/:participantId',
    {
      schema: {
        tags,
        summary: "Choose a participant's mail contact, or what is shared with it",
        params: ParticipantParams,
        body: Type.Object(
          { contactId: Type.Optional(Nullable(Type.String({ maxLength: 100 }))), vulnerabilityIds: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: CASE_LIMITS.vulnerabilities })) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Ok, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      await inTransaction(context, (trx) => updateParticipant(context, trx, actor, request.params.id, request.params.participantId, request.body));
      return { ok: true as const };
    },
  );

  app.put(
    '/cases/:id/participants/:participantId/statuses/:vulnerabilityId',
    {
      schema: {
        tags,
        summary: "Set a participant's status for a vulnerability (no_response: asked and never answered)",
        params: Type.Object({ id: Id, participantId: Type.String({ maxLength: 100 }), vulnerabilityId: Type.String({ maxLength: 100 }) }),
        body: Type.Object({ status: Type.Enum(VULNERABILITY_STATUSES) }, { additionalProperties: false }),
        response: { 200: Ok, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      await inTransaction(context, (trx) => setStatusAsStaff(context, trx, actor, request.params.id, request.params.participantId, request.params.vulnerabilityId, request.body.status));
      return { ok: true as const };
    },
  );

  app.post(
    '/cases/:id/participants/:participantId/acknowledge',
    { schema: { tags, summary: 'Record that a participant acknowledged (e.g. by phone)', params: ParticipantParams, response: { 200: Ok, ...WRITE_ERRORS } } },
    async (request) => {
      const actor = requireUser(request);
      await inTransaction(context, (trx) => acknowledgeAsStaff(context, trx, actor, request.params.id, request.params.participantId));
      return { ok: true as const };
    },
  );

  app.post(
    '/cases/:id/participants/:participantId/notices',
    {
      schema: {
        tags,
        summary: 'Send a notice by mail (encrypted to the vendor key when there is one) with a reply address and a portal link',
        params: ParticipantParams,
        body: Type.Object({ kind: Type.Optional(Type.Enum(NOTICE_KINDS.filter((k) => k !== 'escalation'))), message: Type.Optional(Text(CASE_LIMITS.message)) }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Id, status: Type.String(), encrypted: Type.Boolean() }), ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      return reply.status(201).send(await inTransaction(context, (trx) => sendNotice(context, trx, actor, request.params.id, request.params.participantId, request.body)));
    },
  );

  app.post(
    '/cases/:id/participants/:participantId/messages',
    {
      schema: {
        tags,
        summary: 'Write to a participant: shown in their portal and (by default) mailed as an update notice',
        params: ParticipantParams,
        body: Type.Object({ text: Text(CASE_LIMITS.message), mail: Type.Optional(Type.Boolean({ default: true })) }, { additionalProperties: false }),
        response: { 201: Created, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const id = await inTransaction(context, (trx) => messageParticipant(context, trx, actor, request.params.id, request.params.participantId, request.body.text, { mail: request.body.mail ?? true }));
      return reply.status(201).send({ id });
    },
  );

  app.post(
    '/cases/:id/participants/:participantId/portal-links',
    {
      schema: {
        tags,
        summary: 'Make a portal link for a participant to hand over another way (shown once)',
        params: ParticipantParams,
        body: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })) }, { additionalProperties: false }),
        response: { 201: PortalLink, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const link = await inTransaction(context, (trx) => issuePortalLinkAsStaff(context, trx, actor, request.params.id, request.params.participantId, request.body.days));
      return reply.status(201).send({ id: link.id, token: link.token, url: link.url, expiresAt: link.expiresAt });
    },
  );

  app.delete(
    '/cases/:id/portal-links/:tokenId',
    { schema: { tags, summary: 'Revoke a portal link', params: Type.Object({ id: Id, tokenId: Type.String({ maxLength: 100 }) }), response: { 200: Ok, ...WRITE_ERRORS } } },
    async (request) => {
      const actor = requireUser(request);
      await inTransaction(context, (trx) => revokePortalToken(context, trx, actor, request.params.id, request.params.tokenId));
      return { ok: true as const };
    },
  );

  app.post(
    '/cases/:id/statements',
    {
      schema: {
        tags,
        summary: "The organisation's statement (Markdown); shared: every participant sees it in the portal",
        params: IdParams,
        body: Type.Object({ body: Text(CASE_LIMITS.statement), shared: Type.Boolean(), vulnerabilityId: Type.Optional(Nullable(Type.String({ maxLength: 100 }))) }, { additionalProperties: false }),
        response: { 201: Created, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const id = await inTransaction(context, (trx) => addStaffStatement(context, trx, actor, request.params.id, request.body));
      return reply.status(201).send({ id });
    },
  );

  app.patch(
    '/cases/:id/statements/:statementId',
    {
      schema: {
        tags,
        summary: "Share a statement (a participant's too) with every participant, or stop sharing it",
        params: Type.Object({ id: Id, statementId: Type.String({ maxLength: 100 }) }),
        body: Type.Object({ shared: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: Ok, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      await inTransaction(context, (trx) => setStatementShared(context, trx, actor, request.params.id, request.params.statementId, request.body.shared));
      return { ok: true as const };
    },
  );

  app.post(
    '/cases/:id/escalations',
    {
      schema: {
        tags,
        summary: 'Escalate to a coordinator: it joins the case and gets the case, the contact attempts and the vendor’s silence',
        params: IdParams,
        body: Type.Object({ participantId: Type.String({ maxLength: 100, description: 'The silent vendor' }), coordinatorId: Type.String({ maxLength: 100, description: 'A coordinator from the vendor directory' }), message: Type.Optional(Text(CASE_LIMITS.message)) }, { additionalProperties: false }),
        response: {
          201: Type.Object({
            coordinatorParticipantId: Id,
            noticeId: Nullable(Id),
            handOver: Nullable(
              Type.Object(
                { channel: Nullable(Type.Object({ kind: Type.String(), value: Type.String() })), text: Type.String({ description: 'The package, to submit on the channel by hand' }) },
                { description: 'When the coordinator has no mail contact (a web form only): the package to submit there' },
              ),
            ),
          }),
          ...WRITE_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      return reply.status(201).send(await inTransaction(context, (trx) => escalateCase(context, trx, actor, request.params.id, request.body)));
    },
  );

  app.post(
    '/cases/:id/decisions',
    {
      schema: {
        tags,
        summary: 'Record a disclosure decision: a condition the case’s policy allows, with the evidence',
        params: IdParams,
        body: Type.Object({ condition: Type.Enum(DISCLOSURE_CONDITIONS), evidence: Text(CASE_LIMITS.evidence), discloseAt: Type.Optional(Nullable(Type.String({ maxLength: 40 }))) }, { additionalProperties: false }),
        response: { 201: Loose('The decision'), ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      return reply.status(201).send(await inTransaction(context, (trx) => recordDecision(context, trx, actor, request.params.id, request.body)));
    },
  );

  app.post(
    '/cases/:id/extensions/:requestId',
    {
      schema: {
        tags,
        summary: 'Accept or decline a participant’s request for more time',
        params: Type.Object({ id: Id, requestId: Type.String({ maxLength: 100 }) }),
        body: Type.Object({ accept: Type.Boolean(), note: Type.Optional(Text(CASE_LIMITS.reason)) }, { additionalProperties: false }),
        response: { 200: Type.Object({ id: Id, state: Type.String() }), ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, (trx) => decideExtension(context, trx, actor, request.params.id, request.params.requestId, request.body));
    },
  );

  app.post(
    '/cases/:id/transitions',
    {
      schema: {
        tags,
        summary: 'Move the case: coordinating, disclosed (needs a decision; prepares the draft advisory) or closed (needs a reason)',
        params: IdParams,
        body: Type.Object({ to: Type.Enum(CASE_STATES), reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ state: Type.String(), advisoryId: Nullable(Type.String()) }), ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, (trx) => transitionCase(context, trx, actor, request.params.id, request.body.to, request.body.reason ?? ''));
    },
  );

  app.post('/cases/:id/credits', { schema: { tags, summary: 'Credit a team, a person or an automated system (named only with consent)', params: IdParams, body: CreditBody, response: { 201: Ok, ...WRITE_ERRORS } } }, async (request, reply) => {
    const actor = requireUser(request);
    await inTransaction(context, (trx) => addCredit(context, trx, actor, request.params.id, request.body));
    return reply.status(201).send({ ok: true as const });
  });

  app.patch(
    '/cases/:id/credits/:creditId',
    {
      schema: {
        tags,
        summary: 'Record consent to be named (or its withdrawal)',
        params: Type.Object({ id: Id, creditId: Type.String({ maxLength: 100 }) }),
        body: Type.Object({ consentToName: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: Ok, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      await inTransaction(context, (trx) => setCreditConsent(context, trx, actor, request.params.id, request.params.creditId, request.body.consentToName));
      return { ok: true as const };
    },
  );
}
