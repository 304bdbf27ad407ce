import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError } from '../../shared/errors.js';
import { iso } from '../../shared/time.js';
import { checkPasswordStrength, hashSecret, verifySecret } from '../../security/password.js';
import { recordAudit } from '../audit/audit.service.js';
import { sendMail } from '../mail/mail.service.js';
import { countUsers, findUserByEmail, findUserById, findUserByIdForUpdate, updateUser } from '../users/user.repository.js';
import { lockedOut, noteFailure } from './failures.js';
import type { Outcome } from './signin.service.js';
import { createAccount } from '../users/user.service.js';
import { assertCanManageUsers } from '../users/user.policy.js';
import { normaliseEmail, normaliseName, type UserRow } from '../users/user.js';
import { systemActor, type Actor, type UserActor } from './actor.js';
import { consumeEmailToken, issueEmailToken } from './email-token.service.js';
import { deleteUserSessions } from './session.service.js';

const VERIFY_TTL_HOURS = 48;
const RESET_TTL_HOURS = 1;
const SETUP_TTL_HOURS = 72;

function link(context: AppContext, pathAndQuery: string): string {
  return `${context.config.publicUrl}${pathAndQuery}`;
}

/**
 * Self sign-up for external reporters; the account works once the emailed link is followed.
 * The answer is the same whether or not the address has an account (no account enumeration):
 * an existing holder gets a mail saying someone tried, with the way to sign in or reset.
 */
export async function signUp(context: AppContext, trx: Executor, input: { email: string; name?: string | undefined; password: string; ip?: string | undefined }): Promise<void> {
  const email = normaliseEmail(input.email);
  // Every check on the input comes before looking the address up, so errors cannot tell either.
  normaliseName(input.name, email);
  checkPasswordStrength(input.password, '/password', email);
  const existing = await findUserByEmail(trx, email);
  if (existing) {
    // Spend the time a new account costs (argon2), so the answer's timing tells nothing either.
    await hashSecret(input.password);
    await sendMail(context, trx, {
      to: existing.email,
      subject: 'Someone tried to sign up to cvdesk with your address',
      text: `Hello ${existing.name},\n\nsomeone (perhaps you) tried to create a cvdesk account with this address, which already has one. Nothing was changed.\n\nSign in: ${link(context, '/signin')}\nForgot your password? ${link(context, '/forgot-password')}\n`,
    });
    return;
  }
  const actor: Actor = { kind: 'anonymous', ip: input.ip };
  const user = await createAccount(context, trx, actor, { email, name: input.name, password: input.password, roles: ['reporter'], verified: false });
  const token = await issueEmailToken(context, trx, user.id, 'verify_email', VERIFY_TTL_HOURS);
  await sendMail(context, trx, {
    to: user.email,
    subject: 'Confirm your email address for cvdesk',
    text: `Hello ${user.name},\n\nconfirm your email address by opening this link within ${VERIFY_TTL_HOURS} hours:\n\n${link(context, `/verify-email?token=${token}`)}\n\nIf you did not sign up, ignore this message.\n`,
  });
}

export async function verifyEmail(context: AppContext, trx: Executor, token: string): Promise<void> {
  const userId = await consumeEmailToken(context, trx, 'verify_email', token);
  const now = iso(context.clock.now());
  await updateUser(trx, userId, { email_verified_at: now, updated_at: now });
  await recordAudit(context, trx, systemActor('email link'), { action: 'user.email_verified', objectType: 'user', objectId: userId });
}

/**
 * Always answers the same way whether or not the account exists, so the form cannot be used to
 * find out who has an account.
 */
export async function requestPasswordReset(context: AppContext, trx: Executor, rawEmail: string): Promise<void> {
  let email: string;
  try {
    email = normaliseEmail(rawEmail);
  } catch {
    return;
  }
  const user = await findUserByEmail(trx, email);
  if (!user || user.disabled_at !== null) return;
  const token = await issueEmailToken(context, trx, user.id, 'reset_password', RESET_TTL_HOURS);
  await sendMail(context, trx, {
    to: user.email,
    subject: 'Reset your cvdesk password',
    text: `Hello ${user.name},\n\nsomeone asked to reset the password of this account. To choose a new password, open this link within an hour:\n\n${link(context, `/reset-password?token=${token}`)}\n\nIf it was not you, ignore this message: your password has not changed.\n`,
  });
  await recordAudit(context, trx, systemActor('password reset'), { action: 'user.password_reset_requested', objectType: 'user', objectId: user.id });
}

/** Sets a new password from an emailed link; this also proves the mailbox, and signs out everywhere. */
export async function completePasswordReset(context: AppContext, trx: Executor, token: string, password: string): Promise<void> {
  const userId = await consumeEmailToken(context, trx, 'reset_password', token);
  const user = (await findUserById(trx, userId))!;
  checkPasswordStrength(password, '/password', user.email);
  const now = iso(context.clock.now());
  await updateUser(trx, userId, {
    password_hash: await hashSecret(password),
    email_verified_at: user.email_verified_at ?? now,
    failed_signins: 0,
    locked_until: null,
    updated_at: now,
  });
  await deleteUserSessions(trx, userId);
  await recordAudit(context, trx, systemActor('password reset'), { action: 'user.password_reset', objectType: 'user', objectId: userId });
}

/** Failures count towards the account's lock, as at sign-in: a stolen session is no password oracle. */
export async function changePassword(context: AppContext, trx: Executor, actor: UserActor, current: string, next: string): Promise<Outcome<void>> {
  const user = (await findUserByIdForUpdate(trx, context.engine, actor.userId))!;
  const locked = lockedOut(context, user);
  if (locked) return { ok: false, error: locked };
  if (user.password_hash === null || !(await verifySecret(user.password_hash, current))) {
    await noteFailure(context, trx, user, actor, 'auth.password_check_failed');
    return { ok: false, error: new AppError('invalid_credentials', 'The current password is wrong', [{ field: '/currentPassword', message: 'wrong password' }]) };
  }
  checkPasswordStrength(next, '/newPassword', user.email);
  await updateUser(trx, user.id, { password_hash: await hashSecret(next), updated_at: iso(context.clock.now()) });
  await deleteUserSessions(trx, user.id, actor.sessionId);
  await recordAudit(context, trx, actor, { action: 'user.password_changed', objectType: 'user', objectId: user.id });
  return { ok: true, value: undefined };
}

/** A single-use link with which a person without a password sets one (invited staff, the first admin). */
export async function issueSetupLink(context: AppContext, trx: Executor, user: UserRow): Promise<string> {
  const token = await issueEmailToken(context, trx, user.id, 'reset_password', SETUP_TTL_HOURS);
  return link(context, `/reset-password?token=${token}&setup=1`);
}

/** A lead invites someone: the account exists at once and its holder sets a password by mail. */
export async function inviteUser(context: AppContext, trx: Executor, actor: Actor, input: { email: string; name?: string | undefined; roles: readonly string[] }): Promise<UserRow> {
  assertCanManageUsers(actor);
  const user = await createAccount(context, trx, actor, { ...input, verified: true });
  const setup = await issueSetupLink(context, trx, user);
  await sendMail(context, trx, {
    to: user.email,
    subject: 'You have been invited to cvdesk',
    text: `Hello ${user.name},\n\nan account has been made for you on cvdesk (${context.config.publicUrl}). Choose your password within ${SETUP_TTL_HOURS} hours:\n\n${setup}\n\nStaff accounts set up two-factor authentication at first sign-in.\n`,
  });
  return user;
}

/**
 * On first start with no accounts: makes the first lead without a password and returns a
 * one-time setup link for the console. Never a default password.
 */
export async function bootstrapFirstAdmin(context: AppContext, trx: Executor, email: string): Promise<string | undefined> {
  if ((await countUsers(trx)) > 0) return undefined;
  const user = await createAccount(context, trx, systemActor('first start'), { email, name: 'Administrator', roles: ['lead'], verified: true });
  return issueSetupLink(context, trx, user);
}
