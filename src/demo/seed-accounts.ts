import type { AppContext } from '../context.js';
import { beginTotpSetup, confirmTotp } from '../domain/auth/two-factor.service.js';
import type { UserActor } from '../domain/auth/actor.js';
import { createAccount } from '../domain/users/user.service.js';
import { findUserByEmail } from '../domain/users/user.repository.js';
import { userRoles } from '../domain/users/user.js';
import { randomToken } from '../security/random.js';
import { totpCode, totpStep } from '../security/totp.js';
import type { Role } from '../shared/roles.js';
import { inTransaction } from '../server/transaction.js';
import type { SystemActor } from '../domain/auth/actor.js';

export interface DemoAccount {
  email: string;
  name: string;
  roles: Role[];
  password: string;
  /** Staff only: the TOTP secret, to add to an authenticator app. */
  totpSecret?: string;
}

const PEOPLE: { email: string; name: string; roles: Role[] }[] = [
  { email: 'lead@demo.cvdesk.local', name: 'Lena Lead', roles: ['lead'] },
  { email: 'triager@demo.cvdesk.local', name: 'Tomás Triager', roles: ['triager'] },
  { email: 'cna@demo.cvdesk.local', name: 'Chidi CNA', roles: ['cna', 'triager'] },
  { email: 'auditor@demo.cvdesk.local', name: 'Aiko Auditor', roles: ['auditor'] },
  { email: 'researcher@demo.cvdesk.local', name: 'Rosa Researcher', roles: ['reporter'] },
  { email: 'hunter@demo.cvdesk.local', name: 'Hamid Hunter', roles: ['reporter'] },
];

/**
 * The demonstration organisation's people, made through the same services a lead would use.
 * Passwords are random and printed once; staff get two-factor set up with a printed secret.
 * Accounts that exist already are left alone (the demo can run twice).
 */
export async function seedDemoAccounts(context: AppContext, actor: SystemActor): Promise<DemoAccount[]> {
  const made: DemoAccount[] = [];
  for (const person of PEOPLE) {
    if (await findUserByEmail(context.db, person.email)) continue;
    const password = `demo-${randomToken(12)}`;
    const row = await inTransaction(context, (trx) => createAccount(context, trx, actor, { ...person, password, verified: true }));
    const account: DemoAccount = { ...person, password };
    if (person.roles.some((role) => role !== 'reporter')) {
      const self: UserActor = { kind: 'user', userId: row.id, email: row.email, roles: userRoles(row), via: 'session', scopes: ['read', 'write'] };
      const { secret } = await inTransaction(context, (trx) => beginTotpSetup(context, trx, self));
      await inTransaction(context, (trx) => confirmTotp(context, trx, self, totpCode(secret, totpStep(context.clock.now()))));
      account.totpSecret = secret;
    }
    made.push(account);
  }
  return made;
}
