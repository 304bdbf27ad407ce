import { forbidden } from '../../shared/errors.js';
import { hasRole, isStaffActor, type Actor } from '../auth/actor.js';

/** Staff (and the operator) read the directory; reporters never see it: it is the organisation's outbound work. */
export function assertCanReadVendors(actor: Actor): void {
  if (!isStaffActor(actor)) throw forbidden('Only staff may see the vendor directory');
}

/** Triagers and leads keep the directory and run discovery; auditors and CNA staff only read. */
export function assertCanManageVendors(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (!hasRole(actor, 'triager', 'lead')) throw forbidden('Only triagers and leads may change the vendor directory');
}
