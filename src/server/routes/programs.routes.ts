import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { addProgramMember, createProgram, getPolicyVersion, getVisibleProgram, listProgramMembers, listVisiblePrograms, presentProgram, removeProgramMember, updateProgram } from '../../domain/programs/program.service.js';
import { ASSET_KINDS, DISCLOSURE_MODES, LIMITS, PROGRAM_KINDS, SEVERITIES, VISIBILITIES } from '../../domain/programs/program.js';
import { requireUser } from '../plugins/authentication.js';
import { errors, Id, Rendered, Timestamp } from '../schemas.js';
import { inTransaction } from '../transaction.js';

const DurationSchema = Type.Object({ value: Type.Integer({ minimum: 1, maximum: 10_000 }), unit: Type.Enum(['hours', 'days']) }, { additionalProperties: false });
const Targets = Type.Object(
  { firstResponse: Type.Optional(DurationSchema), triage: Type.Optional(DurationSchema), bounty: Type.Optional(DurationSchema), resolution: Type.Optional(DurationSchema) },
  { additionalProperties: false },
);
const Rewards = Type.Object(
  {
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' }),
    ranges: Type.Array(
      Type.Object({ tier: Type.Integer({ minimum: 1, maximum: 3 }), severity: Type.Enum(SEVERITIES), min: Type.Number({ minimum: 0, maximum: 10_000_000 }), max: Type.Number({ minimum: 0, maximum: 10_000_000 }) }, { additionalProperties: false }),
      { maxItems: 12 },
    ),
  },
  { additionalProperties: false },
);
const Disclosure = Type.Object(
  { mode: Type.Enum(DISCLOSURE_MODES), delayDays: Type.Integer({ minimum: 0, maximum: 365 }), level: Type.Enum(['full', 'limited']) },
  { additionalProperties: false },
);
const AssetIn = Type.Object(
  {
    kind: Type.Enum(ASSET_KINDS),
    identifier: Type.String({ minLength: 1, maxLength: LIMITS.identifier }),
    tier: Type.Integer({ minimum: 1, maximum: 3 }),
    inScope: Type.Boolean(),
    description: Type.Optional(Type.String({ maxLength: LIMITS.description })),
  },
  { additionalProperties: false },
);
const ExclusionIn = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), description: Type.Optional(Type.String({ maxLength: LIMITS.description })), redirectUrl: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
const programFields = {
  name: Type.String({ minLength: 1, maxLength: LIMITS.name }),
  kind: Type.Enum(PROGRAM_KINDS),
  visibility: Type.Optional(Type.Enum(VISIBILITIES)),
  policy: Type.String({ minLength: 1, maxLength: LIMITS.policy, description: 'Markdown; a change makes a new version' }),
  safeHarbour: Type.Optional(Type.String({ maxLength: LIMITS.safeHarbour })),
  scope: Type.Optional(Type.Array(AssetIn, { maxItems: LIMITS.assets })),
  exclusions: Type.Optional(Type.Array(ExclusionIn, { maxItems: LIMITS.exclusions })),
  rewards: Type.Optional(Rewards),
  responseTargets: Type.Optional(Targets),
  businessDays: Type.Optional(Type.Boolean()),
  disclosure: Type.Optional(Disclosure),
  staleCloseDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, description: 'Days a needs_more_info report waits before closing itself; 0 never' })),
};
const Program = Type.Object({
  id: Id,
  slug: Type.String(),
  name: Type.String(),
  kind: Type.Enum(PROGRAM_KINDS),
  visibility: Type.Enum(VISIBILITIES),
  policy: Type.Object({ version: Type.Integer(), markdown: Type.String(), html: Type.String() }),
  safeHarbour: Rendered,
  scope: Type.Array(Type.Object({ id: Id, kind: Type.String(), identifier: Type.String(), tier: Type.Integer(), inScope: Type.Boolean(), description: Type.String() })),
  exclusions: Type.Array(Type.Object({ id: Id, name: Type.String(), description: Type.String(), redirectUrl: Type.Union([Type.String(), Type.Null()]) })),
  rewards: Rewards,
  responseTargets: Targets,
  businessDays: Type.Boolean(),
  disclosure: Disclosure,
  staleCloseDays: Type.Integer(),
  medians: Type.Object({
    firstResponseHours: Type.Union([Type.Number(), Type.Null()]),
    triageHours: Type.Union([Type.Number(), Type.Null()]),
    bountyHours: Type.Union([Type.Number(), Type.Null()]),
    resolutionHours: Type.Union([Type.Number(), Type.Null()]),
    sampleSize: Type.Integer(),
  }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const ProgramSummary = Type.Object({ id: Id, slug: Type.String(), name: Type.String(), kind: Type.Enum(PROGRAM_KINDS), visibility: Type.Enum(VISIBILITIES) });
const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 63 }) });

/** Programmes: public pages for everyone who may see them; configuration for leads. */
export async function programsRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/programs', { schema: { tags: ['programs'], summary: 'Programmes you may see', response: { 200: Type.Object({ items: Type.Array(ProgramSummary) }) } } }, async (request) => ({
    items: (await listVisiblePrograms(context.db, request.actor)).map(({ id, slug, name, kind, visibility }) => ({ id, slug, name, kind, visibility })),
  }));

  app.post(
    '/programs',
    {
      schema: {
        tags: ['programs'],
        summary: 'Create a programme (leads)',
        body: Type.Object({ slug: Type.String({ minLength: 1, maxLength: 63 }), ...programFields }, { additionalProperties: false }),
        response: { 201: Program, ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const view = await inTransaction(context, async (trx) => presentProgram(trx, await createProgram(context, trx, actor, request.body), context.clock.now()));
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/programs/:slug',
    { schema: { tags: ['programs'], summary: 'One programme: policy, scope, rewards, targets and measured medians', params: SlugParams, response: { 200: Program, ...errors(404) } } },
    async (request) => presentProgram(context.db, await getVisibleProgram(context.db, request.actor, request.params.slug), context.clock.now()),
  );

  app.get(
    '/programs/:slug/policy/:version',
    {
      schema: {
        tags: ['programs'],
        summary: 'One version of the policy (the text a report\'s reporter accepted), for whoever may see the programme',
        params: Type.Object({ slug: Type.String({ minLength: 1, maxLength: 63 }), version: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }),
        response: {
          200: Type.Object({ version: Type.Integer(), current: Type.Boolean(), markdown: Type.String(), html: Type.String(), createdAt: Timestamp }),
          ...errors(400, 404),
        },
      },
    },
    async (request) => getPolicyVersion(context.db, request.actor, request.params.slug, request.params.version),
  );

  app.patch(
    '/programs/:slug',
    {
      schema: {
        tags: ['programs'],
        summary: 'Change a programme (leads); a changed policy becomes a new version',
        params: SlugParams,
        body: Type.Partial(Type.Object(programFields, { additionalProperties: false }), { additionalProperties: false, minProperties: 1 }),
        response: { 200: Program, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, async (trx) => {
        const program = await getVisibleProgram(trx, actor, request.params.slug);
        return presentProgram(trx, await updateProgram(context, trx, actor, program.id, request.body), context.clock.now());
      });
    },
  );

  const Member = Type.Object({ userId: Id, email: Type.String(), name: Type.String(), addedAt: Type.String({ format: 'date-time' }) });

  app.get(
    '/programs/:slug/members',
    {
      schema: {
        tags: ['programs'],
        summary: 'Accounts invited to the programme (staff)',
        params: SlugParams,
        response: { 200: Type.Object({ items: Type.Array(Member) }), ...errors(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const program = await getVisibleProgram(context.db, actor, request.params.slug);
      return { items: await listProgramMembers(context.db, actor, program.id) };
    },
  );

  app.post(
    '/programs/:slug/members',
    {
      schema: {
        tags: ['programs'],
        summary: 'Invite an account, by id or email, to the programme (leads); the person is mailed the link',
        params: SlugParams,
        body: Type.Union([Type.Object({ userId: Id }, { additionalProperties: false }), Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }) }, { additionalProperties: false })]),
        response: { 200: Member, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, async (trx) => addProgramMember(context, trx, actor, (await getVisibleProgram(trx, actor, request.params.slug)).id, request.body));
    },
  );

  app.delete(
    '/programs/:slug/members/:userId',
    {
      schema: {
        tags: ['programs'],
        summary: 'Withdraw an invitation (leads)',
        params: Type.Object({ slug: SlugParams.properties.slug, userId: Id }),
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      await inTransaction(context, async (trx) => removeProgramMember(context, trx, actor, (await getVisibleProgram(trx, actor, request.params.slug)).id, request.params.userId));
      return reply.status(204).send(null);
    },
  );
}
