import type { Selectable } from 'kysely';
import type { KeySource, KeyStatus, OpenPgpKeyTable } from './keys.table.js';

export type OpenPgpKeyRow = Selectable<OpenPgpKeyTable>;

/** What the API and CLI show of a key: never the private key or the revocation certificate. */
export interface KeyView {
  id: string;
  fingerprint: string;
  /** The OpenPGP user ID, `Name <email>`. */
  uid: string;
  algorithm: string;
  source: KeySource;
  status: KeyStatus;
  createdAt: string;
  expiresAt: string | null;
  addedAt: string;
  revokedAt: string | null;
  revocationReason: string | null;
}

export function presentKey(row: OpenPgpKeyRow): KeyView {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    uid: row.user_id,
    algorithm: row.algorithm,
    source: row.source,
    status: row.status,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    addedAt: row.added_at,
    revokedAt: row.revoked_at,
    revocationReason: row.revocation_reason,
  };
}

/** Kinds of revocation, as OpenPGP's reason-for-revocation codes name them. */
export const REVOCATION_KINDS = ['unspecified', 'compromised', 'superseded', 'retired'] as const;
export type RevocationKind = (typeof REVOCATION_KINDS)[number];

export const DEFAULT_KEY_VALIDITY_DAYS = 730;
export const MAX_KEY_VALIDITY_DAYS = 3650;
export const MIN_PASSPHRASE_LENGTH = 12;
