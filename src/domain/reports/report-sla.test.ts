import { describe, expect, it } from 'vitest';
import { dueAfter } from './report-sla.js';

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
