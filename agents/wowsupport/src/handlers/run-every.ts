import type { Logger } from '#platform';

/**
 * Runs `work` each `everyMs`, one run at a time: a slow run delays the next instead of
 * overlapping it, and a failed one is logged and tried again next time. The runtime wakes
 * agents only on events, so the desk's clocks are timers like this one. Returns the stop,
 * which waits for a run under way.
 */
export function runEvery(
  everyMs: number,
  work: () => Promise<void>,
  log: Logger,
  failure: string,
): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(work).catch((err: unknown) => log.warn({ err }, failure));
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
