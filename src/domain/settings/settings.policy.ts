import { forbidden } from '../../shared/errors.js';
import { STAFF_ROLES } from '../../shared/roles.js';
import { hasRole, type Actor } from '../auth/actor.js';

/** Staff read the organisation's settings; leads (and the CLI operator) change them. */
export function assertCanReadSettings(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (!hasRole(actor, ...STAFF_ROLES)) throw forbidden('Only staff may read the settings');
}

export function assertCanChangeSettings(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (!hasRole(actor, 'lead')) throw forbidden('Only leads may change the settings');
}
