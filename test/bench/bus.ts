import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { type Bus, type CloudEvent, createBus, createEvent, createLogger } from '#platform';
import { testRedisUrl, uniqueName } from '../support/servers.ts';
import { fmt, printTable, quantile } from './stats.ts';

/**
 * Events/s published → handled → acked through the Redis driver against a raw ioredis
 * XADD / XREADGROUP / XACK loop with the same batch size, in the same run; then end-to-end
 * latency of both at a paced 1,000 events/s.
 */
export async function benchBus(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 20_000);
  const batch = Number(args[1] ?? 100);
  const url = process.env.REDIS_URL ?? testRedisUrl;
  const prefix = `${uniqueName('bench')}:`;
  console.log(`${count} events, batch ${batch}, Redis ${url}\n`);
  // Both loops send the same events, built beforehand: the comparison is the transport.
  const built = performance.now();
  const events = Array.from({ length: count }, (_, n) =>
    createEvent({ type: 'bench.load.tick', data: { n }, source: 'urn:wow:bench' }),
  );
  const buildUs = ((performance.now() - built) * 1000) / count;

  const rawRate = await rawThroughput(url, `${prefix}raw`, events, batch);
  const bus = await createBus({
    redisUrl: url,
    keyPrefix: prefix,
    streamMaxLen: 1_000_000,
    defaults: { concurrency: batch, maxAttempts: 3, visibilityTimeoutMs: 30_000, retryBaseMs: 100, retryMaxMs: 1000 },
    log: createLogger('silent'),
  });
  try {
    const busRate = await busThroughput(bus, events, batch);
    printTable([
      ['throughput', 'events/s'],
      ['raw XADD/XREADGROUP/XACK', fmt(rawRate, 0)],
      ['WAOOAW Redis bus', fmt(busRate, 0)],
      ['ratio (goal ≥ 0.70)', fmt(busRate / rawRate)],
    ]);
    console.log(`(building an event with createEvent: ${fmt(buildUs)} µs, not included above)`);
    console.log('');
    const rawLatency = await rawLatencyAt(url, `${prefix}rawlat`, 1000, 5);
    const busLatency = await busLatencyAt(bus, 1000, 5);
    printTable([
      ['latency at 1,000 events/s', 'p50 ms', 'p99 ms', 'max ms'],
      [
        'raw XADD/XREADGROUP/XACK',
        fmt(quantile(rawLatency, 0.5)),
        fmt(quantile(rawLatency, 0.99)),
        fmt(Math.max(...rawLatency)),
      ],
      [
        'WAOOAW Redis bus (goal p99 < 10)',
        fmt(quantile(busLatency, 0.5)),
        fmt(quantile(busLatency, 0.99)),
        fmt(Math.max(...busLatency)),
      ],
    ]);
  } finally {
    await bus.close();
    const redis = new Redis(url);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
}

/** The reference: what Redis and ioredis do with no bus around them. */
async function rawThroughput(
  url: string,
  stream: string,
  events: readonly CloudEvent[],
  batch: number,
): Promise<number> {
  const count = events.length;
  const producer = new Redis(url);
  const consumer = new Redis(url);
  await producer.xgroup('CREATE', stream, 'g', '$', 'MKSTREAM');
  const started = performance.now();
  const produce = (async () => {
    for (let sent = 0; sent < count; sent += batch) {
      const p = producer.pipeline();
      for (let i = 0; i < batch && sent + i < count; i++)
        p.xadd(stream, 'MAXLEN', '~', 1_000_000, '*', 'e', JSON.stringify(events[sent + i]));
      await p.exec();
    }
  })();
  let acked = 0;
  while (acked < count) {
    const reply = (await consumer.xreadgroup(
      'GROUP',
      'g',
      'c',
      'COUNT',
      batch,
      'BLOCK',
      1000,
      'STREAMS',
      stream,
      '>',
    )) as [string, [string, string[]][]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) continue;
    for (const [, fields] of entries) JSON.parse(fields[1] ?? '{}');
    await consumer.xack(stream, 'g', ...entries.map(([id]) => id));
    acked += entries.length;
  }
  await produce;
  const rate = count / ((performance.now() - started) / 1000);
  producer.disconnect();
  consumer.disconnect();
  return rate;
}

export async function busThroughput(bus: Bus, events: readonly CloudEvent[], batch: number): Promise<number> {
  const count = events.length;
  let handled = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  const sub = await bus.subscribe({
    group: 'bench',
    types: ['bench.load.*'],
    concurrency: batch,
    handler: async () => {
      if (++handled === count) done();
    },
  });
  const started = performance.now();
  for (let sent = 0; sent < count; sent += batch) {
    const publishes: Promise<unknown>[] = [];
    for (const event of events.slice(sent, sent + batch)) publishes.push(bus.publish(event));
    await Promise.all(publishes);
  }
  await finished;
  // Acked too: wait until the group has nothing pending.
  for (;;) {
    const group = (await bus.stats()).topics
      .find((t) => t.topic === 'bench.load')
      ?.groups.find((g) => g.group === 'bench');
    if (group?.pending === 0) break;
    await sleep(1);
  }
  const rate = count / ((performance.now() - started) / 1000);
  await sub.stop({ timeoutMs: 1000 });
  return rate;
}

const now = () => performance.timeOrigin + performance.now();

/** Paces `rate` events/s for `seconds` s and returns each event's publish → handler latency in ms. */
async function paced(rate: number, seconds: number, publish: (at: number) => Promise<unknown>): Promise<void> {
  const total = rate * seconds;
  const tickMs = 10;
  const perTick = (rate * tickMs) / 1000;
  const started = now();
  for (let sent = 0; sent < total; sent += perTick) {
    const due = started + (sent / rate) * 1000;
    const wait = due - now();
    if (wait > 0) await sleep(wait);
    for (let i = 0; i < perTick; i++) void publish(now());
  }
}

async function rawLatencyAt(url: string, stream: string, rate: number, seconds: number): Promise<number[]> {
  const producer = new Redis(url);
  const consumer = new Redis(url);
  await producer.xgroup('CREATE', stream, 'g', '$', 'MKSTREAM');
  const latencies: number[] = [];
  const total = rate * seconds;
  const reading = (async () => {
    while (latencies.length < total) {
      const reply = (await consumer.xreadgroup(
        'GROUP',
        'g',
        'c',
        'COUNT',
        100,
        'BLOCK',
        1000,
        'STREAMS',
        stream,
        '>',
      )) as [string, [string, string[]][]][] | null;
      const entries = reply?.[0]?.[1] ?? [];
      const at = now();
      for (const [, fields] of entries) latencies.push(at - Number(fields[1]));
      if (entries.length > 0) await consumer.xack(stream, 'g', ...entries.map(([id]) => id));
    }
  })();
  await paced(rate, seconds, (t) => producer.xadd(stream, '*', 't', String(t)));
  await reading;
  producer.disconnect();
  consumer.disconnect();
  return latencies;
}

export async function busLatencyAt(
  bus: Bus,
  rate: number,
  seconds: number,
  source = 'urn:wow:bench',
): Promise<number[]> {
  const latencies: number[] = [];
  const total = rate * seconds;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((r) => (done = r));
  const sub = await bus.subscribe({
    group: 'latency',
    types: ['bench.latency.*'],
    concurrency: 100,
    handler: async (e) => {
      latencies.push(now() - (e.data as { at: number }).at);
      if (latencies.length === total) done();
    },
  });
  await paced(rate, seconds, (at) => bus.publish(createEvent({ type: 'bench.latency.tick', data: { at }, source })));
  await finished;
  await sub.stop({ timeoutMs: 1000 });
  return latencies;
}
