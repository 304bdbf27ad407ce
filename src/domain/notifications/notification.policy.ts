import { forbidden } from '../../shared/errors.js';
import type { Actor, UserActor } from '../auth/actor.js';

/**
 * Notifications and preferences belong to one person: every query is scoped to the actor's own
 * id, so nobody can read or mark someone else's (their ids simply match nothing).
 */
export function assertHasInbox(actor: Actor): asserts actor is UserActor {
  if (actor.kind !== 'user') throw forbidden('Notifications belong to a signed-in account');
}
