import { forbidden } from '../../shared/errors.js';
import { hasRole, type Actor } from '../auth/actor.js';
import { canReadAllReports } from '../reports/report.policy.js';

/** Triagers and leads award rewards (and see the suggested range). */
export function canAwardRewards(actor: Actor): boolean {
  return actor.kind === 'system' || hasRole(actor, 'triager', 'lead');
}

export function assertCanAwardRewards(actor: Actor): void {
  if (!canAwardRewards(actor)) throw forbidden('Only triagers and leads may award rewards');
}

/** The ledger (every reward, payouts, the CSV export, paid/cancelled) is for leads. */
export function assertCanManageLedger(actor: Actor): void {
  if (actor.kind === 'system' || hasRole(actor, 'lead')) return;
  throw forbidden('Only leads may see the rewards ledger and mark rewards paid or cancelled');
}

/**
 * Staff who read every report see every reward on it; anyone else (the submitter, a
 * collaborator) only their own entries.
 */
export function canSeeAllRewardsOnReport(actor: Actor): boolean {
  return canReadAllReports(actor);
}
