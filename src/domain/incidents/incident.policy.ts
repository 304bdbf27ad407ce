import { forbidden, notFound } from '../../shared/errors.js';
import { hasRole, type Actor } from '../auth/actor.js';
import type { IncidentRow } from './incident.js';

/**
 * Who may do what with sealed incidents:
 * - anyone (signed in or not) submits one; anonymous reporters come back with their receipt;
 * - triagers and leads act: read the ciphertext, reply, acknowledge, close, unseal, fetch the
 *   protected private key;
 * - auditors read metadata (the list), never the ciphertext;
 * - any other account sees only its own incidents (what it submitted while signed in);
 * - the CLI operator and cvdesk itself (jobs, mail intake) are not limited.
 * Someone else's incident is reported as absent, not as forbidden.
 */
export function canActOnIncidents(actor: Actor): boolean {
  return actor.kind === 'system' || hasRole(actor, 'triager', 'lead');
}

export function canListAllIncidents(actor: Actor): boolean {
  return canActOnIncidents(actor) || hasRole(actor, 'auditor');
}

export function isIncidentOwner(actor: Actor, incident: Pick<IncidentRow, 'reporter_id'>): boolean {
  return actor.kind === 'user' && incident.reporter_id !== null && incident.reporter_id === actor.userId;
}

/** Reading the sealed content (the ciphertext): triagers, leads and the incident's own reporter. */
export function assertCanReadIncident(actor: Actor, incident: IncidentRow): void {
  if (canActOnIncidents(actor) || isIncidentOwner(actor, incident)) return;
  if (hasRole(actor, 'auditor')) throw forbidden('Auditors see incident metadata (GET /api/v1/incidents), not sealed content');
  throw notFound('Incident');
}

/** Acknowledge, close, unseal, reply as staff. */
export function assertCanActOnIncident(actor: Actor, incident: IncidentRow): void {
  if (canActOnIncidents(actor)) return;
  if (isIncidentOwner(actor, incident)) throw forbidden('Only triagers and leads may do this');
  assertCanReadIncident(actor, incident);
  throw forbidden('Only triagers and leads may do this');
}

/** A message on an incident: staff reply, or more information from its own reporter. */
export function assertCanWriteOnIncident(actor: Actor, incident: IncidentRow): void {
  if (canActOnIncidents(actor) || isIncidentOwner(actor, incident)) return;
  assertCanReadIncident(actor, incident);
}

/** The passphrase-protected private keys: whoever decrypts sealed incidents in the browser. */
export function assertCanFetchPrivateKey(actor: Actor): void {
  if (canActOnIncidents(actor)) return;
  throw forbidden('Only triagers and leads may fetch the protected private key');
}

export function assertCanReadIncidentSettings(actor: Actor): void {
  if (canListAllIncidents(actor)) return;
  throw forbidden('Only triagers, leads and auditors may read the incident settings');
}

export function assertCanChangeIncidentSettings(actor: Actor): void {
  if (actor.kind === 'system' || hasRole(actor, 'lead')) return;
  throw forbidden('Only leads may change the incident settings');
}

/** Listing needs an account: staff see every incident, others their own. */
export function assertCanListIncidents(actor: Actor): void {
  if (actor.kind === 'anonymous') throw forbidden('Sign in to list incidents');
}
