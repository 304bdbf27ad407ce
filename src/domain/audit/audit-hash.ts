import { createHash } from 'node:crypto';
import type { AuditEventTable } from './audit.table.js';

/** The hash of the (non-existent) event before the first one. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an audit event's hash covers: everything but the hash itself. */
export type HashedAuditFields = Omit<AuditEventTable, 'hash'>;

/**
 * JSON with keys sorted at every depth, so the same content always hashes the same whatever
 * order it was built in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 over the canonical form of every field, the previous event's hash included. */
export function hashAuditEvent(event: HashedAuditFields): string {
  return createHash('sha256').update(canonicalJson(event)).digest('hex');
}
