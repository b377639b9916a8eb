import { describe, expect, it } from 'vitest';
import { createEvent } from '../envelope.ts';
import { MemoryBroker } from '../memory/memory-broker.ts';
import { createMemoryConsumerPort } from '../memory/memory-consumer-port.ts';

const tick = (n: number) => createEvent({ type: 'test.trim.tick', data: { n }, source: 'urn:wow:test' });

describe('in-process broker: reads over a trimmed stream', () => {
  const portOf = (broker: MemoryBroker, group: string, fromStart = false) =>
    createMemoryConsumerPort({
      broker,
      group,
      consumer: 'c',
      topics: ['test.trim'],
      visibilityTimeoutMs: 30_000,
      fromStart,
      reply: () => undefined,
    });
  const numbers = (deliveries: { event: { data: unknown } }[]) =>
    deliveries.map((d) => (d.event.data as { n: number }).n);

  it('reads on from where the group stopped, in order, however long the stream has grown', async () => {
    const broker = new MemoryBroker(100_000);
    const port = portOf(broker, 'g');
    for (let n = 0; n < 50_000; n++) broker.append('test.trim', tick(n), undefined);
    // Interrupted: the read that finds nothing returns at once instead of waiting for more.
    port.interrupt();
    const seen: number[] = [];
    for (;;) {
      const read = await port.read(1000);
      if (read.length === 0) break;
      seen.push(...numbers(read));
    }
    expect(seen).toEqual(Array.from({ length: 50_000 }, (_, n) => n));
  });

  it('takes a group that fell behind the trimmed front on from the first entry kept, and counts its lag', async () => {
    const broker = new MemoryBroker(10);
    const port = portOf(broker, 'late', true);
    for (let n = 0; n < 30; n++) broker.append('test.trim', tick(n), undefined);
    // Trimmed in chunks once a tenth over: the first entries kept are the last ten.
    const t = broker.topic('test.trim');
    const g = broker.group('test.trim', 'late');
    expect(t.entries.length).toBe(10);
    expect(broker.undelivered(t, g)).toBe(0);
    expect(numbers(await port.read(4))).toEqual([20, 21, 22, 23]);
    expect(t.entries.length - broker.undelivered(t, g)).toBe(6);
    broker.append('test.trim', tick(30), undefined);
    expect(numbers(await port.read(100))).toEqual([24, 25, 26, 27, 28, 29, 30]);
    expect(broker.undelivered(t, g)).toBe(t.entries.length);
  });
});
