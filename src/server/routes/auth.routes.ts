import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../context.js';
import { completePasswordReset, requestPasswordReset, signUp, verifyEmail } from '../../domain/auth/account.service.js';
import { recordAudit } from '../../domain/audit/audit.service.js';
import { deleteSessionByCookie } from '../../domain/auth/session.service.js';
import { completeSecondFactor, signIn } from '../../domain/auth/signin.service.js';
import { findUserById } from '../../domain/users/user.repository.js';
import { presentUser } from '../../domain/users/user.js';
import { AppError } from '../../shared/errors.js';
import { clearSessionCookie, setSessionCookie } from '../session-cookie.js';
import { Email, Ok, Password, SessionState, errors } from '../schemas.js';
import { committedOutcome, inTransaction } from '../transaction.js';
import type { SessionRow } from '../../domain/auth/session.service.js';
import type { UserRow } from '../../domain/users/user.js';

/** Sign-up, sign-in (with two-factor), sign-out, email verification and password reset. */
export async function authRoutes(fastify: FastifyInstance, context: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const limited = { rateLimit: { max: context.config.authRateLimitPerMinute, timeWindow: 60_000 } };

  const sessionBody = (session: SessionRow, user: UserRow) => ({ stage: session.stage, csrfToken: session.csrf_token, user: presentUser(user) });


  app.get(
    '/session',
    { schema: { tags: ['auth'], summary: 'The current session (also while two-factor is pending)', response: { 200: SessionState, ...errors(401) } } },
    async (request) => {
      const session = request.session;
      const user = session ? await findUserById(context.db, session.user_id) : undefined;
      if (!session || !user || user.disabled_at !== null) throw new AppError('authentication_required', 'Not signed in');
      return sessionBody(session, user);
    },
  );

  app.post(
    '/auth/signin',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; staff continue with /auth/mfa',
        body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
        response: { 200: SessionState, ...errors(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const { session, cookieValue, user } = await committedOutcome(context, (trx) =>
        signIn(context, trx, { ...request.body, ip: request.ip, userAgent: request.headers['user-agent'], replacing: request.sessionCookie }),
      );
      setSessionCookie(request, reply, cookieValue, context.config.sessionAbsoluteHours * 3600);
      return sessionBody(session, user);
    },
  );

  app.post(
    '/auth/mfa',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Finish signing in with a TOTP code or a recovery code',
        body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: SessionState, ...errors(400, 401, 409, 429) },
      },
    },
    async (request) => {
      const session = request.session;
      if (!session) throw new AppError('authentication_required', 'Sign in with your password first');
      const user = await committedOutcome(context, (trx) => completeSecondFactor(context, trx, session, request.body.code));
      return sessionBody({ ...session, stage: 'full' }, user);
    },
  );

  app.post(
    '/auth/signout',
    { schema: { tags: ['auth'], summary: 'Sign out (ends this session)', response: { 204: Type.Null(), ...errors(403) } } },
    async (request, reply) => {
      const cookie = request.sessionCookie;
      const actor = request.actor.kind === 'user' ? request.actor : request.pendingActor;
      if (cookie) {
        await inTransaction(context, async (trx) => {
          await deleteSessionByCookie(trx, cookie);
          if (actor && request.session) await recordAudit(context, trx, actor, { action: 'auth.signout', objectType: 'session', objectId: request.session.id });
        });
      }
      clearSessionCookie(request, reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/signup',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Create a reporter account; a verification link is mailed. Answers the same whether or not the address has an account',
        body: Type.Object({ email: Email, password: Password, name: Type.Optional(Type.String({ maxLength: 120 })) }, { additionalProperties: false }),
        response: { 202: Type.Object({ accepted: Type.Literal(true) }), ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      await inTransaction(context, (trx) => signUp(context, trx, { ...request.body, ip: request.ip }));
      return reply.status(202).send({ accepted: true as const });
    },
  );

  app.post(
    '/auth/verify-email',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Confirm an email address with the mailed token',
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ verified: Type.Literal(true) }), ...errors(400, 401, 410) },
      },
    },
    async (request) => {
      await inTransaction(context, (trx) => verifyEmail(context, trx, request.body.token));
      return { verified: true as const };
    },
  );

  app.post(
    '/auth/password-reset',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Mail a password-reset link (answers the same whether or not the account exists)',
        body: Type.Object({ email: Email }, { additionalProperties: false }),
        response: { 202: Type.Object({ accepted: Type.Literal(true) }), ...errors(400, 429) },
      },
    },
    async (request, reply) => {
      await inTransaction(context, (trx) => requestPasswordReset(context, trx, request.body.email));
      return reply.status(202).send({ accepted: true as const });
    },
  );

  app.post(
    '/auth/password-reset/complete',
    {
      config: limited,
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a mailed link (also the setup link of invited accounts)',
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }), password: Password }, { additionalProperties: false }),
        response: { 200: Ok, ...errors(400, 401, 410) },
      },
    },
    async (request) => {
      await inTransaction(context, (trx) => completePasswordReset(context, trx, request.body.token, request.body.password));
      return { ok: true as const };
    },
  );
}
