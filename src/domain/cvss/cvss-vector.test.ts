import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { scoreVector, severityFromScore, type Cvss4Result } from './cvss.js';
import { CVSS3_METRICS, CVSS4_METRICS, type CvssMetric } from './cvss-metrics.js';
import { validateVector } from './cvss-vector.js';

/** Every metric of a version: base metrics always, the others sometimes (as a value or X). */
function metricParts(metrics: readonly CvssMetric[]): fc.Arbitrary<string[]> {
  return fc
    .tuple(...metrics.map((m) => (m.mandatory ? fc.constantFrom(...m.values.map((v) => v.value)).map((v) => v as string | null) : fc.option(fc.constantFrom(...m.values.map((v) => v.value)), { nil: null }))))
    .map((values) => values.flatMap((value, index) => (value === null ? [] : [`${metrics[index]!.key}:${value}`])));
}

/** CVSS 3.1 allows any order, so the metrics are shuffled. */
const v31Vector = metricParts(CVSS3_METRICS)
  .chain((parts) => fc.shuffledSubarray(parts, { minLength: parts.length, maxLength: parts.length }))
  .map((parts) => `CVSS:3.1/${parts.join('/')}`);
/** CVSS 4.0 requires the specification's order. */
const v4Vector = metricParts(CVSS4_METRICS).map((parts) => `CVSS:4.0/${parts.join('/')}`);

const oneDecimal = (score: number) => Number.isInteger(Math.round(score * 10)) && Math.abs(score * 10 - Math.round(score * 10)) < 1e-9;

function expectSound(vector: string) {
  const result = scoreVector(vector);
  for (const score of [result.score, result.baseScore]) {
    expect(score).toBeGreaterThanOrEqual(0);
    expect(score).toBeLessThanOrEqual(10);
    expect(oneDecimal(score), `${score} has one decimal`).toBe(true);
  }
  expect(result.severity).toBe(severityFromScore(result.score));
  expect(result.baseSeverity).toBe(severityFromScore(result.baseScore));
  // The normalised vector is valid, already normal, and scores the same.
  const again = scoreVector(result.vector);
  expect(again.vector).toBe(result.vector);
  expect(again.score).toBe(result.score);
  return result;
}

describe('random valid vectors (fast-check)', () => {
  it('CVSS 3.1: never throw; scores within 0–10 with one decimal; severity matches the band', () => {
    fc.assert(
      fc.property(v31Vector, (vector) => {
        const result = expectSound(vector);
        expect(result.version).toBe('3.1');
      }),
      { numRuns: 400 },
    );
  });

  it('CVSS 4.0: never throw; scores within 0–10 with one decimal; severity matches the band', () => {
    fc.assert(
      fc.property(v4Vector, (vector) => {
        const result = expectSound(vector) as Cvss4Result;
        expect(result.version).toBe('4.0');
        if (result.nomenclature === 'CVSS-B') expect(result.score).toBe(result.baseScore);
      }),
      { numRuns: 300 },
    );
  });

  it('CVSS 3.1: the order of metrics does not change the score', () => {
    fc.assert(
      fc.property(
        metricParts(CVSS3_METRICS).chain((parts) => fc.tuple(fc.constant(parts), fc.shuffledSubarray(parts, { minLength: parts.length, maxLength: parts.length }))),
        ([ordered, shuffled]) => {
          expect(scoreVector(`CVSS:3.1/${shuffled.join('/')}`)).toEqual(scoreVector(`CVSS:3.1/${ordered.join('/')}`));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a bad value for any one metric is refused with that metric named', () => {
    const damaged = fc.oneof(v31Vector, v4Vector).chain((vector) => {
      const parts = vector.split('/');
      return fc.tuple(fc.constant(parts), fc.integer({ min: 1, max: parts.length - 1 }), fc.constantFrom('Q', 'Z', '0', 'high'));
    });
    fc.assert(
      fc.property(damaged, ([parts, index, bad]) => {
        const key = parts[index]!.split(':')[0]!;
        const copy = [...parts];
        copy[index] = `${key}:${bad}`;
        const checked = validateVector(copy.join('/'));
        expect(checked.ok).toBe(false);
        if (!checked.ok) expect(checked.problems).toContainEqual(expect.objectContaining({ metric: key, message: expect.stringContaining(`${key}:${bad} is not a valid value for ${key}`) }));
        expect(() => scoreVector(copy.join('/'))).toThrow(AppError);
      }),
      { numRuns: 200 },
    );
  });

  it('leaving out any base metric is refused with that metric named', () => {
    const missing = fc.oneof(v31Vector, v4Vector).chain((vector) => {
      const parts = vector.split('/');
      const metrics = vector.startsWith('CVSS:4.0') ? CVSS4_METRICS : CVSS3_METRICS;
      return fc.tuple(fc.constant(parts), fc.constantFrom(...metrics.filter((m) => m.mandatory).map((m) => m.key)));
    });
    fc.assert(
      fc.property(missing, ([parts, key]) => {
        const checked = validateVector(parts.filter((p) => !p.startsWith(`${key}:`)).join('/'));
        expect(checked.ok).toBe(false);
        if (!checked.ok) expect(checked.problems).toContainEqual(expect.objectContaining({ metric: key, message: expect.stringContaining(`base metric ${key} (`) }));
      }),
      { numRuns: 200 },
    );
  });
});
