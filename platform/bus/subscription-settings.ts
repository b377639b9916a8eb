import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Subscription } from './bus.ts';
import { assertPatternValid, topicOf } from './envelope.ts';

export interface BusDefaults {
  concurrency: number;
  maxAttempts: number;
  visibilityTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** A subscription with every default filled in and its topics worked out. */
export function subscriptionSettings(sub: Subscription, defaults: BusDefaults) {
  if (sub.types.length === 0) throw new TypeError(`subscription of "${sub.group}" lists no event types`);
  for (const t of sub.types) assertPatternValid(t);
  return {
    group: sub.group,
    consumer: sub.consumer ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    topics: [...new Set(sub.types.map(topicOf))],
    types: sub.types,
    handler: sub.handler,
    concurrency: sub.concurrency ?? defaults.concurrency,
    ordered: sub.ordered ?? false,
    maxAttempts: sub.maxAttempts ?? defaults.maxAttempts,
    retryBaseMs: sub.retryBaseMs ?? defaults.retryBaseMs,
    retryMaxMs: sub.retryMaxMs ?? defaults.retryMaxMs,
    visibilityTimeoutMs: sub.visibilityTimeoutMs ?? defaults.visibilityTimeoutMs,
    answersRequests: sub.answersRequests ?? true,
    fromStart: sub.fromStart ?? false,
  };
}
