import { forbidden, notFound } from '../../shared/errors.js';
import { hasRole, isStaffActor, type Actor } from '../auth/actor.js';
import type { ReportRow } from './report.js';

/** Staff read every report (auditors too); a reporter only their own. */
export function canReadAllReports(actor: Actor): boolean {
  return isStaffActor(actor);
}

/**
 * Anyone else is told the report does not exist: its existence is not theirs to learn. A
 * collaborator the submitter named reads it too (`isCollaborator`, looked up by the caller:
 * rewards/collaborators.ts `isReportCollaborator`).
 */
export function assertCanReadReport(actor: Actor, report: ReportRow, isCollaborator = false): void {
  if (canReadAllReports(actor)) return;
  if (actor.kind === 'user' && actor.userId === report.reporter_id) return;
  if (actor.kind === 'user' && isCollaborator) return;
  throw notFound('Report');
}

/** Triagers and leads work the inbox: states, severity, assignment, labels, internal notes. */
export function canTriage(actor: Actor): boolean {
  return actor.kind === 'system' || hasRole(actor, 'triager', 'lead');
}

export function assertCanTriage(actor: Actor, report: ReportRow): void {
  assertCanReadReport(actor, report);
  if (!canTriage(actor)) throw forbidden('Only triagers and leads may change a report');
}

/**
 * Internal notes are for staff who triage; the reporter's and collaborators' replies are always
 * public.
 */
export function assertCanComment(actor: Actor, report: ReportRow, internal: boolean, isCollaborator = false): void {
  assertCanReadReport(actor, report, isCollaborator);
  if (internal && !canTriage(actor)) throw forbidden('Only triagers and leads may write internal notes');
  const participant = actor.kind === 'user' && (actor.userId === report.reporter_id || isCollaborator);
  if (!internal && !canTriage(actor) && !participant) throw forbidden('Only the reporter, collaborators and triagers may reply on a report');
}

export function assertCanSubmit(actor: Actor): void {
  if (actor.kind !== 'user') throw forbidden('Sign in to submit a report');
}
