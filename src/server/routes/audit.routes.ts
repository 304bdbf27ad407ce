import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { assertCanExportAudit } from '../../domain/audit/audit.policy.js';
import { streamAuditEvents } from '../../domain/audit/audit.repository.js';
import { listAuditEvents, presentAuditEvent, recordAudit, verifyAuditChain } from '../../domain/audit/audit.service.js';
import { requireUser } from '../plugins/authentication.js';
import { errors } from '../schemas.js';
import { inTransaction } from '../transaction.js';

const AuditEvent = Type.Object({
  seq: Type.Integer(),
  id: Type.String(),
  occurredAt: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorLabel: Type.String(),
  action: Type.String(),
  objectType: Type.String(),
  objectId: Type.Union([Type.String(), Type.Null()]),
  data: Type.Unknown(),
  ip: Type.Union([Type.String(), Type.Null()]),
  prevHash: Type.String(),
  hash: Type.String(),
});

/** Browsing (staff), verifying and exporting (auditors, leads) the hash-chained audit log. */
export async function auditRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit events, newest first, with filters and keyset pagination',
        querystring: Type.Object(
          {
            action: Type.Optional(Type.String({ maxLength: 100 })),
            actorId: Type.Optional(Type.String({ maxLength: 100 })),
            objectType: Type.Optional(Type.String({ maxLength: 100 })),
            objectId: Type.Optional(Type.String({ maxLength: 200 })),
            before: Type.Optional(Type.Integer({ minimum: 1 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(AuditEvent), nextBefore: Type.Union([Type.Integer(), Type.Null()]) }), ...errors(400, 401, 403) },
      },
    },
    async (request) => listAuditEvents(context.db, requireUser(request), { ...request.query, limit: request.query.limit ?? 100 }),
  );

  app.get(
    '/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Walk the hash chain and name the first event that was changed, removed or inserted',
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            checked: Type.Integer(),
            firstBad: Type.Union([Type.Object({ seq: Type.Integer(), id: Type.String(), reason: Type.String() }), Type.Null()]),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (request) => {
      assertCanExportAudit(requireUser(request));
      return verifyAuditChain(context.db);
    },
  );

  app.get(
    '/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary: 'The whole log as JSON lines (a download), oldest first',
        produces: ['application/x-ndjson'],
        response: { 200: Type.String({ description: 'One audit event per line' }), ...errors(401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      assertCanExportAudit(actor);
      // The export itself is an event: who took a copy of the log, and when.
      await inTransaction(context, (trx) => recordAudit(context, trx, actor, { action: 'audit.exported', objectType: 'audit_log' }));
      reply.header('content-type', 'application/x-ndjson; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="cvdesk-audit.jsonl"');
      async function* lines() {
        for await (const row of streamAuditEvents(context.db)) yield `${JSON.stringify(presentAuditEvent(row))}\n`;
      }
      return reply.send(Readable.from(lines()) as unknown as string);
    },
  );
}
