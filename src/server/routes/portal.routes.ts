import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { CASE_LIMITS, PORTAL_STATUSES } from '../../domain/cases/case.js';
import { openPortal, portalAcknowledge, portalMessage, portalRequestExtension, portalSetStatus, portalStatement, portalView } from '../../domain/cases/case-portal.js';
import { errors, Id, Nullable, Ok, Rendered, Timestamp } from '../schemas.js';

/**
 * The vendor portal's API: no account, the participant's token in `X-Portal-Token` (the SPA page
 * /portal/:token reads it from the link once). Wrong tokens are limited per address here and
 * across the process in case-portal.ts; every use is audited.
 */
const TokenHeaders = Type.Object({ 'x-portal-token': Type.Optional(Type.String({ maxLength: 200, description: 'The token from the portal link' })) });
const portalToken = (request: FastifyRequest) => {
  const value = request.headers['x-portal-token'];
  return Array.isArray(value) ? value[0] : value;
};

const Statement = Type.Object({ id: Id, vulnerabilityId: Nullable(Type.String()), body: Rendered, shared: Type.Boolean(), createdAt: Timestamp, own: Type.Boolean(), from: Type.Enum(['you', 'coordinator', 'another participant']) });
const PortalView = Type.Object({
  case: Type.Object({
    ref: Type.String(),
    title: Type.String(),
    summary: Rendered,
    state: Type.String(),
    embargo: Nullable(Type.Object({ endsAt: Timestamp, zone: Type.String(), local: Type.String(), offset: Type.String() })),
    organisation: Type.String(),
  }),
  participant: Type.Object({ id: Id, name: Type.String(), role: Type.String(), acknowledgedAt: Nullable(Timestamp) }),
  vulnerabilities: Type.Array(
    Type.Object({
      id: Id,
      title: Type.String(),
      summary: Rendered,
      product: Type.String(),
      versions: Type.Array(Type.String()),
      cwe: Nullable(Type.Integer()),
      cvssVectors: Type.Array(Type.String()),
      status: Type.String(),
      statusChangedAt: Timestamp,
    }),
  ),
  statements: Type.Array(Statement),
  messages: Type.Array(Type.Object({ id: Id, kind: Type.String(), from: Type.String(), summary: Type.String(), body: Nullable(Type.String({ description: 'Plain text' })), at: Timestamp })),
  extensions: Type.Array(Type.Object({ id: Id, requestedUntil: Timestamp, reason: Type.String(), state: Type.String(), decidedAt: Nullable(Timestamp), note: Nullable(Type.String()) })),
});

export async function portalRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['portal'];
  // Per client address: enough for a person using the page, too few for guessing.
  const config = { rateLimit: { max: 60, timeWindow: 60_000 } };

  app.get('/portal', { config, schema: { tags, summary: 'What was shared with you on the case (X-Portal-Token)', headers: TokenHeaders, response: { 200: PortalView, ...errors(401, 429) } } }, async (request) =>
    portalView(context, await openPortal(context, portalToken(request), 'view')),
  );

  app.post('/portal/acknowledge', { config, schema: { tags, summary: 'Acknowledge the report', headers: TokenHeaders, response: { 200: Ok, ...errors(401, 409, 429) } } }, async (request) => {
    await portalAcknowledge(context, await openPortal(context, portalToken(request), 'acknowledge'));
    return { ok: true as const };
  });

  app.put(
    '/portal/statuses/:vulnerabilityId',
    {
      config,
      schema: {
        tags,
        summary: 'Say whether you are affected, not affected, or have fixed it',
        headers: TokenHeaders,
        params: Type.Object({ vulnerabilityId: Type.String({ maxLength: 100 }) }),
        body: Type.Object({ status: Type.Enum(PORTAL_STATUSES) }, { additionalProperties: false }),
        response: { 200: Ok, ...errors(400, 401, 404, 409, 429) },
      },
    },
    async (request) => {
      await portalSetStatus(context, await openPortal(context, portalToken(request), 'status'), request.params.vulnerabilityId, request.body.status);
      return { ok: true as const };
    },
  );

  app.post(
    '/portal/statements',
    {
      config,
      schema: {
        tags,
        summary: 'Post a statement (Markdown) for the coordinators, optionally about one vulnerability',
        headers: TokenHeaders,
        body: Type.Object({ body: Type.String({ minLength: 1, maxLength: CASE_LIMITS.statement }), vulnerabilityId: Type.Optional(Nullable(Type.String({ maxLength: 100 }))) }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Id }), ...errors(400, 401, 404, 409, 413, 429) },
      },
    },
    async (request, reply) => {
      const id = await portalStatement(context, await openPortal(context, portalToken(request), 'statement'), request.body);
      return reply.status(201).send({ id });
    },
  );

  app.post(
    '/portal/messages',
    {
      config,
      schema: {
        tags,
        summary: 'Ask a question or write to the coordinators',
        headers: TokenHeaders,
        body: Type.Object({ text: Type.String({ minLength: 1, maxLength: CASE_LIMITS.message }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Id }), ...errors(400, 401, 409, 413, 429) },
      },
    },
    async (request, reply) => {
      const id = await portalMessage(context, await openPortal(context, portalToken(request), 'message'), request.body.text);
      return reply.status(201).send({ id });
    },
  );

  app.post(
    '/portal/extensions',
    {
      config,
      schema: {
        tags,
        summary: 'Ask for more time before publication (the case owner accepts or declines)',
        headers: TokenHeaders,
        body: Type.Object({ until: Type.String({ maxLength: 40, description: 'Date-time you ask for' }), reason: Type.String({ minLength: 1, maxLength: CASE_LIMITS.reason }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Id, requestedUntil: Timestamp }), ...errors(400, 401, 409, 413, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await portalRequestExtension(context, await openPortal(context, portalToken(request), 'extension'), request.body)),
  );
}
