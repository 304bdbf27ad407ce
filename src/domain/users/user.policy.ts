import { forbidden } from '../../shared/errors.js';
import { hasRole, type Actor } from '../auth/actor.js';

/** Leads administer accounts; auditors may look; the CLI operator may do both. */
export function assertCanListUsers(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (!hasRole(actor, 'lead', 'auditor')) throw forbidden('Only leads and auditors may list accounts');
}

export function assertCanManageUsers(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (!hasRole(actor, 'lead')) throw forbidden('Only leads may manage accounts');
}
