import { forbidden } from '../../shared/errors.js';
import { hasRole, isStaffActor, type Actor } from '../auth/actor.js';

/** Every staff role may browse the audit log; the CLI operator may too. */
export function assertCanReadAudit(actor: Actor): void {
  if (!isStaffActor(actor)) throw forbidden('Only staff may read the audit log');
}

/** Export and verification are for auditors and leads. */
export function assertCanExportAudit(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (!hasRole(actor, 'lead', 'auditor')) throw forbidden('Only auditors and leads may export or verify the audit log');
}

/** Leads and auditors (and the operator) see addresses and client IPs; other staff see them masked. */
export function canSeeFullAudit(actor: Actor): boolean {
  return actor.kind === 'system' || hasRole(actor, 'lead', 'auditor');
}
