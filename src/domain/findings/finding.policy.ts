import { forbidden } from '../../shared/errors.js';
import { hasRole, type Actor } from '../auth/actor.js';

/**
 * Who may do what with outbound findings:
 * - triagers and leads import findings and SBOMs, review candidates, and manage suppressions;
 *   the CLI operator (system actor) imports too;
 * - auditors read everything (queue, candidates, dashboard, suppressions), change nothing;
 * - a review is a person's decision: only triager and lead accounts approve or reject, never a
 *   system actor. A candidate found by a person needs a second engineer: its author may not approve
 *   it (assertCanApprove).
 */
export function canWorkOnFindings(actor: Actor): boolean {
  return actor.kind === 'system' || hasRole(actor, 'triager', 'lead');
}

export function assertCanReadFindings(actor: Actor): void {
  if (canWorkOnFindings(actor) || hasRole(actor, 'auditor')) return;
  throw forbidden('Only triagers, leads and auditors may see outbound findings');
}

export function assertCanImportFindings(actor: Actor): void {
  if (canWorkOnFindings(actor)) return;
  throw forbidden('Only triagers and leads may import findings');
}

export function assertCanReview(actor: Actor): asserts actor is Extract<Actor, { kind: 'user' }> {
  if (actor.kind === 'user' && hasRole(actor, 'triager', 'lead')) return;
  throw forbidden('Only a triager or lead (a person, not the command line) may review a candidate');
}

/**
 * The review gate. Automated findings need one security engineer's approval; a candidate with any
 * finding from a person needs an engineer who is not one of its authors.
 */
export function assertCanApprove(actor: Actor, candidate: { origin: string }, authorIds: readonly string[]): void {
  assertCanReview(actor);
  if (candidate.origin === 'person' && authorIds.includes(actor.userId)) {
    throw forbidden('You found this yourself: a second engineer who is not its author must approve it');
  }
}

export function assertCanManageSuppressions(actor: Actor): void {
  if (canWorkOnFindings(actor)) return;
  throw forbidden('Only triagers and leads may change suppression rules');
}
