import { describe, expect, it } from 'vitest';
import { publicationClock } from '../../../src/domain/cve-records/publication-clock.js';

const disclosed = '2026-11-28T00:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(disclosed) + hours * 3_600_000);

describe('publication clock', () => {
  it('does not run before the disclosure', () => {
    expect(publicationClock({ disclosed_at: null, published_at: null }, at(100))).toBeNull();
  });

  it.each([
    [1, 'running'],
    [17.9, 'running'],
    [18, 'approaching'],
    [24, 'overdue'],
    [71.9, 'overdue'],
    [72, 'breached'],
  ] as const)('after %d hours unpublished: %s', (hours, status) => {
    const clock = publicationClock({ disclosed_at: disclosed, published_at: null }, at(hours))!;
    expect(clock.status).toBe(status);
    expect(clock.shouldPublishBy).toBe('2026-11-29T00:00:00.000Z');
    expect(clock.mustPublishBy).toBe('2026-12-01T00:00:00.000Z');
    expect(clock.hoursElapsed).toBe(Math.floor(hours));
  });

  it('stops at the first publication: met within 24 hours, late after', () => {
    expect(publicationClock({ disclosed_at: disclosed, published_at: at(23).toISOString() }, at(500))).toMatchObject({ status: 'met', hoursElapsed: 23 });
    expect(publicationClock({ disclosed_at: disclosed, published_at: at(30).toISOString() }, at(500))).toMatchObject({ status: 'met_late', hoursElapsed: 30 });
  });
});
