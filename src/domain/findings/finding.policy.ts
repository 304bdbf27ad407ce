import { forbidden } from '../../shared/errors.js';
import { hasRole, type Actor } from '../auth/actor.js';
import type { CandidateProvenance } from './finding-origin.js';

/**
 * Who may do what with outbound findings:
 * - triagers and leads import findings and SBOMs, review candidates, and manage suppressions;
 *   the CLI operator (system actor) imports too;
 * - auditors read everything (queue, candidates, dashboard, suppressions), change nothing;
 * - a review is a person's decision: only triager and lead accounts approve or reject, never a
 *   system actor. A candidate found by a person needs a second engineer: neither its author nor its
 *   importer may approve it (assertCanApprove);
 * - leads register and retire the automated sources the gate trusts; triagers and auditors read them.
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
 * The review gate. A candidate counts as automated only when every finding of it does
 * (finding-origin.ts: declared automated *and* imported under a registered automated source by its
 * registered uploader); then one security engineer approves — a person, not the system's own
 * account that uploaded it (whoever holds that account's token could otherwise import and approve
 * alone). Otherwise a person found it, and the approver may be neither one of its finders nor
 * whoever imported its person findings — the file's claims are the importer's word.
 */
export function assertCanApprove(actor: Actor, provenance: Pick<CandidateProvenance, 'origin' | 'reasons' | 'finderIds' | 'importerIds' | 'uploaderIds'>): void {
  assertCanReview(actor);
  if (provenance.uploaderIds.includes(actor.userId)) {
    throw forbidden('This account uploads the automated findings of this candidate: it is the automated system, and an engineer must review what it found');
  }
  if (provenance.origin === 'automated') return;
  const why = provenance.reasons[0] ? ` (${provenance.reasons[0]})` : '';
  if (provenance.finderIds.includes(actor.userId)) {
    throw forbidden(`You found this yourself: a second engineer who is not its author must approve it${why}`);
  }
  if (provenance.importerIds.includes(actor.userId)) {
    throw forbidden(`You imported this person-found candidate${why}: a second engineer who did not import it must approve it`);
  }
}

/** Registering and retiring automated sources decides whose word the review gate trusts: leads only. */
export function assertCanManageAutomatedSources(actor: Actor): asserts actor is Extract<Actor, { kind: 'user' }> {
  if (actor.kind === 'user' && hasRole(actor, 'lead')) return;
  throw forbidden('Only a lead may register or retire automated finding sources');
}

export function assertCanManageSuppressions(actor: Actor): void {
  if (canWorkOnFindings(actor)) return;
  throw forbidden('Only triagers and leads may change suppression rules');
}
