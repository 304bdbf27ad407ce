import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { getVisibleProgram } from '../../domain/programs/program.service.js';
import { advisoriesByCredit } from '../../domain/advisories/advisory-view.js';
import type { Executor } from '../../db/dialect.js';
import { HALL_OF_FAME_LIMITS, changeHallOfFameProfile, getHallOfFameProfile, hallOfFame } from '../../domain/reputation/hall-of-fame.js';
import { requireUser } from '../plugins/authentication.js';
import { errors, Nullable } from '../schemas.js';
import { inTransaction } from '../transaction.js';

const Entry = Type.Object({
  rank: Type.Integer(),
  handle: Type.String(),
  link: Nullable(Type.String()),
  reputation: Type.Integer(),
  resolvedReports: Type.Integer(),
  advisories: Type.Optional(Type.Array(Type.Object({ id: Type.String(), title: Type.String() }), { description: 'Published advisories crediting this researcher (left out when none)' })),
});
const Hall = Type.Object({ items: Type.Array(Entry) });
const Profile = Type.Object({ handle: Nullable(Type.String()), link: Nullable(Type.String()), public: Type.Boolean(), updatedAt: Nullable(Type.String()) });
const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 63 }) });

/** Hall-of-fame entries with the advisories that credit each person (by the name they chose to be named by). */
async function withAdvisories(db: Executor, items: Awaited<ReturnType<typeof hallOfFame>>) {
  const credited = await advisoriesByCredit(db);
  return items.map((entry) => {
    const advisories = credited.get(entry.handle.toLowerCase());
    return advisories ? { ...entry, advisories } : entry;
  });
}

/** Public acknowledgements of researchers who opted in, and each person's own choice to be named. */
export async function hallOfFameRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/hall-of-fame',
    { schema: { tags: ['hall of fame'], summary: 'Acknowledgements: opted-in researchers ranked by reputation earned in public programmes', response: { 200: Hall } } },
    async () => ({ items: await withAdvisories(context.db, await hallOfFame(context.db)) }),
  );

  app.get(
    '/programs/:slug/hall-of-fame',
    {
      schema: {
        tags: ['hall of fame'],
        summary: 'Opted-in researchers ranked by reputation earned in this programme, with their resolved reports',
        params: SlugParams,
        response: { 200: Hall, ...errors(404) },
      },
    },
    async (request) => ({ items: await withAdvisories(context.db, await hallOfFame(context.db, (await getVisibleProgram(context.db, request.actor, request.params.slug)).id)) }),
  );

  app.get(
    '/me/hall-of-fame',
    { schema: { tags: ['hall of fame'], summary: 'Whether and how you are named in halls of fame', response: { 200: Profile, ...errors(401, 403) } } },
    async (request) => getHallOfFameProfile(context.db, requireUser(request)),
  );

  app.patch(
    '/me/hall-of-fame',
    {
      schema: {
        tags: ['hall of fame'],
        summary: 'Opt in or out of being named; set your handle and an optional https:// link',
        body: Type.Object(
          {
            handle: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: HALL_OF_FAME_LIMITS.handle }))),
            link: Type.Optional(Nullable(Type.String({ maxLength: HALL_OF_FAME_LIMITS.link }))),
            public: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Profile, ...errors(400, 401, 403, 409) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return inTransaction(context, (trx) => changeHallOfFameProfile(context, trx, actor, request.body));
    },
  );
}
