import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { ANONYMOUS, type Actor, type UserActor } from '../../domain/auth/actor.js';
import { CACHE_MISS, authenticateToken, tokenFromCache, type TokenHolder } from '../../domain/auth/token.service.js';
import { resolveSession, type SessionRow } from '../../domain/auth/session.service.js';
import { findUserById } from '../../domain/users/user.repository.js';
import { userRoles, type UserRow } from '../../domain/users/user.js';
import { AppError } from '../../shared/errors.js';
import { safeEqual } from '../../security/random.js';
import { readSessionCookie } from '../session-cookie.js';


declare module 'fastify' {
  interface FastifyRequest {
    /** Who is acting: a fully signed-in user, a token holder, or anonymous. */
    actor: Actor;
    /** The session behind the cookie, in whatever stage (sign-in may be half done). */
    session: SessionRow | undefined;
    /** The raw cookie value, so sign-in can replace the session it came with. */
    sessionCookie: string | undefined;
    /** The account of a session whose sign-in is not complete yet (two-factor pending or to set up). */
    pendingActor: UserActor | undefined;
    /** The acting account's row as read while authenticating, so handlers need not read it again. */
    actorUser: UserRow | undefined;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves credentials on every API request. A bearer token stands alone (no cookie, no CSRF).
 * A session cookie yields an actor only once sign-in is complete (two-factor done); a
 * half-done session is exposed as `request.session` for the few routes that finish sign-in.
 * Cookie-authenticated writes must carry the session's CSRF token in X-CSRF-Token.
 */
export async function registerAuthentication(app: FastifyInstance, context: AppContext): Promise<void> {
  app.decorateRequest('actor', null as never);
  app.decorateRequest('session', undefined);
  app.decorateRequest('sessionCookie', undefined);
  app.decorateRequest('pendingActor', undefined);
  app.decorateRequest('actorUser', undefined);

  // A callback hook: a token answered from the cache costs no promise on the hot path.
  app.addHook('onRequest', (request, _reply, done) => {
    request.actor = { ...ANONYMOUS, ip: request.ip };
    if (!request.url.startsWith('/api/')) return done();
    try {
      const unsafe = !SAFE_METHODS.has(request.method);
      if (unsafe) checkOrigin(request, context.config.publicUrl);
      const authorization = request.headers.authorization;
      if (authorization === undefined) {
        authenticateSession(request, unsafe).then(() => done(), done);
        return;
      }
      const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
      const acceptToken = (holder: TokenHolder | undefined) => {
        if (!holder) throw new AppError('token_invalid', 'The API token is not valid, expired or revoked');
        if (unsafe && !holder.actor.scopes.includes('write')) throw new AppError('insufficient_scope', 'This token may only read (scope "read"); writing needs scope "write"');
        request.actor = holder.actor;
        request.actorUser = holder.user;
      };
      const cached = token ? tokenFromCache(context, token, request.ip) : undefined;
      if (cached !== CACHE_MISS) {
        acceptToken(cached);
        return done();
      }
      authenticateToken(context, context.db, token!, request.ip).then((holder) => {
        acceptToken(holder);
        done();
      }, done).catch(done);
    } catch (error) {
      done(error as Error);
    }
  });

  async function authenticateSession(request: FastifyRequest, unsafe: boolean): Promise<void> {
    const cookieValue = readSessionCookie(request);
    if (!cookieValue) return;
    request.sessionCookie = cookieValue;
    const session = await resolveSession(context, context.db, cookieValue);
    if (!session) return;
    if (unsafe && !safeEqual(String(request.headers['x-csrf-token'] ?? ''), session.csrf_token)) {
      throw new AppError('csrf_failed', 'Missing or wrong X-CSRF-Token header; reload the page and try again');
    }
    request.session = session;
    const user = await findUserById(context.db, session.user_id);
    if (!user || user.disabled_at !== null) return;
    const actor: UserActor = {
      kind: 'user',
      userId: user.id,
      email: user.email,
      roles: userRoles(user),
      via: 'session',
      scopes: ['read', 'write'],
      sessionId: session.id,
      ip: request.ip,
    };
    if (session.stage === 'full') {
      request.actor = actor;
      request.actorUser = user;
    } else request.pendingActor = actor;
  }
}

/**
 * Browsers send Origin on cross-site writes; one from elsewhere is refused even before CSRF
 * tokens (this also covers sign-in, which has no session yet).
 */
function checkOrigin(request: FastifyRequest, publicUrl: string): void {
  const origin = request.headers.origin;
  if (!origin) return;
  const allowed = new Set([new URL(publicUrl).origin, `${request.protocol}://${request.headers.host ?? ''}`]);
  if (!allowed.has(origin)) throw new AppError('csrf_failed', `Requests from ${origin} are not accepted`);
}

/** The signed-in user, or a 401/403 that says what is missing. */
export function requireUser(request: FastifyRequest): UserActor {
  if (request.actor.kind === 'user') return request.actor;
  if (request.session?.stage === 'mfa_pending') throw new AppError('mfa_required', 'Enter your two-factor code to finish signing in');
  if (request.session?.stage === 'mfa_enrollment') {
    throw new AppError('mfa_enrollment_required', 'Staff accounts must set up two-factor authentication before anything else');
  }
  throw new AppError('authentication_required', 'Sign in or send an API token (Authorization: Bearer …)');
}

/**
 * The user of a session in enrolment, allowed only on the two-factor setup routes (a staff
 * member's first sign-in), or a fully signed-in user.
 */
export function requireUserOrEnrolling(request: FastifyRequest): UserActor {
  if (request.actor.kind !== 'user' && request.session?.stage === 'mfa_enrollment' && request.pendingActor) return request.pendingActor;
  return requireUser(request);
}
