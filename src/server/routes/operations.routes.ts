import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { recordAudit } from '../../domain/audit/audit.service.js';
import { hasRole, type Actor } from '../../domain/auth/actor.js';
import { listOutbox, readOutboxMessage } from '../../domain/mail/mail.service.js';
import { forbidden } from '../../shared/errors.js';
import { requireUser } from '../plugins/authentication.js';
import { IdParams, errors } from '../schemas.js';
import { inTransaction } from '../transaction.js';

/** Only leads see the mail outbox (it holds sign-in links) and run the job queue. */
function assertOperator(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (!hasRole(actor, 'lead')) throw forbidden('Only leads may see the outbox and the job queue');
}

const OutboxItem = Type.Object({
  id: Type.String(),
  recipient: Type.String(),
  subject: Type.String(),
  status: Type.String(),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  sentAt: Type.Union([Type.String(), Type.Null()]),
});

const JobItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  state: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('dead')]),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  runAt: Type.String(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});

export async function operationsRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/outbox',
    {
      schema: {
        tags: ['admin'],
        summary: 'Mail kept or sent by cvdesk, newest first',
        querystring: Type.Object({ before: Type.Optional(Type.String({ maxLength: 40 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(OutboxItem) }), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      assertOperator(requireUser(request));
      const items = await listOutbox(context.db, { limit: request.query.limit ?? 50, before: request.query.before });
      return { items };
    },
  );

  app.get(
    '/outbox/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'One message, decrypted (reading it is audited)',
        params: IdParams,
        response: { 200: Type.Intersect([OutboxItem, Type.Object({ text: Type.String() })]), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      assertOperator(actor);
      return inTransaction(context, async (trx) => {
        const message = await readOutboxMessage(context, trx, request.params.id);
        await recordAudit(context, trx, actor, { action: 'mail.read', objectType: 'mail', objectId: request.params.id });
        return message;
      });
    },
  );

  app.get(
    '/jobs',
    {
      schema: {
        tags: ['admin'],
        summary: 'Background jobs, including dead-lettered ones',
        querystring: Type.Object(
          {
            state: Type.Optional(Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('dead')])),
            name: Type.Optional(Type.String({ maxLength: 100 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(JobItem) }), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      assertOperator(requireUser(request));
      const jobs = await context.jobs.list({ ...request.query, limit: request.query.limit ?? 100 });
      return { items: jobs.map(({ payload: _payload, ...job }) => job) };
    },
  );

  app.post(
    '/jobs/:id/retry',
    { schema: { tags: ['admin'], summary: 'Put a dead job back in the queue', params: IdParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 409) } } },
    async (request, reply) => {
      const actor = requireUser(request);
      assertOperator(actor);
      await context.jobs.retry(request.params.id);
      await inTransaction(context, (trx) => recordAudit(context, trx, actor, { action: 'job.retried', objectType: 'job', objectId: request.params.id }));
      return reply.status(204).send(null);
    },
  );
}
