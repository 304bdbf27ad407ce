import type { AppContext } from '../../context.js';
import type { Engine, Executor } from '../../db/dialect.js';
import { AppError, forbidden } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { isStaff } from '../../shared/roles.js';
import { iso } from '../../shared/time.js';
import { base32Encode, matchTotp, newTotpSecret, otpauthUrl } from '../../security/totp.js';
import { sha256 } from '../../security/random.js';
import { verifySecret } from '../../security/password.js';
import { randomBytes } from 'node:crypto';
import { recordAudit } from '../audit/audit.service.js';
import { findUserById, findUserByIdForUpdate, updateUser } from '../users/user.repository.js';
import { clearFailures, lockedOut, noteFailure } from './failures.js';
import { userRoles, type UserRow } from '../users/user.js';
import type { UserActor } from './actor.js';
import { setSessionStage } from './session.service.js';
import type { Outcome } from './signin.service.js';

const RECOVERY_CODE_COUNT = 10;

async function currentUser(trx: Executor, actor: UserActor, engine?: Engine): Promise<UserRow> {
  const user = engine ? await findUserByIdForUpdate(trx, engine, actor.userId) : await findUserById(trx, actor.userId);
  if (!user) throw new AppError('authentication_required', 'Sign in again');
  return user;
}

/**
 * Starts (or restarts) TOTP enrolment: a new secret, sealed at rest, not active until a code
 * from it is confirmed. Re-running setup while enabled is refused: disable or use recovery first.
 */
export async function beginTotpSetup(context: AppContext, trx: Executor, actor: UserActor) {
  const user = await currentUser(trx, actor);
  if (user.totp_enabled_at !== null) throw new AppError('conflict', 'Two-factor authentication is already on');
  const secret = newTotpSecret();
  await updateUser(trx, user.id, { totp_secret: context.secrets.seal(secret), totp_last_step: null, updated_at: iso(context.clock.now()) });
  await recordAudit(context, trx, actor, { action: 'user.mfa_setup_started', objectType: 'user', objectId: user.id });
  const url = otpauthUrl(secret, user.email, new URL(context.config.publicUrl).host);
  const { default: QRCode } = await import('qrcode');
  return { secret, otpauthUrl: url, qrDataUrl: await QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 1, width: 240 }) };
}

/** 16 base32 characters (80 bits) in groups of four: beyond guessing even if the hashes leak. */
function newRecoveryCode(): string {
  return base32Encode(randomBytes(10)).match(/.{4}/g)!.join('-');
}

function normaliseRecoveryCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

async function replaceRecoveryCodes(context: AppContext, trx: Executor, userId: string): Promise<string[]> {
  await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  const now = iso(context.clock.now());
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await trx
    .insertInto('recovery_codes')
    .values(codes.map((code) => ({ id: newId(), user_id: userId, code_hash: sha256(normaliseRecoveryCode(code)), used_at: null, created_at: now })))
    .execute();
  return codes;
}

/** Turns TOTP on with a first code; returns recovery codes, shown once. Completes an enrolment session. */
export async function confirmTotp(context: AppContext, trx: Executor, actor: UserActor, code: string): Promise<string[]> {
  const user = await currentUser(trx, actor);
  if (user.totp_enabled_at !== null) throw new AppError('conflict', 'Two-factor authentication is already on');
  if (user.totp_secret === null) throw new AppError('conflict', 'Start two-factor setup first');
  const step = matchTotp(context.secrets.open(user.totp_secret), code.trim(), context.clock.now(), null);
  if (step === null) throw new AppError('mfa_invalid', 'That code is not right; check the time on your device and try again', [{ field: '/code', message: 'wrong code' }]);
  const now = iso(context.clock.now());
  await updateUser(trx, user.id, { totp_enabled_at: now, totp_last_step: step, updated_at: now });
  const codes = await replaceRecoveryCodes(context, trx, user.id);
  if (actor.sessionId) await setSessionStage(trx, actor.sessionId, 'full');
  await recordAudit(context, trx, actor, { action: 'user.mfa_enabled', objectType: 'user', objectId: user.id });
  return codes;
}

/** Checks a TOTP code (never the same step twice) or spends a recovery code. */
export async function verifySecondFactor(context: AppContext, trx: Executor, user: UserRow, code: string): Promise<Outcome<'totp' | 'recovery_code'>> {
  const wrong = { ok: false as const, error: new AppError('mfa_invalid', 'That code is not right', [{ field: '/code', message: 'wrong code' }]) };
  if (user.totp_enabled_at === null || user.totp_secret === null) return wrong;
  const trimmed = code.trim();
  if (/^\d{6}$/.test(trimmed)) {
    const step = matchTotp(context.secrets.open(user.totp_secret), trimmed, context.clock.now(), user.totp_last_step);
    if (step === null) return wrong;
    // Spend the step only if no one spent it (or a later one) meanwhile: a code works once.
    const spent = await trx
      .updateTable('users')
      .set({ totp_last_step: step })
      .where('id', '=', user.id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
      .executeTakeFirst();
    return Number(spent.numUpdatedRows) === 1 ? { ok: true, value: 'totp' } : wrong;
  }
  const spent = await trx
    .updateTable('recovery_codes')
    .set({ used_at: iso(context.clock.now()) })
    .where('user_id', '=', user.id)
    .where('code_hash', '=', sha256(normaliseRecoveryCode(trimmed)))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(spent.numUpdatedRows) === 1 ? { ok: true, value: 'recovery_code' } : wrong;
}

export async function regenerateRecoveryCodes(context: AppContext, trx: Executor, actor: UserActor, code: string): Promise<Outcome<string[]>> {
  const user = await currentUser(trx, actor, context.engine);
  const locked = lockedOut(context, user);
  if (locked) return { ok: false, error: locked };
  const verdict = await verifySecondFactor(context, trx, user, code);
  if (!verdict.ok) {
    await noteFailure(context, trx, user, actor, 'auth.mfa_failed');
    return verdict;
  }
  await clearFailures(context, trx, user.id);
  const codes = await replaceRecoveryCodes(context, trx, user.id);
  await recordAudit(context, trx, actor, { action: 'user.recovery_codes_regenerated', objectType: 'user', objectId: user.id });
  return { ok: true, value: codes };
}

/** Reporters may turn two-factor off with their password; staff may not (it is mandatory). */
export async function disableTotp(context: AppContext, trx: Executor, actor: UserActor, password: string): Promise<Outcome<void>> {
  const user = await currentUser(trx, actor, context.engine);
  if (isStaff(userRoles(user))) throw forbidden('Two-factor authentication is mandatory for staff');
  const locked = lockedOut(context, user);
  if (locked) return { ok: false, error: locked };
  if (user.password_hash === null || !(await verifySecret(user.password_hash, password))) {
    await noteFailure(context, trx, user, actor, 'auth.password_check_failed');
    return { ok: false, error: new AppError('invalid_credentials', 'The password is wrong', [{ field: '/password', message: 'wrong password' }]) };
  }
  const now = iso(context.clock.now());
  await updateUser(trx, user.id, { totp_secret: null, totp_enabled_at: null, totp_last_step: null, updated_at: now });
  await trx.deleteFrom('recovery_codes').where('user_id', '=', user.id).execute();
  await recordAudit(context, trx, actor, { action: 'user.mfa_disabled', objectType: 'user', objectId: user.id });
  return { ok: true, value: undefined };
}
