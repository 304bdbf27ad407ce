import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { getVisibleProgram } from '../../domain/programs/program.service.js';
import { LIMIT_WINDOW_DAYS, OUTCOMES, POINTS_RANGE } from '../../domain/reputation/reputation.js';
import { changePoints, clearSubmissionLimit, getSubmissionLimit, myReputation, readPoints, setSubmissionLimit } from '../../domain/reputation/reputation.service.js';
import { REWARD_KINDS, REWARD_LIMITS, REWARD_STATES, presentReward } from '../../domain/rewards/reward.js';
import { awardReward, changeRewardState, exportLedgerCsv, listLedger, listReportRewards, myEarnings, rewardSuggestion } from '../../domain/rewards/reward.service.js';
import { requireUser } from '../plugins/authentication.js';
import { errors, Id, IdParams, Nullable } from '../schemas.js';
import { inTransaction } from '../transaction.js';

const Reward = Type.Object({
  id: Id,
  awardId: Id,
  reportId: Id,
  programId: Id,
  userId: Id,
  amount: Type.Integer({ description: 'Minor units of currency (cents for USD)' }),
  amountDecimal: Type.String({ description: 'The amount in major units, e.g. "1234.56"' }),
  currency: Type.String(),
  kind: Type.Enum(REWARD_KINDS),
  state: Type.Enum(REWARD_STATES),
  share: Type.Integer({ description: "The recipient's percentage of the award" }),
  note: Nullable(Type.String()),
  reference: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  paidAt: Nullable(Type.String()),
  cancelledAt: Nullable(Type.String()),
  createdBy: Type.Optional(Type.String({ description: 'Staff views only' })),
});

const LedgerItem = Type.Intersect([
  Reward,
  Type.Object({
    recipient: Type.Object({ id: Id, email: Type.String(), name: Type.String() }),
    report: Type.Object({ id: Id, title: Type.String() }),
    program: Type.Object({ id: Id, slug: Type.String() }),
  }),
]);

const Split = Type.Array(Type.Object({ userId: Id, share: Type.Integer(), submitter: Type.Boolean() }));

const Points = Type.Object(Object.fromEntries(OUTCOMES.map((outcome) => [outcome, Type.Integer({ minimum: POINTS_RANGE.min, maximum: POINTS_RANGE.max })])) as Record<(typeof OUTCOMES)[number], ReturnType<typeof Type.Integer>>, {
  additionalProperties: false,
});

const Limit = Type.Object({ reputationBelow: Type.Integer(), maxReports: Type.Integer(), windowDays: Type.Integer() });
const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 63 }) });
const LedgerQuery = {
  state: Type.Optional(Type.Enum(REWARD_STATES)),
  program: Type.Optional(Type.String({ minLength: 1, maxLength: 63, description: 'Programme slug or id' })),
};

/** Rewards (suggestion, awards, the ledger, payouts, earnings) and reputation (own total, points per outcome, programme limits). */
export async function rewardsRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/reports/:id/reward-suggestion',
    {
      schema: {
        tags: ['rewards'],
        summary: "The reward range for the report's asset tier × severity, from the programme's reward table (triagers, leads)",
        params: IdParams,
        response: {
          200: Type.Object({
            reportId: Id,
            programKind: Type.Enum(['bounty', 'vdp']),
            currency: Type.String(),
            tier: Nullable(Type.Integer()),
            severity: Type.String(),
            range: Nullable(Type.Object({ min: Type.Number(), max: Type.Number(), minAmount: Type.Integer(), maxAmount: Type.Integer() })),
            reason: Nullable(Type.String()),
          }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (request) => rewardSuggestion(context.db, requireUser(request), request.params.id),
  );

  app.get(
    '/reports/:id/rewards',
    {
      schema: {
        tags: ['rewards'],
        summary: "A report's rewards and split: staff see every entry, the submitter and collaborators their own",
        params: IdParams,
        response: { 200: Type.Object({ split: Split, items: Type.Array(Reward) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => listReportRewards(context.db, requireUser(request), request.params.id),
  );

  app.post(
    '/reports/:id/rewards',
    {
      schema: {
        tags: ['rewards'],
        summary: 'Award a bounty or bonus (triagers, leads; bounty programmes; triaged, resolved or disclosed reports), split among the submitter and collaborators',
        params: IdParams,
        body: Type.Object(
          {
            amount: Type.Integer({ minimum: 1, maximum: REWARD_LIMITS.maxAmount, description: 'Minor units (cents for USD)' }),
            currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: "ISO 4217; the programme's reward-table currency when absent" })),
            kind: Type.Enum(REWARD_KINDS),
            note: Type.Optional(Type.String({ maxLength: REWARD_LIMITS.note, description: 'Shown to the recipients with their entries' })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ awardId: Id, amount: Type.Integer(), currency: Type.String(), kind: Type.Enum(REWARD_KINDS), items: Type.Array(Reward) }),
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const award = await inTransaction(context, (trx) => awardReward(context, trx, actor, request.params.id, request.body));
      return reply.status(201).send({ awardId: award.awardId, amount: award.amount, currency: award.currency, kind: award.kind, items: award.entries.map((e) => presentReward(e, true)) });
    },
  );

  app.get(
    '/rewards',
    {
      schema: {
        tags: ['rewards'],
        summary: 'The rewards ledger (leads), newest first, keyset pages',
        querystring: Type.Object(
          { ...LedgerQuery, after: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(LedgerItem), next: Nullable(Type.String()) }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const q = request.query;
      const programId = q.program ? (await getVisibleProgram(context.db, actor, q.program)).id : undefined;
      return listLedger(context.db, actor, { state: q.state, programId, after: q.after, limit: q.limit ?? 50 });
    },
  );

  app.get(
    '/rewards/export.csv',
    {
      schema: {
        tags: ['rewards'],
        summary: 'The ledger as CSV for payouts (leads), oldest first; cells guarded against formula injection',
        produces: ['text/csv'],
        querystring: Type.Object(LedgerQuery, { additionalProperties: false }),
        response: { 200: Type.String({ description: 'RFC 4180 CSV with a header row' }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const q = request.query;
      const csv = await inTransaction(context, async (trx) => {
        const programId = q.program ? (await getVisibleProgram(trx, actor, q.program)).id : undefined;
        return exportLedgerCsv(context, trx, actor, { state: q.state, programId });
      });
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="cvdesk-rewards.csv"');
      return reply.send(csv);
    },
  );

  app.post(
    '/rewards/:id/state',
    {
      schema: {
        tags: ['rewards'],
        summary: 'Mark a reward paid or cancelled (leads); 409 once it is settled',
        params: IdParams,
        body: Type.Object(
          { to: Type.Enum(['paid', 'cancelled']), reference: Type.Optional(Type.String({ maxLength: REWARD_LIMITS.reference, description: 'Payment reference, or why it was cancelled' })) },
          { additionalProperties: false },
        ),
        response: { 200: Reward, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return presentReward(await inTransaction(context, (trx) => changeRewardState(context, trx, actor, request.params.id, request.body)), true);
    },
  );

  app.get(
    '/me/earnings',
    {
      schema: {
        tags: ['rewards'],
        summary: 'Your own rewards and totals per currency (minor units, by state)',
        response: {
          200: Type.Object({
            items: Type.Array(Reward),
            totals: Type.Array(Type.Object({ currency: Type.String(), awarded: Type.Integer(), paid: Type.Integer(), cancelled: Type.Integer() })),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (request) => myEarnings(context.db, requireUser(request)),
  );

  app.get(
    '/me/reputation',
    {
      schema: {
        tags: ['reputation'],
        summary: 'Your reputation: the total, the entries it is the sum of (superseded ones listed but not counted), and the programmes that limit you because of it',
        response: {
          200: Type.Object({
            total: Type.Integer(),
            entries: Type.Array(
              Type.Object({
                id: Id,
                reportId: Id,
                programId: Id,
                outcome: Type.String(),
                points: Type.Integer(),
                share: Type.Integer(),
                reason: Type.String(),
                createdAt: Type.String(),
                supersededAt: Nullable(Type.String()),
              }),
            ),
            limits: Type.Array(
              Type.Object({
                program: Type.Object({ id: Id, slug: Type.String(), name: Type.String() }),
                reputationBelow: Type.Integer(),
                maxReports: Type.Integer(),
                windowDays: Type.Integer(),
              }),
              { description: 'Programmes (of those you may see) whose limit for low-signal reporters holds you at this total' },
            ),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (request) => myReputation(context.db, requireUser(request)),
  );

  app.get(
    '/reputation/points',
    { schema: { tags: ['reputation'], summary: 'Reputation points per report outcome on this cvdesk', response: { 200: Points } } },
    async () => readPoints(context.db),
  );

  app.patch(
    '/reputation/points',
    {
      schema: {
        tags: ['reputation'],
        summary: 'Change points per outcome (leads); applies to outcomes recorded from now on',
        body: Type.Partial(Points, { additionalProperties: false, minProperties: 1 }),
        response: { 200: Points, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, (trx) => changePoints(context, trx, actor, request.body));
    },
  );

  app.get(
    '/programs/:slug/submission-limit',
    {
      schema: {
        tags: ['reputation'],
        summary: `The programme's limit for low-signal reporters (per ${LIMIT_WINDOW_DAYS} days), or null`,
        params: SlugParams,
        response: { 200: Type.Object({ limit: Nullable(Limit) }), ...errors(404) },
      },
    },
    async (request) => ({ limit: await getSubmissionLimit(context.db, (await getVisibleProgram(context.db, request.actor, request.params.slug)).id) }),
  );

  app.patch(
    '/programs/:slug/submission-limit',
    {
      schema: {
        tags: ['reputation'],
        summary: `Limit reporters whose reputation is below reputationBelow to maxReports reports per ${LIMIT_WINDOW_DAYS} days (leads)`,
        params: SlugParams,
        body: Type.Object(
          { reputationBelow: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 }), maxReports: Type.Integer({ minimum: 0, maximum: 10_000 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ limit: Limit }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, async (trx) => ({ limit: await setSubmissionLimit(context, trx, actor, await getVisibleProgram(trx, actor, request.params.slug), request.body) }));
    },
  );

  app.delete(
    '/programs/:slug/submission-limit',
    { schema: { tags: ['reputation'], summary: "Remove the programme's limit for low-signal reporters (leads)", params: SlugParams, response: { 204: Type.Null(), ...errors(401, 403, 404) } } },
    async (request, reply) => {
      const actor = requireUser(request);
      await inTransaction(context, async (trx) => clearSubmissionLimit(context, trx, actor, await getVisibleProgram(trx, actor, request.params.slug)));
      return reply.status(204).send(null);
    },
  );
}
