import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { getVisibleProgram } from '../../domain/programs/program.service.js';
import { BULK_MAX, bulkUpdate } from '../../domain/reports/report-bulk.js';
import { editDisclosure, findDisclosure, listPublicDisclosures, publicDisclosure, requestDisclosure, type DisclosureRow } from '../../domain/reports/report-disclosure.js';
import { answerRetest, requestRetest } from '../../domain/reports/report-retest.js';
import { slaDashboard } from '../../domain/reports/report-sla.js';
import { canReadAllReports } from '../../domain/reports/report.policy.js';
import { getReportRow } from '../../domain/reports/report.service.js';
import { REPORT_LIMITS } from '../../domain/reports/report.js';
import { forbidden } from '../../shared/errors.js';
import { requireUser } from '../plugins/authentication.js';
import { errors, Id, IdParams, Nullable, Rendered } from '../schemas.js';
import { inTransaction } from '../transaction.js';

const Disclosure = Type.Object({
  reportId: Id,
  requestedAt: Type.String(),
  requestedBy: Type.Enum(['reporter', 'staff']),
  reporterAgreedAt: Nullable(Type.String()),
  staffAgreedAt: Nullable(Type.String()),
  dueAt: Nullable(Type.String()),
  level: Type.Enum(['full', 'limited']),
  title: Type.String(),
  summary: Type.String(),
  description: Nullable(Type.String()),
  steps: Nullable(Type.String()),
  impact: Nullable(Type.String()),
  publishedAt: Nullable(Type.String()),
  timelineRedactions: Type.Record(Type.String(), Nullable(Type.String())),
});
const presentDisclosure = (row: DisclosureRow) => ({
  reportId: row.report_id,
  requestedAt: row.requested_at,
  requestedBy: row.requested_by,
  reporterAgreedAt: row.reporter_agreed_at,
  staffAgreedAt: row.staff_agreed_at,
  dueAt: row.due_at,
  level: row.level,
  title: row.title,
  summary: row.summary,
  description: row.description,
  steps: row.steps,
  impact: row.impact,
  publishedAt: row.published_at,
  timelineRedactions: row.timeline_redactions ? (JSON.parse(row.timeline_redactions) as Record<string, string | null>) : {},
});
const Ack = Type.Object({ id: Id, state: Type.String(), retestState: Nullable(Type.String()) });
const HoursStat = Type.Object({ median: Nullable(Type.Number()), p90: Nullable(Type.Number()) });

/** Retests, disclosure, bulk triage, the SLA dashboard and the public list of disclosed reports. */
export async function reportWorkflowRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/reports/:id/retest',
    {
      schema: {
        tags: ['reports'],
        summary: 'Ask the reporter to retest a resolved report (staff)',
        params: IdParams,
        body: Type.Object({ note: Type.Optional(Type.String({ maxLength: REPORT_LIMITS.comment })) }, { additionalProperties: false }),
        response: { 200: Ack, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const report = await inTransaction(context, (trx) => requestRetest(context, trx, actor, request.params.id, request.body.note));
      return { id: report.id, state: report.state, retestState: report.retest_state };
    },
  );

  app.post(
    '/reports/:id/retest/answer',
    {
      schema: {
        tags: ['reports'],
        summary: "The reporter's retest verdict; `incomplete` reopens the report",
        params: IdParams,
        body: Type.Object({ outcome: Type.Enum(['fixed', 'incomplete']), note: Type.Optional(Type.String({ maxLength: REPORT_LIMITS.comment })) }, { additionalProperties: false }),
        response: { 200: Ack, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const report = await inTransaction(context, (trx) => answerRetest(context, trx, actor, request.params.id, request.body.outcome, request.body.note));
      return { id: report.id, state: report.state, retestState: report.retest_state };
    },
  );

  app.get(
    '/reports/:id/disclosure',
    { schema: { tags: ['disclosure'], summary: "The report's disclosure request, if any", params: IdParams, response: { 200: Nullable(Disclosure), ...errors(400, 401, 403, 404) } } },
    async (request) => {
      const actor = requireUser(request);
      await getReportRow(context.db, actor, request.params.id);
      const row = await findDisclosure(context.db, request.params.id);
      return row ? presentDisclosure(row) : null;
    },
  );

  app.post(
    '/reports/:id/disclosure',
    {
      schema: {
        tags: ['disclosure'],
        summary: 'Ask to disclose a resolved report, or agree to the other side asking',
        params: IdParams,
        response: { 200: Disclosure, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return presentDisclosure(await inTransaction(context, (trx) => requestDisclosure(context, trx, actor, request.params.id)));
    },
  );

  app.patch(
    '/reports/:id/disclosure',
    {
      schema: {
        tags: ['disclosure'],
        summary: 'Write the public summary and redact the text before publishing (staff)',
        params: IdParams,
        body: Type.Object(
          {
            title: Type.Optional(Type.String({ minLength: 1, maxLength: REPORT_LIMITS.title })),
            summary: Type.Optional(Type.String({ maxLength: REPORT_LIMITS.text })),
            level: Type.Optional(Type.Enum(['full', 'limited'])),
            description: Type.Optional(Nullable(Type.String({ maxLength: REPORT_LIMITS.text }))),
            steps: Type.Optional(Nullable(Type.String({ maxLength: REPORT_LIMITS.text }))),
            impact: Type.Optional(Nullable(Type.String({ maxLength: REPORT_LIMITS.impact }))),
            timelineRedactions: Type.Optional(
              Type.Record(Type.String({ format: 'uuid' }), Nullable(Type.String({ maxLength: REPORT_LIMITS.comment })), {
                description: 'Per public timeline entry: replacement text, or null to publish the entry without its text',
                maxProperties: 1000,
              }),
            ),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Disclosure, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return presentDisclosure(await inTransaction(context, (trx) => editDisclosure(context, trx, actor, request.params.id, request.body)));
    },
  );

  app.post(
    '/reports/bulk',
    {
      schema: {
        tags: ['reports'],
        summary: 'Assign, add or remove labels on, or close as spam many reports at once (all or nothing)',
        body: Type.Object(
          {
            ids: Type.Array(Id, { minItems: 1, maxItems: BULK_MAX }),
            action: Type.Enum(['assign', 'label', 'spam']),
            assigneeId: Type.Optional(Nullable(Id)),
            add: Type.Optional(
              Type.Array(Type.String({ maxLength: REPORT_LIMITS.label }), {
                maxItems: REPORT_LIMITS.labels,
                description: `For label: labels each report gets (its others are kept; at most ${REPORT_LIMITS.labels} on a report)`,
              }),
            ),
            remove: Type.Optional(Type.Array(Type.String({ maxLength: REPORT_LIMITS.label }), { maxItems: REPORT_LIMITS.labels, description: 'For label: labels taken off each report that has them' })),
            reason: Type.Optional(Type.String({ minLength: 1, maxLength: REPORT_LIMITS.reason, description: 'For spam: the close reason the reporters read' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ updated: Type.Integer({ description: 'Reports changed (for label, those whose labels changed)' }) }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { ids, action, assigneeId, add, remove, reason } = request.body;
      const bulk =
        action === 'assign'
          ? { action, assigneeId: assigneeId ?? null }
          : action === 'label'
            ? { action, add: add ?? [], remove: remove ?? [] }
            : { action, reason: reason ?? 'Spam' };
      return { updated: await inTransaction(context, (trx) => bulkUpdate(context, trx, actor, ids, bulk)) };
    },
  );

  app.get(
    '/programs/:slug/sla',
    {
      schema: {
        tags: ['programs'],
        summary: 'Response times per month (median, 90th percentile), breaches and open backlog (staff)',
        params: Type.Object({ slug: Type.String({ minLength: 1, maxLength: 63 }) }),
        querystring: Type.Object({ months: Type.Optional(Type.Integer({ minimum: 1, maximum: 36 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            months: Type.Array(
              Type.Object({
                month: Type.String(),
                submitted: Type.Integer(),
                firstResponseHours: HoursStat,
                triageHours: HoursStat,
                bountyHours: HoursStat,
                resolutionHours: HoursStat,
                breaches: Type.Integer(),
                openAtEnd: Type.Integer(),
              }),
            ),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      if (!canReadAllReports(actor)) throw forbidden('Only staff see response-time figures');
      const program = await getVisibleProgram(context.db, actor, request.params.slug);
      return { months: await slaDashboard(context.db, program, request.query.months ?? 12, context.clock.now()) };
    },
  );

  const PublicItem = Type.Object({ id: Id, title: Type.String(), severity: Type.String(), disclosedAt: Type.String(), program: Type.Object({ slug: Type.String(), name: Type.String() }) });
  app.get(
    '/disclosed',
    {
      schema: {
        tags: ['disclosure'],
        summary: 'Disclosed reports of public programmes, newest first (public)',
        querystring: Type.Object(
          { program: Type.Optional(Type.String({ maxLength: 63 })), before: Type.Optional(Type.String({ format: 'date-time' })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(PublicItem) }), ...errors(400) },
      },
    },
    async (request) => ({ items: await listPublicDisclosures(context.db, { ...request.query, limit: request.query.limit ?? 50 }) }),
  );

  app.get(
    '/disclosed/:id',
    {
      schema: {
        tags: ['disclosure'],
        summary: 'One disclosed report with its public timeline (internal notes never)',
        params: IdParams,
        response: {
          200: Type.Object({
            id: Id,
            program: Type.Object({ slug: Type.String(), name: Type.String() }),
            title: Type.String(),
            level: Type.Enum(['full', 'limited']),
            summary: Rendered,
            description: Nullable(Rendered),
            steps: Nullable(Rendered),
            impact: Nullable(Rendered),
            severity: Type.String(),
            score: Nullable(Type.Number()),
            cwe: Nullable(Type.Integer()),
            submittedAt: Type.String(),
            resolvedAt: Nullable(Type.String()),
            disclosedAt: Type.String(),
            timeline: Type.Array(Type.Object({ kind: Type.String(), createdAt: Type.String(), body: Nullable(Rendered), data: Type.Unknown() })),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (request) => publicDisclosure(context.db, request.params.id),
  );
}
