import { forbidden, notFound } from '../../shared/errors.js';
import { hasRole, isStaffActor, type Actor } from '../auth/actor.js';

/** Drafts are private to staff: anyone else is told the advisory does not exist. */
export function canSeeDrafts(actor: Actor): boolean {
  return isStaffActor(actor);
}

export function assertCanSeeDraft(actor: Actor): void {
  if (!canSeeDrafts(actor)) throw notFound('Advisory');
}

/** Writing drafts: the people who handle reports and CVEs (auditors only read). */
export function assertCanEditAdvisories(actor: Actor): void {
  if (actor.kind === 'system' || hasRole(actor, 'triager', 'lead', 'cna')) return;
  throw forbidden('Only triagers, leads and the CNA team write advisories');
}

/** Publishing (and signing what is published) is a lead's deliberate act. */
export function assertCanPublishAdvisories(actor: Actor): void {
  if (actor.kind === 'system' || hasRole(actor, 'lead')) return;
  throw forbidden('Only leads publish advisories');
}
