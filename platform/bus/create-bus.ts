import type { EventSchemaCheck } from '../domain/event-schema-check.ts';
import type { Logger } from '../log/logger.ts';
import { silentBusObserver, type Bus, type BusObserver, type MessageGuard } from './bus.ts';
import { createMemoryBus } from './memory/create-memory-bus.ts';
import type { BusDefaults } from './subscription-settings.ts';

export interface CreateBusOptions {
  /** Redis Streams when set; the in-process bus otherwise. */
  redisUrl?: string | undefined;
  /** Every Redis key starts with it (default "wow:"). */
  keyPrefix?: string | undefined;
  streamMaxLen: number;
  defaults: BusDefaults;
  log: Logger;
  observer?: BusObserver | undefined;
  /** How often consumers look for entries abandoned by silent consumers. */
  claimIntervalMs?: number | undefined;
  /** Signs every message published and verifies every delivery (platform/identity/messages/). */
  guard?: MessageGuard | undefined;
  /** Checks every event's data against its domain model before it is published (platform/domain/event-schema-check.ts). */
  schemaCheck?: EventSchemaCheck | undefined;
}

export async function createBus(opts: CreateBusOptions): Promise<Bus> {
  const bus = await createDriver(opts);
  return opts.schemaCheck === undefined ? bus : checkingSchemas(bus, opts.schemaCheck);
}

/**
 * The bus with every publish and request checked first: a webhook, a relayed outbox row
 * or an agent's event all pass here. The drivers' own objects are closures without
 * `this`, so the copy keeps every other method as it is.
 */
function checkingSchemas(bus: Bus, schemas: EventSchemaCheck): Bus {
  return {
    ...bus,
    schemaCheck: schemas,
    // Async, so a refusal is a rejected promise like every other failure to publish.
    async publish(event, opts) {
      schemas.check(event);
      return bus.publish(event, opts);
    },
    async request(event, opts) {
      schemas.check(event);
      return bus.request(event, opts);
    },
  };
}

async function createDriver(opts: CreateBusOptions): Promise<Bus> {
  const observer = opts.observer ?? silentBusObserver;
  const claimIntervalMs = opts.claimIntervalMs ?? 1000;
  if (opts.redisUrl === undefined)
    return createMemoryBus({
      streamMaxLen: opts.streamMaxLen,
      defaults: opts.defaults,
      log: opts.log,
      observer,
      claimIntervalMs,
      guard: opts.guard,
    });
  // ioredis and the Redis driver load only for a process that uses Redis.
  const { createRedisBus } = await import('./redis/create-redis-bus.ts');
  return createRedisBus({
    redisUrl: opts.redisUrl,
    keyPrefix: opts.keyPrefix ?? 'wow:',
    streamMaxLen: opts.streamMaxLen,
    defaults: opts.defaults,
    log: opts.log,
    observer,
    claimIntervalMs,
    guard: opts.guard,
  });
}
