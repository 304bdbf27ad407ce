import type { UserRow } from '../users/user.js';
import type { UserActor } from './actor.js';

/**
 * A per-process memory of recently checked API tokens, so a busy integration does not cost a
 * database query per call. Entries live one second: a token revoked or an account disabled by
 * another process stops working within that second; in this process, at once (the services that
 * revoke or change accounts clear the cache).
 */
export const TOKEN_CACHE_TTL_MS = 1000;
const MAX_ENTRIES = 10_000;

export interface CachedCredential {
  actor: Omit<UserActor, 'ip'>;
  user: UserRow;
  tokenExpiresAt: string | null;
  checkedAt: number;
}

/**
 * After an invalidation nothing is cached for this long: a lookup that ran while the revoking
 * transaction was still uncommitted (on PostgreSQL, another connection sees the old row) must
 * not put the old answer back for another second.
 */
const QUIET_AFTER_CLEAR_MS = 2 * TOKEN_CACHE_TTL_MS;

export class TokenCache {
  private readonly entries = new Map<string, CachedCredential>();
  private clearedAt = Number.NEGATIVE_INFINITY;

  get(token: string, now: Date): CachedCredential | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (now.getTime() - entry.checkedAt >= TOKEN_CACHE_TTL_MS || now.getTime() < entry.checkedAt) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  set(token: string, entry: CachedCredential): void {
    if (entry.checkedAt - this.clearedAt < QUIET_AFTER_CLEAR_MS) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(token, entry);
  }

  /** Forget everything: called whenever a token or an account's standing changes. */
  clear(now: number): void {
    this.entries.clear();
    this.clearedAt = now;
  }
}
