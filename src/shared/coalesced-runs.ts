/**
 * Work that many callers ask for at once and one pass can do for all of them (the report intake,
 * the incident alarm round): the first request starts a pass on the next turn of the event loop,
 * so that the other requests of the same burst join it; a request made while a pass runs is
 * answered by the pass after it. A caller is answered once a pass that began after its request has
 * finished. `pass` should not throw: a pass that does is treated as finished (its work stays queued
 * for the next one).
 */
export class CoalescedRuns {
  private requested = 0;
  private finished = 0;
  private running: Promise<void> | null = null;
  private waiters: { round: number; resolve: () => void }[] = [];

  constructor(private readonly pass: () => Promise<void>) {}

  request(): Promise<void> {
    const round = ++this.requested;
    const done = new Promise<void>((resolve) => this.waiters.push({ round, resolve }));
    this.running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.loop());
    return done;
  }

  private async loop(): Promise<void> {
    while (this.finished < this.requested) {
      const round = this.requested;
      try {
        await this.pass();
      } catch {
        // What the pass did not finish stays queued for the next one.
      }
      this.finished = round;
      const ready = this.waiters.filter((w) => w.round <= round);
      this.waiters = this.waiters.filter((w) => w.round > round);
      for (const waiter of ready) waiter.resolve();
    }
    this.running = null;
  }
}

/** One CoalescedRuns per `key` (e.g. per database handle), made on first use with `pass(argument)`. */
export function coalescedPer<K extends object, A>(keyOf: (argument: A) => K, pass: (argument: A) => Promise<void>): (argument: A) => Promise<void> {
  const runs = new WeakMap<K, CoalescedRuns>();
  return (argument) => {
    const key = keyOf(argument);
    let run = runs.get(key);
    if (!run) {
      run = new CoalescedRuns(() => pass(argument));
      runs.set(key, run);
    }
    return run.request();
  };
}
