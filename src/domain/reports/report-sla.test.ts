import { describe, expect, it } from 'vitest';
import { dueAfter, elapsedHours } from './report-sla.js';

describe('response-target due times', () => {
  const friday = new Date('2026-11-27T20:00:00Z');
  it('counts calendar time by default', () => {
    expect(dueAfter(friday, { value: 2, unit: 'days' }, false).toISOString()).toBe('2026-11-29T20:00:00.000Z');
    expect(dueAfter(friday, { value: 8, unit: 'hours' }, false).toISOString()).toBe('2026-11-28T04:00:00.000Z');
  });
  it('skips weekends in business days', () => {
    expect(dueAfter(friday, { value: 2, unit: 'days' }, true).toISOString()).toBe('2026-12-01T20:00:00.000Z');
    expect(dueAfter(friday, { value: 8, unit: 'hours' }, true).toISOString()).toBe('2026-11-30T04:00:00.000Z');
    const saturday = new Date('2026-11-28T10:00:00Z');
    expect(dueAfter(saturday, { value: 1, unit: 'hours' }, true).toISOString()).toBe('2026-11-30T01:00:00.000Z');
  });
});

describe('elapsed time in the programme clock', () => {
  const friday = new Date('2026-11-27T20:00:00Z');
  it('counts calendar hours, or weekday hours only in business days', () => {
    const monday = new Date('2026-11-30T04:00:00Z');
    expect(elapsedHours(friday, monday, false)).toBe(56);
    expect(elapsedHours(friday, monday, true)).toBe(8);
    expect(elapsedHours('2026-11-28T10:00:00Z', '2026-11-29T10:00:00Z', true)).toBe(0);
    expect(elapsedHours('2026-11-23T00:00:00Z', '2026-12-07T00:00:00Z', true)).toBe(240);
  });
  it('is the inverse of dueAfter: a report answered exactly when due took exactly its target', () => {
    for (let i = 0; i < 200; i++) {
      const start = new Date(Date.UTC(2026, 0, 1) + Math.floor(((i * 7919) % 1000) / 1000 * 400 * 24) * 3_600_000 + (i % 60) * 60_000);
      const duration = { value: 1 + (i % 30), unit: i % 2 ? 'days' : 'hours' } as const;
      const hours = duration.unit === 'days' ? duration.value * 24 : duration.value;
      const due = dueAfter(start, duration, true);
      if (start.getUTCDay() % 6 !== 0) expect(elapsedHours(start, due, true)).toBeCloseTo(hours, 9);
      expect(elapsedHours(start, dueAfter(start, duration, false), false)).toBe(hours);
    }
  });
});
