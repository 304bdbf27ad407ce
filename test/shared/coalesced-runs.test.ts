import { describe, expect, it } from 'vitest';
import { CoalescedRuns } from '../../src/shared/coalesced-runs.js';

describe('CoalescedRuns', () => {
  it('answers a burst of requests with one pass, and a request made during a pass with the next one', async () => {
    const passes: number[] = [];
    let release: () => void = () => undefined;
    let queued = 0;
    const runs = new CoalescedRuns(async () => {
      const seen = queued;
      passes.push(seen);
      if (passes.length === 1) await new Promise<void>((resolve) => (release = resolve));
      queued -= seen;
    });
    queued = 3;
    const burst = [runs.request(), runs.request(), runs.request()];
    await new Promise((resolve) => setImmediate(resolve));
    expect(passes).toEqual([3]);
    queued += 2;
    const late = runs.request();
    let lateAnswered = false;
    void late.then(() => (lateAnswered = true));
    release();
    await Promise.all(burst);
    await late;
    expect(lateAnswered).toBe(true);
    // The late request needed a pass that began after it: the second one, which saw its work.
    expect(passes).toEqual([3, 2]);
    expect(queued).toBe(0);
  });

  it('treats a pass that throws as finished: callers are answered, the next request runs again', async () => {
    let calls = 0;
    const runs = new CoalescedRuns(async () => {
      calls += 1;
      if (calls === 1) throw new Error('database away');
    });
    await runs.request();
    await runs.request();
    expect(calls).toBe(2);
  });
});
