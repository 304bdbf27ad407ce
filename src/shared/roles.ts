/** Roles. A person may hold several; every role but `reporter` is staff and needs two-factor. */
export const ROLES = ['reporter', 'triager', 'lead', 'cna', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const STAFF_ROLES: readonly Role[] = ['triager', 'lead', 'cna', 'auditor'];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isStaff(roles: readonly Role[]): boolean {
  return roles.some((role) => STAFF_ROLES.includes(role));
}

/** Scopes of personal API tokens: `read` allows safe methods only; `write` allows everything the role allows. */
export const TOKEN_SCOPES = ['read', 'write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
