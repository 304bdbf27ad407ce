import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { inviteUser } from '../../domain/auth/account.service.js';
import { changeAccount, listAssignableStaff, listUsers } from '../../domain/users/user.service.js';
import { presentUser } from '../../domain/users/user.js';
import { requireUser } from '../plugins/authentication.js';
import { Email, IdParams, Role, User, errors } from '../schemas.js';
import { inTransaction } from '../transaction.js';

/** Account administration (leads; auditors may list). */
export async function usersRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'List accounts',
        querystring: Type.Object(
          { role: Type.Optional(Role), q: Type.Optional(Type.String({ maxLength: 100 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(User) }), ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      return { items: await listUsers(context, context.db, actor, { role: request.query.role, q: request.query.q, limit: request.query.limit ?? 200 }) };
    },
  );

  app.get(
    '/staff',
    {
      schema: {
        tags: ['admin'],
        summary: 'Active triagers and leads, by name (staff): whom reports can be assigned to',
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), roles: Type.Array(Role) })) }), ...errors(401, 403) },
      },
    },
    async (request) => ({ items: await listAssignableStaff(context.db, requireUser(request)) }),
  );

  app.post(
    '/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'Invite a person: the account is made and a set-password link is mailed',
        body: Type.Object({ email: Email, name: Type.Optional(Type.String({ maxLength: 120 })), roles: Type.Array(Role, { minItems: 1 }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ user: User }), ...errors(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const user = await inTransaction(context, (trx) => inviteUser(context, trx, actor, request.body));
      return reply.status(201).send({ user: presentUser(user) });
    },
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        tags: ['admin'],
        summary: "Change an account's roles, or disable / enable it",
        params: IdParams,
        body: Type.Object({ roles: Type.Optional(Type.Array(Role, { minItems: 1 })), disabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 }),
        response: { 200: Type.Object({ user: User }), ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const user = await inTransaction(context, (trx) => changeAccount(context, trx, actor, request.params.id, request.body));
      return { user: presentUser(user) };
    },
  );
}
