import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { getVisibleProgram } from '../../domain/programs/program.service.js';
import { suggestDuplicates } from '../../domain/reports/report-duplicates.js';
import { processReportIntake } from '../../domain/reports/report-intake.js';
import { INBOX_SORTS, MAX_QUERY_WORDS, listReports } from '../../domain/reports/report-inbox.js';
import { SLA_METRICS } from '../../domain/reports/report-sla.js';
import { REPORT_STATES } from '../../domain/reports/report-state.js';
import { addComment, getReportRow, reportTimeline, submitReport, transitionReport, updateTriage, viewReport } from '../../domain/reports/report.service.js';
import { REPORT_LIMITS, presentEvent } from '../../domain/reports/report.js';
import { canReadAllReports } from '../../domain/reports/report.policy.js';
import { forbidden, invalid } from '../../shared/errors.js';
import { perAccountLimit } from '../rate-limits.js';
import { requireUser } from '../plugins/authentication.js';
import { Attachment } from './attachments.routes.js';
import { errors, Id, IdParams, Nullable, Rendered } from '../schemas.js';
import { inGroupCommit, inTransaction } from '../transaction.js';

const SEVERITY = Type.Enum(['none', 'low', 'medium', 'high', 'critical', 'unknown']);
const PRIORITY = Type.Enum(['P1', 'P2', 'P3', 'P4', 'P5']);
const STATE = Type.Enum(REPORT_STATES);
const CvssVector = Type.String({ minLength: 1, maxLength: 300 });

const Report = Type.Object({
  id: Id,
  programId: Id,
  reporterId: Id,
  title: Type.String(),
  description: Rendered,
  steps: Rendered,
  impact: Rendered,
  asset: Nullable(
    Type.Object({
      id: Nullable(Type.String()),
      identifier: Type.String(),
      kind: Type.String(),
      tier: Nullable(Type.Integer()),
      inScope: Type.Boolean(),
      reportedAs: Nullable(Type.String({ description: 'What the reporter named as "other", kept when the report is filed against a scope asset' })),
    }),
  ),
  cwe: Nullable(Type.Integer()),
  cvss: Type.Array(Type.Object({ vector: Type.String(), version: Type.Enum(['3.0', '3.1', '4.0']), score: Type.Number(), severity: Type.String() })),
  severity: SEVERITY,
  score: Nullable(Type.Number()),
  state: STATE,
  outOfScope: Nullable(Type.String()),
  policyVersion: Type.Integer(),
  duplicateOf: Nullable(Type.String()),
  closeReason: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  firstResponseAt: Nullable(Type.String()),
  triagedAt: Nullable(Type.String()),
  resolvedAt: Nullable(Type.String()),
  priority: Type.Optional(PRIORITY),
  assigneeId: Type.Optional(Nullable(Type.String())),
  labels: Type.Optional(Type.Array(Type.String())),
  allowedTransitions: Type.Optional(Type.Array(STATE)),
  attachments: Type.Optional(Type.Array(Attachment)),
  sla: Type.Optional(
    Type.Array(Type.Object({ metric: Type.Enum(SLA_METRICS), dueAt: Type.String(), metAt: Nullable(Type.String()), state: Type.Enum(['met', 'missed', 'pending', 'breached', 'void']) })),
  ),
  retestState: Type.Optional(Nullable(Type.Enum(['requested', 'confirmed', 'incomplete']))),
});

const Event = Type.Object({
  id: Id,
  kind: Type.String(),
  internal: Type.Boolean(),
  authorId: Nullable(Type.String()),
  authorLabel: Type.String(),
  body: Nullable(Rendered),
  data: Type.Unknown(),
  createdAt: Type.String(),
});

const InboxItem = Type.Object({
  id: Id,
  programId: Id,
  reporterId: Id,
  reporterName: Type.String(),
  title: Type.String(),
  state: STATE,
  severity: SEVERITY,
  score: Nullable(Type.Number()),
  outOfScope: Type.Boolean(),
  slaBreached: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  priority: Type.Optional(PRIORITY),
  assigneeId: Type.Optional(Nullable(Type.String())),
  labels: Type.Optional(Type.Array(Type.String())),
});

const csv = (value: string | undefined) => (value ? value.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

/** Inbound reports: submission, the inbox, one report with its timeline, triage, duplicates. */
export async function reportsRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const submissionLimit = perAccountLimit(context.config.submissionRateLimitPerMinute);

  app.post(
    '/reports',
    {
      config: submissionLimit,
      schema: {
        tags: ['reports'],
        summary: 'Submit a report to a programme',
        body: Type.Object(
          {
            program: Type.String({ minLength: 1, maxLength: 63, description: 'Programme slug or id' }),
            title: Type.String({ minLength: 1, maxLength: REPORT_LIMITS.title }),
            description: Type.String({ minLength: 1, maxLength: REPORT_LIMITS.text }),
            steps: Type.Optional(Type.String({ maxLength: REPORT_LIMITS.text })),
            impact: Type.Optional(Type.String({ maxLength: REPORT_LIMITS.impact })),
            asset: Type.Optional(Id),
            assetOther: Type.Optional(Type.String({ minLength: 1, maxLength: REPORT_LIMITS.assetOther })),
            category: Type.Optional(
              Type.String({
                format: 'uuid',
                description:
                  "An out-of-scope category: the id of one of the programme's exclusions (GET /api/v1/programs/:slug → exclusions[].id). The report is accepted but flagged out of scope, with the category's redirect",
              }),
            ),
            cwe: Type.Optional(Type.Integer({ minimum: 1, maximum: 99_999, description: 'The weakness as a CWE number, an integer: 79, not "CWE-79" (the list: GET /api/v1/cwe)' })),
            cvss: Type.Optional(Type.Array(CvssVector, { maxItems: 2 })),
            policyVersion: Type.Optional(
              Type.Integer({
                minimum: 1,
                description: "The policy version the reporter read (GET /api/v1/programs/:slug → policy.version); 409 conflict if the programme's policy has changed since. Without it, the current version is recorded",
              }),
            ),
            attachments: Type.Optional(Type.Array(Id, { maxItems: 100, description: 'Ids from POST /api/v1/attachments' })),
            collaborators: Type.Optional(
              Type.Array(
                Type.Object(
                  { account: Type.String({ minLength: 1, maxLength: 254, description: 'Email or account id' }), share: Type.Integer({ minimum: 1, maximum: 99, description: 'Percent of rewards' }) },
                  { additionalProperties: false },
                ),
                { maxItems: 5, description: 'People who worked on the report; the submitter keeps 100% minus their shares (at least 1%)' },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: Report, ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const view = await inGroupCommit(context, async (trx) => viewReport(context, trx, actor, await submitReport(context, trx, actor, request.body)));
      await processReportIntake(context);
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/reports',
    {
      schema: {
        tags: ['reports'],
        summary: 'The inbox (staff: every report; reporters: their own), newest first unless sorted otherwise, keyset pages',
        querystring: Type.Object(
          {
            program: Type.Optional(Type.String({ maxLength: 63 })),
            state: Type.Optional(Type.String({ maxLength: 200, description: 'Comma-separated states' })),
            severity: Type.Optional(Type.String({ maxLength: 100, description: 'Comma-separated severities' })),
            assignee: Type.Optional(Type.String({ maxLength: 40, description: 'Account id, or "none"' })),
            asset: Type.Optional(Id),
            createdAfter: Type.Optional(Type.String({ format: 'date-time' })),
            createdBefore: Type.Optional(Type.String({ format: 'date-time' })),
            q: Type.Optional(Type.String({ maxLength: 200, description: `Words that must all be in the report (whole words, any case; at most ${MAX_QUERY_WORDS})` })),
            sort: Type.Optional(
              Type.Enum(INBOX_SORTS, {
                description: 'newest, oldest (received); severity (CVSS score, highest first); priority (P1 first); sla (next response target due, soonest first); updated (last change first)',
              }),
            ),
            slaBreached: Type.Optional(Type.Boolean({ description: 'Only reports with an overdue response target' })),
            after: Type.Optional(Type.String({ maxLength: 200 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(InboxItem), next: Nullable(Type.String()) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const q = request.query;
      const states = csv(q.state);
      for (const state of states ?? []) if (!(REPORT_STATES as readonly string[]).includes(state)) throw invalidQuery('state', `unknown state "${state}"`);
      const severities = csv(q.severity);
      for (const severity of severities ?? []) if (!['none', 'low', 'medium', 'high', 'critical', 'unknown'].includes(severity)) throw invalidQuery('severity', `unknown severity "${severity}"`);
      const programId = q.program ? (await getVisibleProgram(context.db, actor, q.program)).id : undefined;
      if (q.q) await processReportIntake(context);
      return listReports(context.db, actor, {
        programId,
        states: states as never,
        severities: severities as never,
        assignee: q.assignee,
        assetId: q.asset,
        createdAfter: q.createdAfter,
        createdBefore: q.createdBefore,
        q: q.q,
        sort: q.sort,
        slaBreached: q.slaBreached,
        after: q.after,
        limit: q.limit ?? 50,
        now: context.clock.now(),
      });
    },
  );

  app.get('/reports/:id', { schema: { tags: ['reports'], summary: 'One report (404 for anyone who may not see it)', params: IdParams, response: { 200: Report, ...errors(400, 401, 403, 404) } } }, async (request) => {
    const actor = requireUser(request);
    return viewReport(context, context.db, actor, await getReportRow(context.db, actor, request.params.id));
  });

  app.get(
    '/reports/:id/timeline',
    {
      schema: {
        tags: ['reports'],
        summary: "The report's activity, oldest first, in pages; internal notes only for staff; reporters see authors as roles, not addresses",
        params: IdParams,
        querystring: Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Event), next: Nullable(Type.Integer({ description: 'Pass as `after` for the next page' })) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return reportTimeline(context.db, actor, await getReportRow(context.db, actor, request.params.id), { afterSeq: request.query.after, limit: request.query.limit ?? 200 });
    },
  );

  app.post(
    '/reports/:id/transitions',
    {
      schema: {
        tags: ['reports'],
        summary: 'Move a report to another state; 409 lists the allowed ones in details',
        params: IdParams,
        body: Type.Object({ to: STATE, reason: Type.Optional(Type.String({ maxLength: REPORT_LIMITS.reason })), duplicateOf: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: Report, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, async (trx) => viewReport(context, trx, actor, await transitionReport(context, trx, actor, request.params.id, request.body)));
    },
  );

  app.post(
    '/reports/:id/comments',
    {
      config: submissionLimit,
      schema: {
        tags: ['reports'],
        summary: 'Reply (visible to the reporter) or add an internal note (staff only)',
        params: IdParams,
        body: Type.Object({ body: Type.String({ minLength: 1, maxLength: REPORT_LIMITS.comment }), internal: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 201: Event, ...errors(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const event = await inTransaction(context, (trx) => addComment(context, trx, actor, request.params.id, { body: request.body.body, internal: request.body.internal ?? false }));
      return reply.status(201).send(presentEvent(event));
    },
  );

  app.patch(
    '/reports/:id',
    {
      schema: {
        tags: ['reports'],
        summary: 'Triage fields: assignee, priority, labels, CVSS vectors, CWE, asset',
        params: IdParams,
        body: Type.Object(
          {
            assigneeId: Type.Optional(Nullable(Id)),
            priority: Type.Optional(PRIORITY),
            labels: Type.Optional(Type.Array(Type.String({ maxLength: REPORT_LIMITS.label }), { maxItems: REPORT_LIMITS.labels })),
            cvss: Type.Optional(Type.Array(CvssVector, { maxItems: 2 })),
            cwe: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 99_999, description: 'A weakness in the CWE list (GET /api/v1/cwe)' }))),
            assetId: Type.Optional(Id),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Report, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, async (trx) => viewReport(context, trx, actor, await updateTriage(context, trx, actor, request.params.id, request.body)));
    },
  );

  app.get(
    '/reports/:id/duplicates',
    {
      schema: {
        tags: ['reports'],
        summary: 'The 5 likeliest earlier reports this one duplicates, with reasons (staff)',
        params: IdParams,
        response: {
          200: Type.Array(Type.Object({ id: Id, title: Type.String(), state: Type.String(), createdAt: Type.String(), score: Type.Number(), reasons: Type.Array(Type.String()) })),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const report = await getReportRow(context.db, actor, request.params.id);
      if (!canReadAllReports(actor)) throw forbidden('Only staff see duplicate suggestions');
      await processReportIntake(context);
      return suggestDuplicates(context.db, report);
    },
  );
}

function invalidQuery(field: string, message: string) {
  return invalid(`querystring:/${field}`, message);
}
