/**
 * A limit of `perSecond` calls a second per key, for reports the platform publishes about
 * itself (security violations, dead letters) so one misbehaving agent cannot flood the bus.
 * One window a second, its counts forgotten when the next begins: at most as many keys are
 * held as arrived in one second. Returns whether this call is within the limit.
 */
export function perSecondLimit(perSecond: number): (key: string, now: Date) => boolean {
  let window = 0;
  let counts = new Map<string, number>();
  return (key, now) => {
    const second = Math.floor(now.getTime() / 1000);
    if (second !== window) {
      window = second;
      counts = new Map();
    }
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    return count <= perSecond;
  };
}
