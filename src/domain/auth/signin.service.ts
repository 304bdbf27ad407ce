import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError } from '../../shared/errors.js';
import { isStaff } from '../../shared/roles.js';
import { dummySecretHash, verifySecret } from '../../security/password.js';
import { recordAudit } from '../audit/audit.service.js';
import { findUserByEmailForUpdate, findUserByIdForUpdate } from '../users/user.repository.js';
import { clearFailures, lockedOut, noteFailure, notePhantomFailure, phantomLock } from './failures.js';
import { userRoles, type UserRow } from '../users/user.js';
import type { Actor } from './actor.js';
import { createSession, setSessionStage, type NewSession, type SessionRow, type SessionStage } from './session.service.js';
import { verifySecondFactor } from './two-factor.service.js';


export interface SignInInput {
  email: string;
  password: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
  /** The cookie of a session this sign-in replaces. */
  replacing?: string | undefined;
}

/**
 * A failed attempt must still commit (the failure counter, the audit event), so failures are
 * returned rather than thrown; the caller throws after the transaction commits.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** The stage a fresh password sign-in starts in: staff must use (or first set up) two-factor. */
export function stageAfterPassword(user: UserRow): SessionStage {
  if (user.totp_enabled_at !== null) return 'mfa_pending';
  return isStaff(userRoles(user)) ? 'mfa_enrollment' : 'full';
}

/** The account as an actor, for events recorded while its session is still being made. */
function sessionActor(user: UserRow, ip: string | undefined): Actor {
  return { kind: 'user', userId: user.id, email: user.email, roles: userRoles(user), via: 'session', scopes: [], ip };
}

export async function signIn(context: AppContext, trx: Executor, input: SignInInput): Promise<Outcome<NewSession & { user: UserRow }>> {
  const wrong = { ok: false as const, error: new AppError('invalid_credentials', 'The email or password is wrong') };
  const user = await findUserByEmailForUpdate(trx, context.engine, input.email.trim().toLowerCase());
  if (!user || user.password_hash === null) {
    // An address with no account locks like one that has: the lock must not tell them apart.
    const phantom = phantomLock(context, input.email);
    if (phantom) return { ok: false, error: phantom };
    await verifySecret(await dummySecretHash(), input.password);
    notePhantomFailure(context, input.email);
    return wrong;
  }
  const locked = lockedOut(context, user);
  if (locked) return { ok: false, error: locked };
  const actor: Actor = { kind: 'anonymous', ip: input.ip };
  if (!(await verifySecret(user.password_hash, input.password))) {
    await noteFailure(context, trx, user, actor, 'auth.signin_failed');
    return wrong;
  }
  if (user.disabled_at !== null) return { ok: false, error: new AppError('account_disabled', 'This account has been disabled') };
  if (user.email_verified_at === null) {
    return { ok: false, error: new AppError('email_not_verified', 'Verify your email address first: follow the link we sent you') };
  }
  await clearFailures(context, trx, user.id);
  const stage = stageAfterPassword(user);
  const created = await createSession(context, trx, user, stage, input);
  await recordAudit(context, trx, sessionActor(user, input.ip), {
    action: 'auth.signin',
    objectType: 'session',
    objectId: created.session.id,
    data: { stage },
  });
  return { ok: true, value: { ...created, user } };
}

/**
 * Completes a `mfa_pending` session with a TOTP code or a recovery code. The session's id stays
 * (its cookie was issued moments ago at the password step).
 */
export async function completeSecondFactor(context: AppContext, trx: Executor, session: SessionRow, code: string): Promise<Outcome<UserRow>> {
  if (session.stage !== 'mfa_pending') return { ok: false, error: new AppError('conflict', 'This session is not waiting for a two-factor code') };
  const user = await findUserByIdForUpdate(trx, context.engine, session.user_id);
  if (!user) return { ok: false, error: new AppError('authentication_required', 'Sign in again') };
  const locked = lockedOut(context, user);
  if (locked) return { ok: false, error: locked };
  const actor = sessionActor(user, session.ip ?? undefined);
  const verdict = await verifySecondFactor(context, trx, user, code);
  if (!verdict.ok) {
    await noteFailure(context, trx, user, actor, 'auth.mfa_failed');
    return verdict;
  }
  await clearFailures(context, trx, user.id);
  await setSessionStage(trx, session.id, 'full');
  await recordAudit(context, trx, actor, {
    action: 'auth.mfa_passed',
    objectType: 'session',
    objectId: session.id,
    data: { method: verdict.value },
  });
  return { ok: true, value: user };
}
