import { AppError, forbidden } from '../../shared/errors.js';
import { STAFF_ROLES } from '../../shared/roles.js';
import { hasRole, type Actor } from '../auth/actor.js';

/**
 * Who may do what in the CNA workflow:
 * - leads edit the CNA profile (scope, exclusions, organisation UUID); all staff read it, and its
 *   public part is the /cna page;
 * - the CNA role and leads decide eligibility, handle CVE requests and publish through CVE Services;
 *   triagers and auditors read decisions and the request queue;
 * - anyone (signed in or not) may request a CVE, and follows it by its receipt or their account.
 * The CLI operator and cvdesk itself are not limited.
 */
function refuse(actor: Actor, message: string): never {
  if (actor.kind === 'anonymous') throw new AppError('authentication_required', 'Sign in first');
  throw forbidden(message);
}

export function assertCanReadCnaProfile(actor: Actor): void {
  if (actor.kind === 'system' || hasRole(actor, ...STAFF_ROLES)) return;
  refuse(actor, 'Only staff may read the CNA profile');
}

export function assertCanChangeCnaProfile(actor: Actor): void {
  if (actor.kind === 'system' || hasRole(actor, 'lead')) return;
  refuse(actor, 'Only leads may change the CNA profile');
}

export function canActAsCna(actor: Actor): boolean {
  return actor.kind === 'system' || hasRole(actor, 'cna', 'lead');
}

export function assertCanActAsCna(actor: Actor): void {
  if (canActAsCna(actor)) return;
  refuse(actor, 'Only the CNA role and leads may do this');
}

export function assertCanReadCnaWork(actor: Actor): void {
  if (actor.kind === 'system' || hasRole(actor, 'cna', 'lead', 'triager', 'auditor')) return;
  refuse(actor, 'Only the CNA role, leads, triagers and auditors may see this');
}
