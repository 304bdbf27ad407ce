import type { AppContext } from '../../src/context.js';
import { systemActor, type UserActor } from '../../src/domain/auth/actor.js';
import { createApiToken } from '../../src/domain/auth/token.service.js';
import { beginTotpSetup, confirmTotp } from '../../src/domain/auth/two-factor.service.js';
import { createAccount } from '../../src/domain/users/user.service.js';
import { userRoles, type UserRow } from '../../src/domain/users/user.js';
import { totpCode, totpStep } from '../../src/security/totp.js';
import type { Role } from '../../src/shared/roles.js';
import { inTransaction } from '../../src/server/transaction.js';

let sequence = 0;
export const TEST_PASSWORD = 'correct horse battery staple';

export interface BuiltUser {
  row: UserRow;
  actor: UserActor;
  /** A read+write API token. */
  token: string;
  /** The TOTP secret, when two-factor was set up. */
  totpSecret?: string;
}

export function actorFor(row: UserRow): UserActor {
  return { kind: 'user', userId: row.id, email: row.email, roles: userRoles(row), via: 'token', scopes: ['read', 'write'] };
}

/** An account made as an operator would, with a password, a token and (for staff, by default) TOTP. */
export async function buildUser(
  context: AppContext,
  options: { roles?: Role[]; email?: string; verified?: boolean; mfa?: boolean; scopes?: ('read' | 'write')[] } = {},
): Promise<BuiltUser> {
  const roles = options.roles ?? ['reporter'];
  const email = options.email ?? `user${++sequence}-${Date.now().toString(36)}@example.org`;
  const row = await inTransaction(context, (trx) =>
    createAccount(context, trx, systemActor('test'), { email, roles, password: TEST_PASSWORD, verified: options.verified ?? true }),
  );
  const actor = actorFor(row);
  const { token } = await inTransaction(context, (trx) => createApiToken(context, trx, actor, row.id, { name: 'test', scopes: options.scopes ?? ['read', 'write'] }));
  let totpSecret: string | undefined;
  if (options.mfa ?? roles.some((r) => r !== 'reporter')) {
    const { secret } = await inTransaction(context, (trx) => beginTotpSetup(context, trx, actor));
    // One step back, so a sign-in in the same step can still use the current code.
    await inTransaction(context, (trx) => confirmTotp(context, trx, actor, totpCode(secret, totpStep(context.clock.now()) - 1)));
    totpSecret = secret;
  }
  return { row, actor, token, ...(totpSecret ? { totpSecret } : {}) };
}
