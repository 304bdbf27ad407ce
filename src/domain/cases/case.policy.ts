import { forbidden } from '../../shared/errors.js';
import type { Role } from '../../shared/roles.js';
import { hasRole, type Actor } from '../auth/actor.js';

/** The roles that read cases (the iCalendar feed, which has no actor, checks its owner's roles against these too). */
export const CASE_READER_ROLES: readonly Role[] = ['triager', 'lead', 'auditor'];

/**
 * Who may do what with outbound cases: triagers and leads run them, auditors read them, the
 * operator and cvdesk itself (jobs, mail intake) are not limited. Reporters and CNA staff have no
 * access: cases are the organisation's own outbound work. Vendors never act as users: they reach
 * their part of a case through a portal token (case-portal.ts).
 */
export function canReadCases(actor: Actor): boolean {
  return actor.kind === 'system' || hasRole(actor, ...CASE_READER_ROLES);
}

export function assertCanReadCases(actor: Actor): void {
  if (!canReadCases(actor)) throw forbidden('Only triagers, leads and auditors may see cases');
}

export function assertCanWriteCases(actor: Actor): void {
  if (actor.kind === 'system' || hasRole(actor, 'triager', 'lead')) return;
  throw forbidden('Only triagers and leads may change cases');
}

/** The organisation's disclosure-policy values: leads only. */
export function assertCanChangePolicySettings(actor: Actor): void {
  if (actor.kind === 'system' || hasRole(actor, 'lead')) return;
  throw forbidden('Only leads may change disclosure-policy settings');
}
