import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_LIMITS } from '../../domain/webhooks/webhook.js';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, sendTestPing, updateWebhook } from '../../domain/webhooks/webhook.service.js';
import { requireUser } from '../plugins/authentication.js';
import { errors, Id, IdParams, Nullable } from '../schemas.js';
import { inTransaction } from '../transaction.js';

const EventType = Type.Enum(WEBHOOK_EVENT_TYPES);
const Name = Type.String({ minLength: 1, maxLength: WEBHOOK_LIMITS.name });
const Url = Type.String({ minLength: 1, maxLength: WEBHOOK_LIMITS.url, description: 'https:// (http and private addresses only with WEBHOOK_ALLOW_PRIVATE)' });
const Events = Type.Array(EventType, { minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length, uniqueItems: true });

const Webhook = Type.Object({
  id: Id,
  name: Type.String(),
  url: Type.String(),
  events: Type.Array(EventType),
  active: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const WithSecret = Type.Intersect([Webhook, Type.Object({ secret: Type.String({ description: 'The signing secret: shown only now' }) })]);

const Delivery = Type.Object({
  id: Id,
  eventId: Type.String(),
  eventType: Type.String(),
  state: Type.Enum(['pending', 'failed', 'delivered', 'dead', 'skipped']),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  lastStatus: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  deliveredAt: Nullable(Type.String()),
  payload: Type.Unknown(),
  log: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      startedAt: Type.String(),
      durationMs: Type.Integer(),
      responseStatus: Nullable(Type.Integer()),
      responseBody: Nullable(Type.String()),
      error: Nullable(Type.String()),
    }),
  ),
});

/** Webhook endpoints and their delivery logs (leads only). */
export async function webhooksRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/webhooks', { schema: { tags: ['webhooks'], summary: 'Webhook endpoints (leads)', response: { 200: Type.Object({ items: Type.Array(Webhook) }), ...errors(401, 403) } } }, async (request) => {
    return { items: await listWebhooks(context.db, requireUser(request)) };
  });

  app.post(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Register an endpoint; the signing secret is in this answer only',
        body: Type.Object({ name: Name, url: Url, events: Events, active: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 201: WithSecret, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      return reply.status(201).send(await inTransaction(context, (trx) => createWebhook(context, trx, actor, request.body)));
    },
  );

  app.patch(
    '/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Change an endpoint; rotateSecret returns a new secret once',
        params: IdParams,
        body: Type.Object(
          { name: Type.Optional(Name), url: Type.Optional(Url), events: Type.Optional(Events), active: Type.Optional(Type.Boolean()), rotateSecret: Type.Optional(Type.Literal(true)) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Type.Intersect([Webhook, Type.Object({ secret: Type.Optional(Type.String()) })]), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, (trx) => updateWebhook(context, trx, actor, request.params.id, request.body));
    },
  );

  app.delete(
    '/webhooks/:id',
    { schema: { tags: ['webhooks'], summary: 'Remove an endpoint and its delivery log', params: IdParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404) } } },
    async (request, reply) => {
      const actor = requireUser(request);
      await inTransaction(context, (trx) => deleteWebhook(context, trx, actor, request.params.id));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: "An endpoint's deliveries, newest first, each with its attempts (status, ≤ 2 KB of the answer, duration)",
        params: IdParams,
        querystring: Type.Object({ after: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Delivery), next: Nullable(Type.String()) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      return listDeliveries(context.db, requireUser(request), request.params.id, { after: request.query.after, limit: request.query.limit ?? 50 });
    },
  );

  app.post(
    '/webhooks/:id/test',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a ping event to this endpoint now (queued like every delivery; see its deliveries)',
        params: IdParams,
        response: { 202: Type.Object({ deliveryId: Id, eventId: Id }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      return reply.status(202).send(await inTransaction(context, (trx) => sendTestPing(context, trx, actor, request.params.id)));
    },
  );
}
