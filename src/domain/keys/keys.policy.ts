import { forbidden } from '../../shared/errors.js';
import { STAFF_ROLES } from '../../shared/roles.js';
import { hasRole, type Actor } from '../auth/actor.js';

/** Staff see which keys exist (public data); leads and the CLI operator add, rotate, revoke and sign. */
export function assertCanReadKeys(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (!hasRole(actor, ...STAFF_ROLES)) throw forbidden('Only staff may list the organisation keys');
}

export function assertCanManageKeys(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (!hasRole(actor, 'lead')) throw forbidden('Only leads may manage the organisation keys');
}
