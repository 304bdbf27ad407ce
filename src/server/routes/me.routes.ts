import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { changePassword } from '../../domain/auth/account.service.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../../domain/auth/token.service.js';
import { beginTotpSetup, confirmTotp, disableTotp, regenerateRecoveryCodes } from '../../domain/auth/two-factor.service.js';
import { getUser } from '../../domain/users/user.service.js';
import { presentUser } from '../../domain/users/user.js';
import { requireUser, requireUserOrEnrolling } from '../plugins/authentication.js';
import { ApiToken, IdParams, Ok, Password, Role, TokenScope, errors } from '../schemas.js';
import { committedOutcome, inTransaction } from '../transaction.js';

const Me = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(Role),
  emailVerified: Type.Boolean(),
  mfaEnabled: Type.Boolean(),
  createdAt: Type.String(),
});

const RecoveryCodes = Type.Object({ recoveryCodes: Type.Array(Type.String()) });
const Code = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

/** The signed-in person's own account: profile, password, two-factor, API tokens. */
export async function meRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/me', { schema: { tags: ['account'], summary: 'The account behind the session or token', response: { 200: Me, ...errors(401, 403) } } }, async (request) => {
    const actor = requireUser(request);
    const { disabled: _disabled, ...view } = presentUser(request.actorUser ?? (await getUser(context.db, actor.userId)));
    return view;
  });

  app.post(
    '/me/password',
    {
      schema: {
        tags: ['account'],
        summary: 'Change password (signs out other sessions)',
        body: Type.Object({ currentPassword: Password, newPassword: Password }, { additionalProperties: false }),
        response: { 200: Ok, ...errors(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      await committedOutcome(context, (trx) => changePassword(context, trx, actor, request.body.currentPassword, request.body.newPassword));
      return { ok: true as const };
    },
  );

  app.post(
    '/me/two-factor/setup',
    {
      schema: {
        tags: ['account'],
        summary: 'Start TOTP setup: a new secret, its otpauth URL and QR code',
        response: { 200: Type.Object({ secret: Type.String(), otpauthUrl: Type.String(), qrDataUrl: Type.String() }), ...errors(401, 403, 409) },
      },
    },
    async (request) => {
      const actor = requireUserOrEnrolling(request);
      return inTransaction(context, (trx) => beginTotpSetup(context, trx, actor));
    },
  );

  app.post(
    '/me/two-factor/confirm',
    { schema: { tags: ['account'], summary: 'Turn TOTP on with a first code; returns recovery codes once', body: Code, response: { 200: RecoveryCodes, ...errors(400, 401, 403, 409) } } },
    async (request) => {
      const actor = requireUserOrEnrolling(request);
      return { recoveryCodes: await inTransaction(context, (trx) => confirmTotp(context, trx, actor, request.body.code)) };
    },
  );

  app.post(
    '/me/two-factor/recovery-codes',
    { schema: { tags: ['account'], summary: 'Replace recovery codes (needs a current code)', body: Code, response: { 200: RecoveryCodes, ...errors(400, 401, 403) } } },
    async (request) => {
      const actor = requireUser(request);
      return { recoveryCodes: await committedOutcome(context, (trx) => regenerateRecoveryCodes(context, trx, actor, request.body.code)) };
    },
  );

  app.delete(
    '/me/two-factor',
    {
      schema: {
        tags: ['account'],
        summary: 'Turn two-factor off (reporters only; mandatory for staff)',
        body: Type.Object({ password: Password }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      await committedOutcome(context, (trx) => disableTotp(context, trx, actor, request.body.password));
      return reply.status(204).send(null);
    },
  );

  app.get('/me/tokens', { schema: { tags: ['account'], summary: 'Your API tokens', response: { 200: Type.Object({ items: Type.Array(ApiToken) }), ...errors(401, 403) } } }, async (request) => {
    const actor = requireUser(request);
    return { items: await listApiTokens(context.db, actor.userId) };
  });

  app.post(
    '/me/tokens',
    {
      schema: {
        tags: ['account'],
        summary: 'Make an API token; the secret is in the response once',
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 100 }), scopes: Type.Array(TokenScope, { minItems: 1 }), expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ token: Type.String(), item: ApiToken }), ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireUser(request);
      const created = await inTransaction(context, (trx) => createApiToken(context, trx, actor, actor.userId, request.body));
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/me/tokens/:id',
    { schema: { tags: ['account'], summary: 'Revoke one of your tokens', params: IdParams, response: { 204: Type.Null(), ...errors(400, 401, 403, 404) } } },
    async (request, reply) => {
      const actor = requireUser(request);
      await inTransaction(context, (trx) => revokeApiToken(context, trx, actor, request.params.id));
      return reply.status(204).send(null);
    },
  );
}
