import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonScanError, scanJson, type Captured, type CapturePredicate } from '../../../src/domain/findings/json-stream.js';

/**
 * The streaming scanner on its own (no database: nothing here depends on the engine). Whatever
 * the chunking, it must hand over exactly what JSON.parse sees, and refuse what JSON.parse refuses
 * in the parts it checks.
 */
const LIMITS = { maxDepth: 64, maxStringBytes: 10_000, maxCaptureBytes: 1_000_000 };

async function* chunked(text: string, size: number) {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function scan(text: string, predicate: CapturePredicate, depth: number, size = 7, limits = LIMITS): Promise<Captured[]> {
  const out: Captured[] = [];
  for await (const items of scanJson(chunked(text, size), limits, predicate, depth)) out.push(...items);
  return out;
}

const elementsOf = (key: string): CapturePredicate => (frames) => frames.length === 2 && frames[0]!.key === key && frames[1]!.kind === 'array';

describe('json-stream scanner', () => {
  it('hands over every element of an array exactly as JSON.parse reads it, whatever the chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue({ maxDepth: 6 }), { maxLength: 8 }), fc.integer({ min: 1, max: 64 }), fc.jsonValue({ maxDepth: 3 }), async (items, size, other) => {
        const text = JSON.stringify({ before: other, 'k"ey\\\u00e9': 1, items, after: other });
        const captured = await scan(text, elementsOf('items'), 2, size);
        expect(captured.map((c) => c.value)).toEqual(JSON.parse(JSON.stringify(items)));
        expect(captured.map((c) => c.path[1]!.index)).toEqual(items.map((_, i) => i));
      }),
      { numRuns: 150 },
    );
  });

  it('reads keys with escapes, a byte-order mark, and a top-level scalar', async () => {
    const captured = await scan('\ufeff{"a\\u0062c": [1, "x\\"y", {"z": [true, null]}]}', elementsOf('abc'), 2, 1);
    expect(captured.map((c) => c.value)).toEqual([1, 'x"y', { z: [true, null] }]);
    await expect(scan('  42  ', () => false, 0)).resolves.toEqual([]);
  });

  it.each([
    ['{"a": [1, 2', /ends early \(truncated\)/],
    ['{"a" 1}', /expected ":"/],
    ['{"a": 1,}', /expected a key/],
    ['[1 2]', /expected "," or "\]"/],
    ['[1}', /expected "," or "\]"/],
    ['{"a": tru}', /invalid token "tru"/],
    ['{"a": 01}', /invalid token "01"/],
    ['{"a": "\\q"}', /invalid escape/],
    ['{} {}', /unexpected data after the end/],
    ['', /empty/],
  ])('refuses %j', async (text, message) => {
    await expect(scan(text, () => false, 2, 3)).rejects.toThrow(message);
    await expect(scan(text, () => false, 2, 3)).rejects.toBeInstanceOf(JsonScanError);
  });

  it('refuses a key JSON.parse would refuse (bad \\u escape, raw control character) as a JsonScanError, not a bare SyntaxError', async () => {
    for (const text of ['{"a\\u12": 1}', '{"a\\uZZZZ": 1}', '{"a\u0001": 1}', '{"ok": {"tab\there": 1}}']) {
      for (const size of [1, 4, 1000]) await expect(scan(text, () => false, 2, size)).rejects.toBeInstanceOf(JsonScanError);
    }
  });

  it('bounds nesting and strings, reporting where', async () => {
    await expect(scan(`{"a": ${'['.repeat(65)}${']'.repeat(65)}}`, () => false, 2)).rejects.toThrow(/nesting deeper than 64 at a\[0\]/);
    await expect(scan(`{"a": "${'x'.repeat(10_001)}"}`, () => false, 2)).rejects.toThrow(/string longer than 10000 bytes at a/);
  });

  it('hands over an over-long or too large captured value as a problem and goes on', async () => {
    const text = JSON.stringify({ items: [{ ok: 1 }, { s: 'y'.repeat(10_001) }, Array(3000).fill(1234), { ok: 2 }] });
    for (const size of [1, 333, 100_000]) {
      const captured = await scan(text, elementsOf('items'), 2, size, { ...LIMITS, maxCaptureBytes: 12_000 });
      expect(captured.map((c) => c.value ?? c.problem)).toEqual([{ ok: 1 }, 'string longer than 10000 bytes', 'value larger than 12000 bytes', { ok: 2 }]);
    }
  });

  it("refuses NUL (\\u0000) in a captured value, and passes over 'skip' values without keeping them", async () => {
    const text = '{"items": [{"a": "x\\u0000"}, {"b": "' + 'w'.repeat(20_000) + '"}, 3]}';
    const captured = await scan(text, elementsOf('items'), 2, 500);
    expect(captured[0]!.problem).toMatch(/NUL/);
    const skipped = await scan(text, (frames) => (frames.length === 2 ? 'skip' : false), 2, 500);
    expect(skipped).toEqual([]);
  });
});
