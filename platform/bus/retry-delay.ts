/**
 * Exponential backoff with full jitter: base * 2^(attempt-1), capped, then a random
 * point in its upper half, so retries of many failing messages spread out.
 */
export function retryDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
