import { describe, expect, it } from 'vitest';
import { MemoryBroker } from '../memory/memory-broker.ts';

describe('the in-process bus de-duplication keys', () => {
  it('are forgotten once they expire, so a stream of unique deliveries does not grow the map for ever', () => {
    const broker = new MemoryBroker(100);
    let now = 1_000_000;
    for (let i = 0; i < 1000; i++) broker.rememberDedupe(`delivery-${i}`, `${i}-0`, now + 60_000, now);
    now += 61_000;
    for (let i = 0; i < 1000; i++) broker.rememberDedupe(`later-${i}`, `${i}-0`, now + 60_000, now);
    expect(broker.dedupeSize).toBeLessThanOrEqual(1000);
    expect(broker.seenDedupe('delivery-1', now)).toBeUndefined();
  });

  it('still finds a key within its time to live, whatever the order of expiry times', () => {
    const broker = new MemoryBroker(100);
    broker.rememberDedupe('long', '1-0', 10_000, 0);
    for (let i = 0; i < 100; i++) broker.rememberDedupe(`short-${i}`, `${i}-0`, 100, 0);
    for (let i = 0; i < 500; i++) broker.rememberDedupe(`next-${i}`, `${i}-0`, 10_000, 200);
    expect(broker.seenDedupe('long', 9_999)).toBe('1-0');
    expect(broker.seenDedupe('short-1', 200)).toBeUndefined();
  });
});
