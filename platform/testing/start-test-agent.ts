import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgentHost } from '../agent/create-agent-host.ts';
import { loadManifests } from '../agent/load-manifests.ts';
import { createBus } from '../bus/create-bus.ts';
import type { Cache } from '../cache/cache.ts';
import { createEvent, typeMatches, type CloudEvent, type EventInput } from '../bus/envelope.ts';
import { loadConfig } from '../config/load-config.ts';
import { createError } from '../errors/errors.ts';
import type { GitHubPort } from '../github/github-port.ts';
import type { Identity } from '../identity/create-identity.ts';
import type { LlmClient } from '../llm/llm-client.ts';
import { createLogger } from '../log/logger.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { createStore } from '../store/create-store.ts';
import { openEventSchemaCheck } from '../open-event-schema-check.ts';
import { eventuallyPasses } from './eventually.ts';
import { migrate, migrationDirs, platformRoot } from '../store/migrate.ts';
import { createOutboxRelay } from '../outbox/create-outbox-relay.ts';
import type { Store } from '../store/store.ts';
import type { MemoryBackend } from '../memory/memory-backend.ts';

export interface TestAgentOptions {
  /** The folder holding the agent's folder (`agents/`). */
  agentsDir: string;
  id: string;
  /**
   * Other agents of `agentsDir` hosted beside it, on the same bus and database: those it
   * sends requests to (WowSupport asks WowSearch). Their events are not recorded.
   */
  alongside?: readonly string[];
  /** Default: the platform checkout's (platform, domains, its agents) and the hosted agents' own `migrations/`. */
  migrationDirs?: readonly string[];
  /** The model the agent sees as `ctx.llm`; none by default, as on a platform without LLM_MODEL. */
  llm?: LlmClient | undefined;
  /** GitHub as the agent sees it (`ctx.github`): a port onto a test double. */
  github?: GitHubPort | undefined;
  /** The platform's identity over the agent's store (`ctx.identity`); none by default. */
  identity?: (store: Store) => Promise<Identity>;
  /** The process's cache the agents get as `ctx.cache` (one on Redis, say); default: the host's own, in-process. */
  cache?: Cache | undefined;
  /** Settings as environment variables (SUPPORT_REPO, APP_ID …, and agents' own, WOWSEARCH_* …), over the test defaults. */
  env?: Record<string, string>;
  /**
   * Publish what the agent and the test write to the outbox, as the platform's relay does.
   * Off by default: tests then publish the events themselves.
   */
  relayOutbox?: boolean;
  /**
   * What the agents remember (`ctx.memory`), built over the test's store: WowMemory's
   * `createMemory` (host wowmemory `alongside` for its tables). None by default.
   */
  memory?: (store: Store) => MemoryBackend | Promise<MemoryBackend>;
  /** A PostgreSQL server and a schema of the test's own instead of the embedded database (the caller drops the schema). */
  postgres?: { url: string; schema: string };
  /** The bus on Redis Streams under a key prefix of the test's own instead of in process (the caller deletes the keys). */
  redis?: { url: string; keyPrefix: string };
}

export interface TestAgent {
  /** The embedded database the agent writes to, migrated like the platform's. */
  readonly store: Store;
  /** Publishes an event to the agent as the platform would deliver it. */
  publish<T>(input: Omit<EventInput<T>, 'source'> & { source?: string }): Promise<CloudEvent<T>>;
  /** Sends a request as another agent would (`ctx.request`) and resolves with the reply of the agent that wakes on it. */
  request<R = unknown>(input: Omit<EventInput, 'source'>, opts?: { timeoutMs?: number }): Promise<R>;
  /** The first event of `type` the agent emits (now or later) that `match` accepts. */
  emitted(type: string, match?: (event: CloudEvent) => boolean, opts?: { timeoutMs?: number }): Promise<CloudEvent>;
  /** Everything the agent has emitted so far, in order. */
  readonly events: readonly CloudEvent[];
  /** Retries `assertion` until it passes (the agent works asynchronously), then returns. */
  eventually(assertion: () => Promise<void>, opts?: { timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One agent on the real runtime for its own tests (with the agents it asks, `alongside`):
 * the in-process bus, an embedded PostgreSQL in a temporary folder (or the servers of
 * `postgres` and `redis`), the agent host, and a recorder of what the agent emits.
 * Generated agents' tests use it, so they test the agent as it will run, not a mock of it.
 */
export async function startTestAgent(opts: TestAgentOptions): Promise<TestAgent> {
  const manifest = (await loadManifests(opts.agentsDir)).find((m) => m.manifest.id === opts.id)?.manifest;
  if (manifest === undefined)
    throw createError('WOW_ERR_AGENT_NOT_FOUND', { id: opts.id, dir: opts.agentsDir, known: 'none by that id' });
  const hosted = [opts.id, ...(opts.alongside ?? [])];
  const dataDir = await mkdtemp(join(tmpdir(), `wow-test-${opts.id}-`));
  const config = loadConfig({ ...opts.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', AGENTS_DIR: opts.agentsDir });
  const log = createLogger('silent');
  const store = await createStore(
    opts.postgres === undefined ? { dataDir, poolMax: 1, log } : { ...opts.postgres, dataDir, poolMax: 4, log },
  );
  const bus = await createBus({
    redisUrl: opts.redis?.url,
    keyPrefix: opts.redis?.keyPrefix ?? 'test:',
    streamMaxLen: 10_000,
    defaults: { concurrency: 4, maxAttempts: 2, visibilityTimeoutMs: 5_000, retryBaseMs: 10, retryMaxMs: 50 },
    log,
    // Strict unless the test's env says otherwise: an agent sending data its model refuses fails its tests.
    schemaCheck: await openEventSchemaCheck(config, log),
  });
  const host = await migrate(store, {
    log,
    dirs: opts.migrationDirs ?? [
      ...(await migrationDirs(platformRoot)),
      ...hosted.map((id) => join(opts.agentsDir, id, 'migrations')),
    ],
  }).then(async () =>
    createAgentHost({
      config,
      bus,
      store,
      log,
      metrics: createMetrics(),
      cache: opts.cache,
      agentsDir: opts.agentsDir,
      ids: hosted,
      llm: opts.llm,
      github: opts.github,
      identity: await opts.identity?.(store),
      memory: await opts.memory?.(store),
      // Agents' own settings (WOWSEARCH_* …) come from the test's env only, never the shell's.
      env: opts.env ?? {},
    }),
  );
  const relay = opts.relayOutbox === true ? createOutboxRelay({ store, bus, log, pollIntervalMs: 25 }) : undefined;
  const events: CloudEvent[] = [];
  const waiters = new Set<{ type: string; match: (e: CloudEvent) => boolean; resolve: (e: CloudEvent) => void }>();
  if (manifest.emits.length > 0) {
    await bus.subscribe({
      group: `test-recorder-${opts.id}`,
      types: manifest.emits,
      // It records requests the agent sends too, and leaves the answer to the agent asked.
      answersRequests: false,
      async handler(event) {
        events.push(event);
        for (const w of waiters)
          if (typeMatches(w.type, event.type) && w.match(event)) {
            waiters.delete(w);
            w.resolve(event);
          }
      },
    });
  }
  try {
    await host.start();
  } catch (err) {
    // An agent that refuses to start (its settings, say) leaves nothing running behind it.
    await host.stop({ timeoutMs: 5_000 });
    await bus.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  relay?.start();
  return {
    store,
    events,
    async publish(input) {
      const event = createEvent({ source: 'urn:wow:test', ...input });
      await bus.publish(event);
      return event;
    },
    request(input, { timeoutMs = 10_000 } = {}) {
      return bus.request(createEvent({ source: 'urn:wow:test', ...input }), { timeoutMs });
    },
    emitted(type, match = () => true, { timeoutMs = 10_000 } = {}) {
      const seen = events.find((e) => typeMatches(type, e.type) && match(e));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          type,
          match,
          resolve: (e: CloudEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `${opts.id} emitted no ${type} within ${timeoutMs} ms (emitted: ${events.map((e) => e.type).join(', ') || 'nothing'})`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    eventually: (assertion, { timeoutMs = 10_000 } = {}) => eventuallyPasses(assertion, timeoutMs),
    async stop() {
      await relay?.stop();
      await host.stop({ timeoutMs: 5_000 });
      await bus.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
