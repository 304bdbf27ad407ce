import { forbidden } from '../../shared/errors.js';
import { hasRole, type Actor } from '../auth/actor.js';

/** Leads manage webhooks: they send report data out of cvdesk. */
export function assertCanManageWebhooks(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (!hasRole(actor, 'lead')) throw forbidden('Only leads may manage webhooks');
}
