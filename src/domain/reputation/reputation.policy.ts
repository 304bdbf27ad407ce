import { forbidden } from '../../shared/errors.js';
import { hasRole, type Actor } from '../auth/actor.js';

/** Points per outcome and programmes' limits for low-signal reporters are set by leads. */
export function assertCanConfigureReputation(actor: Actor): void {
  if (actor.kind === 'system' || hasRole(actor, 'lead')) return;
  throw forbidden('Only leads may change reputation rules and submission limits');
}
