import { forbidden, notFound } from '../../shared/errors.js';
import { hasRole, isStaffActor, type Actor } from '../auth/actor.js';
import type { ProgramRow } from './program.js';

/** Leads configure programmes; the CLI operator and the demo may too. */
export function assertCanManagePrograms(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (!hasRole(actor, 'lead')) throw forbidden('Only leads may configure programmes');
}

/** The member list names accounts: staff only. */
export function assertCanSeeMembers(actor: Actor): void {
  if (!isStaffActor(actor)) throw forbidden('Only staff may see who is invited to a programme');
}

/**
 * Public programmes are for everyone; invite-only ones for staff and invited members. Anyone
 * else is told the programme does not exist, so invitations stay private.
 */
export function assertCanSeeProgram(actor: Actor, program: ProgramRow, isMember: boolean): void {
  if (program.visibility === 'public' || isStaffActor(actor) || isMember) return;
  throw notFound('Programme');
}
