import { describe, expect, it } from 'vitest';
import { TOKEN_CACHE_TTL_MS, TokenCache, type CachedCredential } from './token-cache.js';

const entry = (checkedAt: number) => ({ actor: {}, user: {}, tokenExpiresAt: null, checkedAt }) as unknown as CachedCredential;

describe('TokenCache', () => {
  it('answers for one second', () => {
    const cache = new TokenCache();
    cache.set('h', entry(10_000));
    expect(cache.get('h', new Date(10_000 + TOKEN_CACHE_TTL_MS - 1))).toBeDefined();
    expect(cache.get('h', new Date(10_000 + TOKEN_CACHE_TTL_MS))).toBeUndefined();
  });

  it('caches nothing just after an invalidation, so a lookup racing the revoking commit is not kept', () => {
    const cache = new TokenCache();
    cache.set('h', entry(10_000));
    cache.clear(10_500);
    expect(cache.get('h', new Date(10_600))).toBeUndefined();
    cache.set('h', entry(10_600));
    expect(cache.get('h', new Date(10_700))).toBeUndefined();
    cache.set('h', entry(12_600));
    expect(cache.get('h', new Date(12_700))).toBeDefined();
  });
});
