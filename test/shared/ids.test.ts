import { describe, expect, it, vi } from 'vitest';
import { isId, newId } from '../../src/shared/ids.js';

describe('newId', () => {
  it('makes version 7 UUIDs that carry the time they were made', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isId(id)).toBe(true);
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });

  it('are unique, and ids made later sort after earlier ones', () => {
    const ids = Array.from({ length: 50_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    vi.useFakeTimers({ now: Date.parse('2030-01-01T00:00:00Z'), toFake: ['Date'] });
    try {
      const later = newId();
      expect(ids.every((id) => id < later)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keep 74 random bits: no two of many made in the same millisecond share them', () => {
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z'), toFake: ['Date'] });
    try {
      const ids = Array.from({ length: 10_000 }, () => newId());
      expect(new Set(ids.map((id) => id.slice(0, 13))).size).toBe(1);
      expect(new Set(ids.map((id) => id.slice(14))).size).toBe(ids.length);
    } finally {
      vi.useRealTimers();
    }
  });
});
