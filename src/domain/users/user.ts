import type { Selectable } from 'kysely';
import { invalid } from '../../shared/errors.js';
import { isRole, type Role } from '../../shared/roles.js';
import type { UserTable } from './user.table.js';

export type UserRow = Selectable<UserTable>;

/** What the API shows of an account. Never the hash, the TOTP seed or counters. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  emailVerified: boolean;
  mfaEnabled: boolean;
  disabled: boolean;
  createdAt: string;
}

export function userRoles(row: Pick<UserRow, 'roles'>): Role[] {
  const parsed = JSON.parse(row.roles) as unknown;
  return Array.isArray(parsed) ? parsed.filter((r): r is Role => typeof r === 'string' && isRole(r)) : [];
}

/**
 * Views of rows already presented: the token cache hands the same row object to every request
 * for a second, and /me should not re-parse it each time. A row object never changes, so its
 * view cannot go stale; callers must not mutate the view.
 */
const presented = new WeakMap<UserRow, UserView>();

export function presentUser(row: UserRow): UserView {
  let view = presented.get(row);
  if (!view) {
    view = buildUserView(row);
    presented.set(row, view);
  }
  return view;
}

function buildUserView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: userRoles(row),
    emailVerified: row.email_verified_at !== null,
    mfaEnabled: row.totp_enabled_at !== null,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at,
  };
}

// Deliberately simple: one @, no spaces or control characters, a dot in the domain.
const EMAIL = /^[^\s@<>()\[\]\\,;:"\u0000-\u001f\u007f]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** Lower-cased and trimmed; throws validation_failed naming `field`. */
export function normaliseEmail(raw: string, field = '/email'): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw invalid(field, 'is not a valid email address');
  return email;
}

export function normaliseName(raw: string | undefined, email: string, field = '/name'): string {
  const name = (raw ?? '').trim().replace(/\s+/g, ' ');
  if (name.length > 120) throw invalid(field, 'must be at most 120 characters');
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalid(field, 'must not contain control characters');
  return name || email.split('@')[0]!;
}

export function normaliseRoles(raw: readonly string[], field = '/roles'): Role[] {
  const roles = [...new Set(raw)];
  for (const role of roles) if (!isRole(role)) throw invalid(field, `unknown role "${role}"`);
  if (roles.length === 0) throw invalid(field, 'must name at least one role');
  return roles as Role[];
}
