export interface Repeating {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `run` now and then every `intervalMs`, never two at once (a tick that finds a run in progress
 * is skipped), until stopped. The timer does not keep the process alive. `run` should not reject.
 */
export function repeatEvery(intervalMs: number, run: () => Promise<void>): Repeating {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return;
    running = run().finally(() => (running = undefined));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
