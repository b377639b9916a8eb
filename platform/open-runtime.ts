import { resolve } from 'node:path';
import type { ScheduleRunner } from './agent/run-schedules.ts';
import { lastBackupAt, scheduleBackups } from './backup/schedule-backups.ts';
import type { Bus, BusObserver, MessageGuard } from './bus/bus.ts';
import { createBus } from './bus/create-bus.ts';
import type { Cache } from './cache/cache.ts';
import { createCache } from './cache/create-cache.ts';
import type { Config } from './config/load-config.ts';
import { createIdentity, type Identity } from './identity/create-identity.ts';
import { reportViolations } from './identity/report-violations.ts';
import { reportDeadLetters } from './bus/report-dead-letters.ts';
import { scheduleIdentityUpkeep } from './identity/schedule-identity-upkeep.ts';
import type { Logger } from './log/logger.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { openEventSchemaCheck } from './open-event-schema-check.ts';
import { openMessageGuard } from './open-message-guard.ts';
import { createOutboxRelay, type OutboxRelay } from './outbox/create-outbox-relay.ts';
import { createStore } from './store/create-store.ts';
import { listAgents } from './registry/list-agents.ts';
import { migrate, migrationDirs, platformRoot } from './store/migrate.ts';
import type { Store } from './store/store.ts';

/** The shared parts every process of the platform runs on, opened together and closed together. */
export interface Runtime {
  readonly config: Config;
  readonly log: Logger;
  readonly store: Store;
  readonly bus: Bus;
  readonly metrics: Metrics;
  /** The process's cache: each agent's namespace is its `ctx.cache`. */
  readonly cache: Cache;
  /** Not started: call `relay.start()` once this process's agents (if any) have subscribed. */
  readonly relay: OutboxRelay;
  /** DIDs, keys and signatures; its upkeep (rotation, retirement) is scheduled while the runtime is open. */
  readonly identity: Identity;
  /** Whether its bus signs and verifies messages (BUS_SIGNING). */
  readonly signed: boolean;
  /** Its bus's signer and verifier, when signed: a replay readmits ids through it (WowEvent). */
  readonly guard: MessageGuard | undefined;
  close(): Promise<void>;
}

/**
 * The store of `config`. On the embedded defaults, a data dir a running process owns is
 * reached through that process's server; with `exclusive` (a runtime), it is refused.
 */
export function openStore(config: Config, log: Logger, opts: { exclusive?: boolean } = {}): Promise<Store> {
  return createStore({
    url: config.database.url,
    dataDir: config.database.dataDir,
    poolMax: config.database.poolMax,
    exclusive: opts.exclusive === true,
    log,
  });
}

/**
 * The bus of `config`; with `guard`, signing what it publishes and verifying what it
 * delivers; checking every event's data against its domain model (EVENT_SCHEMA_CHECK).
 */
export async function openBus(config: Config, log: Logger, observer?: BusObserver, guard?: MessageGuard): Promise<Bus> {
  return createBus({
    redisUrl: config.redis.url,
    keyPrefix: config.bus.keyPrefix,
    streamMaxLen: config.bus.streamMaxLen,
    defaults: {
      concurrency: config.agents.concurrency,
      maxAttempts: config.bus.maxAttempts,
      visibilityTimeoutMs: config.bus.visibilityTimeoutMs,
      retryBaseMs: config.bus.retryBaseMs,
      retryMaxMs: config.bus.retryMaxMs,
    },
    log,
    ...(observer === undefined ? {} : { observer }),
    guard,
    schemaCheck: await openEventSchemaCheck(config, log),
  });
}

/**
 * The cache of `config`: Redis as L2 beside the bus's keys when REDIS_URL is set, else this
 * process's L1 and the loader; figures kept in, and tuning read from, `store`. Its L1 sizes
 * are a gauge of `metrics`.
 */
export async function openCache(config: Config, log: Logger, store: Store, metrics: Metrics): Promise<Cache> {
  const cache = await createCache({
    redisUrl: config.redis.url,
    keyPrefix: config.bus.keyPrefix,
    log,
    observer: metrics.cache,
    store,
    l1MaxEntries: config.cache.l1MaxEntries,
    maxValueBytes: config.cache.maxValueBytes,
  });
  metrics.watchGauge({
    name: 'wow_cache_l1_entries',
    help: 'Entries in the in-process level (L1) of each ctx.cache namespace now, in this process.',
    labelNames: ['namespace'],
    read: () =>
      Promise.resolve(cache.figures().map((f) => ({ labels: { namespace: f.namespace }, value: f.l1Entries }))),
  });
  return cache;
}

/**
 * Opens the store (applying pending migrations), the metrics, the bus and the outbox
 * relay (for the caller to start). A part that fails to open closes the ones opened before it.
 */
export async function openRuntime(config: Config, log: Logger): Promise<Runtime> {
  // Two runtimes on one embedded database would each have their own in-process bus: refused.
  const store = await openStore(config, log, { exclusive: true });
  try {
    // The agents it runs may live outside the checkout (AGENTS_DIR): their tables too, so their roles can be granted them.
    const dirs = [
      ...(await migrationDirs(platformRoot)),
      ...(await migrationDirs(platformRoot, resolve(config.agents.dir))),
    ];
    await migrate(store, { log, dirs: [...new Set(dirs)] });
    const identity = await createIdentity({ settings: config.identity, store, log });
    const metrics = createMetrics();
    const signing = await openMessageGuard(config, identity);
    const bus = await openBus(config, log, metrics.bus, signing?.guard).catch(async (err: unknown) => {
      await signing?.close();
      throw err;
    });
    const cache = await openCache(config, log, store, metrics).catch(async (err: unknown) => {
      await bus.close();
      await signing?.close();
      throw err;
    });
    // Every violation this process counts reaches WowSecurity as `security.violation`.
    const stopViolations = reportViolations({ metrics, bus, log });
    // And every message dead-lettered reaches WowSupport as `error.occurred`.
    const stopDeadLetters = reportDeadLetters({ metrics, bus, log });
    const stopReporting = () => {
      stopViolations();
      stopDeadLetters();
    };
    metrics.watchBus(() => bus.stats());
    metrics.watchRegistry(() => listAgents(store, { heartbeatTimeoutMs: config.agents.heartbeatTimeoutMs }));
    // Started by the caller once its agents listen: what it publishes at start (events the
    // bus lost) must find their groups, which an in-process bus creates only then.
    const relay = createOutboxRelay({ store, bus, log });
    metrics.watchBackups(() => lastBackupAt(store));
    const schedules: ScheduleRunner[] = [];
    try {
      const backups = await scheduleBackups({ config, store, log });
      if (backups !== undefined) schedules.push(backups);
      schedules.push(
        await scheduleIdentityUpkeep({
          identity,
          store,
          log,
          credentialTtlSeconds: config.identity.credentialTtlSeconds,
        }),
      );
    } catch (err) {
      for (const schedule of schedules) await schedule.stop({ timeoutMs: 0 });
      stopReporting();
      await relay.stop();
      await cache.close();
      await bus.close();
      await signing?.close();
      throw err;
    }
    return {
      config,
      log,
      store,
      bus,
      metrics,
      cache,
      relay,
      identity,
      signed: signing !== undefined,
      guard: signing?.guard,
      async close() {
        await Promise.all(schedules.map((s) => s.stop({ timeoutMs: config.agents.shutdownTimeoutMs })));
        await relay.stop();
        stopReporting();
        await cache.close();
        await bus.close();
        await signing?.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
