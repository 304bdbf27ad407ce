import { isStaff, type Role, type TokenScope } from '../../shared/roles.js';

/**
 * Who is acting. Services and policies take an Actor, never a request, so the API, the CLI and
 * jobs are held to the same rules.
 */
export type Actor = AnonymousActor | UserActor | SystemActor;

export interface AnonymousActor {
  kind: 'anonymous';
  ip?: string | undefined;
}

export interface UserActor {
  kind: 'user';
  userId: string;
  email: string;
  roles: Role[];
  via: 'session' | 'token';
  /** Token scopes; a session holds every scope. */
  scopes: TokenScope[];
  sessionId?: string | undefined;
  tokenId?: string | undefined;
  ip?: string | undefined;
}

/** The operator at the command line, or cvdesk itself (jobs, first start). */
export interface SystemActor {
  kind: 'system';
  label: string;
}

export const ANONYMOUS: AnonymousActor = { kind: 'anonymous' };

export function systemActor(label: string): SystemActor {
  return { kind: 'system', label };
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return actor.kind === 'user' && actor.roles.some((role) => roles.includes(role));
}

export function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'user':
      return actor.email;
    case 'system':
      return actor.label;
    case 'anonymous':
      return 'anonymous';
  }
}

export function actorId(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.userId : null;
}

/** Staff (any role but reporter), or the operator: who sees every report and every programme. */
export function isStaffActor(actor: Actor): boolean {
  return actor.kind === 'system' || (actor.kind === 'user' && isStaff(actor.roles));
}
