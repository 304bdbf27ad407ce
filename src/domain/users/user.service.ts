import type { AppContext } from '../../context.js';
import type { Executor } from '../../db/dialect.js';
import { AppError, invalid, notFound } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { isStaff, type Role } from '../../shared/roles.js';
import { iso } from '../../shared/time.js';
import { checkPasswordStrength, hashSecret } from '../../security/password.js';
import { recordAudit } from '../audit/audit.service.js';
import { isStaffActor, type Actor } from '../auth/actor.js';
import { deleteUserSessions } from '../auth/session.service.js';
import { findUserByEmail, findUserById, findUsers, insertUser, updateUser, type UserFilter } from './user.repository.js';
import { assertCanListUsers, assertCanManageUsers } from './user.policy.js';
import { normaliseEmail, normaliseName, normaliseRoles, presentUser, userRoles, type UserRow, type UserView } from './user.js';

export interface NewAccount {
  email: string;
  name?: string | undefined;
  roles: readonly string[];
  /** Omitted: the person sets one through an emailed link. */
  password?: string | undefined;
  /** Accounts made by an operator or a lead count as verified. */
  verified: boolean;
}

/** Creates an account (the one home for inserting users: sign-up, CLI, admin, first start). */
export async function createAccount(context: AppContext, trx: Executor, actor: Actor, input: NewAccount): Promise<UserRow> {
  const email = normaliseEmail(input.email);
  const roles = normaliseRoles(input.roles);
  const name = normaliseName(input.name, email);
  if (input.password !== undefined) checkPasswordStrength(input.password, '/password', email);
  if (await findUserByEmail(trx, email)) throw new AppError('email_taken', 'An account with this email already exists', [{ field: '/email', message: 'already registered' }]);
  const now = iso(context.clock.now());
  const row: UserRow = {
    id: newId(),
    email,
    name,
    password_hash: input.password === undefined ? null : await hashSecret(input.password),
    roles: JSON.stringify(roles),
    email_verified_at: input.verified ? now : null,
    disabled_at: null,
    totp_secret: null,
    totp_enabled_at: null,
    totp_last_step: null,
    failed_signins: 0,
    locked_until: null,
    created_at: now,
    updated_at: now,
  };
  await insertUser(trx, row);
  await recordAudit(context, trx, actor, { action: 'user.created', objectType: 'user', objectId: row.id, data: { email, roles, verified: input.verified } });
  return row;
}

export async function listUsers(context: AppContext, db: Executor, actor: Actor, filter: UserFilter): Promise<UserView[]> {
  assertCanListUsers(actor);
  return (await findUsers(db, context.engine, filter)).map(presentUser);
}

export async function getUser(db: Executor, id: string): Promise<UserRow> {
  const user = await findUserById(db, id);
  if (!user) throw notFound('Account');
  return user;
}

export async function getUserByEmail(db: Executor, email: string): Promise<UserRow> {
  const user = await findUserByEmail(db, email.trim().toLowerCase());
  if (!user) throw notFound(`Account ${email}`);
  return user;
}

export interface AccountChanges {
  roles?: readonly string[] | undefined;
  disabled?: boolean | undefined;
}

/** Changes roles or disables an account. A lead cannot lock themself out of administration. */
export async function changeAccount(context: AppContext, trx: Executor, actor: Actor, id: string, changes: AccountChanges): Promise<UserRow> {
  assertCanManageUsers(actor);
  const user = await getUser(trx, id);
  const self = actor.kind === 'user' && actor.userId === id;
  const now = iso(context.clock.now());
  let roles: Role[] | undefined;
  if (changes.roles !== undefined) {
    roles = normaliseRoles(changes.roles);
    if (self && !roles.includes('lead')) throw invalid('/roles', 'you cannot remove your own lead role');
  }
  if (changes.disabled === true && self) throw invalid('/disabled', 'you cannot disable your own account');
  const update = {
    ...(roles ? { roles: JSON.stringify(roles) } : {}),
    ...(changes.disabled === undefined ? {} : { disabled_at: changes.disabled ? now : null }),
    updated_at: now,
  };
  await updateUser(trx, id, update);
  // A disabled account, or one whose roles changed, signs in again under the new rules.
  if (changes.disabled || roles) {
    await deleteUserSessions(trx, id);
    context.tokenCache.clear(context.clock.now().getTime());
  }
  // Tokens made while the account was a reporter were made without two-factor: they must not
  // become staff credentials. The person makes new ones after signing in with two-factor.
  if (roles && isStaff(roles) && !isStaff(userRoles(user))) {
    await trx.updateTable('api_tokens').set({ revoked_at: now }).where('user_id', '=', id).where('revoked_at', 'is', null).execute();
  }
  await recordAudit(context, trx, actor, {
    action: 'user.changed',
    objectType: 'user',
    objectId: id,
    data: { ...(roles ? { roles, previousRoles: userRoles(user) } : {}), ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }) },
  });
  return (await findUserById(trx, id))!;
}

export interface StaffMember {
  id: string;
  name: string;
  roles: Role[];
}

/**
 * The people reports can be assigned to (active triagers and leads), by name: what any staff
 * member needs to assign and to read assignments, without the account list's addresses.
 */
export async function listAssignableStaff(db: Executor, actor: Actor): Promise<StaffMember[]> {
  if (!isStaffActor(actor)) throw new AppError('forbidden', 'Only staff see the staff directory');
  const rows = await db.selectFrom('users').select(['id', 'name', 'roles', 'disabled_at']).where('disabled_at', 'is', null).orderBy('name').execute();
  return rows
    .map((row) => ({ id: row.id, name: row.name, roles: userRoles(row) }))
    .filter((member) => member.roles.includes('triager') || member.roles.includes('lead'));
}
