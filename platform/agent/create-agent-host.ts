import { randomBytes } from 'node:crypto';
import type { ZodType } from 'zod';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Bus, Delivery, StopResult, SubscriptionHandle } from '../bus/bus.ts';
import type { Cache } from '../cache/cache.ts';
import { createCache } from '../cache/create-cache.ts';
import type { CloudEvent } from '../bus/envelope.ts';
import type { Config } from '../config/load-config.ts';
import type { AgentRelease } from '../deploy/agent-release.ts';
import { materialiseRelease } from '../deploy/materialise-release.ts';
import { activeVersions, deployedEventType, releaseOf } from '../deploy/version-registry.ts';
import { createError } from '../errors/errors.ts';
import { WowError } from '../errors/wow-error.ts';
import type { GitHubPort } from '../github/github-port.ts';
import { assertFolderMatches } from '../identity/attestation/assert-folder-matches.ts';
import type { Identity } from '../identity/create-identity.ts';
import { haltedAgents } from '../identity/lifecycle/agent-lifecycle.ts';
import { createLlmClient, type LlmClient } from '../llm/llm-client.ts';
import type { Logger } from '../log/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import {
  heartbeat,
  markInstanceStopped,
  pruneInstances,
  registerAgent,
  registerInstance,
} from '../registry/registry.ts';
import { createHealthRecorder } from '../registry/agent-health.ts';
import type { Store } from '../store/store.ts';
import { isStoreUnavailable, waitOutOutage } from '../store/wait-out-outage.ts';
import { readAgentSettings } from '../config/agent-settings.ts';
import {
  createHandlerContext,
  createScheduleContext,
  createSetupContext,
  type AgentServices,
} from './create-agent-context.ts';
import type { AgentDefinition } from './define-agent.ts';
import type { MemoryBackend } from '../memory/memory-backend.ts';
import { createAgentStore } from './create-agent-store.ts';
import { grantServices } from './grant-capabilities.ts';
import { handlerOf } from './handler-of.ts';
import { grantIdentity } from './grant-identity.ts';
import { grantPlatformActions } from './grant-platform-actions.ts';
import { provisionAgentRole } from './provision-agent-role.ts';
import { checkInterval, loadAgentDefinition } from './load-agent-definition.ts';
import { loadManifests } from './load-manifests.ts';
import { createScheduleRunner, type ScheduleRunner } from './run-schedules.ts';
import { watchAgent } from './watch-agent.ts';
import type { TopicWatcher } from '../bus/watch-every-topic.ts';
import { stopOrder } from './stop-order.ts';
import { createEvent } from '../bus/envelope.ts';
import { runHandling } from '../bus/handling-cause.ts';
import { circuitChangedEventType } from '../bus/platform-events.ts';
import { createCommunication } from '../communication/create-communication.ts';
import type { BreakerSettings } from '../communication/request-gates.ts';
import { openTracing, type Tracing } from '../communication/tracing.ts';

export interface AgentHostOptions {
  config: Config;
  bus: Bus;
  store: Store;
  log: Logger;
  metrics: Metrics;
  /** The process's cache (the runtime's); without one, an in-process cache of the host's own. */
  cache?: Cache | undefined;
  /** GitHub as the App; absent without App credentials. */
  github?: GitHubPort | undefined;
  /** Default: a client for config.llm, when one is configured. */
  llm?: LlmClient | undefined;
  agentsDir: string;
  /** Run only these agents; all when absent (then agents deployed later start here too). */
  ids?: readonly string[];
  instanceId?: string;
  /** Where deployed versions are written to be loaded. Default: `<DATA_DIR>/releases`. */
  releasesDir?: string;
  /** Where agents' own settings (`<ID>_*` variables) are read from. Default: the process's environment. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The platform's identities: a deployed version starts only if its files on disk hash to
   * the tree hash of its verified attestation. Without it, to the tree hash the registry
   * recorded.
   */
  identity?: Identity | undefined;
  /**
   * The bus verifies messages (BUS_SIGNING): agents run from their folders then need
   * credentials of their own. Without it nothing reads them, so none are issued.
   */
  signed?: boolean;
  /** Spans of handlers, emits and requests. Default: config.otel's (OTLP/HTTP), none without it; the host then shuts it down at stop. */
  tracing?: Tracing;
  /** When request circuits open and probe again. Default: 5 failures in a row, 10 s open. */
  breaker?: BreakerSettings;
  /** What agents remember (`ctx.memory`): WowMemory's, which a door builds (agents/wowmemory). */
  memory?: MemoryBackend | undefined;
}

export interface AgentHost {
  readonly instanceId: string;
  /** The ids of the agents this host runs. */
  agents(): string[];
  /** The deployed version (git tree hash) each agent runs, or null for its folder in `agentsDir`. */
  versions(): Map<string, string | null>;
  start(): Promise<void>;
  /** Loads the registry's Active versions that differ from what runs; `agent.deployed` and every heartbeat tick call it. */
  reconcile(): Promise<void>;
  /** Stops intake, drains in-flight handlers up to `timeoutMs`, marks the instances stopped. */
  stop(opts: { timeoutMs: number }): Promise<StopResult>;
}

interface HostedAgent {
  services: AgentServices;
  definition: AgentDefinition<unknown, unknown>;
  /** The deployed version it runs; null for the folder in agentsDir. */
  treeHash: string | null;
  handle?: SubscriptionHandle;
  /** Its `watch` handler's view of every topic, when it has one. */
  watcher?: TopicWatcher;
  schedules?: ScheduleRunner;
  /** What `settings` parsed and `setup` built, for this run of the agent. */
  settings?: unknown;
  state?: unknown;
  inFlight: number;
  /** Declared capabilities its live credential withholds (beyond its tier, not approved), as last read. */
  withheld?: string;
}

/**
 * Runs a set of agents in this process: loads and checks their manifests and code,
 * registers them, subscribes each under its own consumer group, builds a context per
 * delivery, bounds in-flight work, and heartbeats each agent's instance.
 *
 * The registry decides which version runs: an agent with an Active deployed version runs
 * that version, else its folder in `agentsDir`. When a deploy or a rollback changes the
 * Active version, the host swaps that one agent: the old version stops taking work and
 * drains, then the new one subscribes to the same consumer group, so nothing is lost and
 * no other agent notices.
 */
export async function createAgentHost(opts: AgentHostOptions): Promise<AgentHost> {
  const { config, bus, store, log, metrics } = opts;
  const instanceId = opts.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const releasesDir = opts.releasesDir ?? join(config.database.dataDir, 'releases');
  const local = await loadManifests(opts.agentsDir);
  // An id with no folder here may still be deployed; start() looks in the registry for it.
  const manifests = opts.ids === undefined ? local : local.filter((m) => opts.ids?.includes(m.manifest.id));
  const llm = opts.llm ?? (config.llm === undefined ? undefined : createLlmClient(config.llm));
  // Requests are checked against every manifest the host knows, run here or not: the answering agent may run elsewhere.
  const tracing = opts.tracing ?? (await openTracing(config.otel));
  const communication = createCommunication({
    manifests: local.map((m) => m.manifest),
    observer: metrics.requests,
    breaker: opts.breaker,
    tracing,
    instanceId,
  });
  const { directory, gates } = communication;
  // A cache the host made is the host's to close.
  const ownsCache = opts.cache === undefined;
  const cache = opts.cache ?? (await createCache({ log, observer: metrics.cache }));
  const servicesFor = (manifest: AgentServices['manifest'], withheld: readonly string[] = []): AgentServices => ({
    manifest,
    config,
    bus,
    store: createAgentStore(store, { manifest, metrics }),
    platformStore: store,
    metrics,
    ...grantServices(manifest, { github: opts.github, llm, metrics }, withheld),
    identity: grantIdentity(manifest, opts.identity, metrics, withheld),
    platform: grantPlatformActions(
      manifest,
      { deadLetters: bus.deadLetters, store, identity: opts.identity, metrics },
      withheld,
    ),
    cache: cache.namespace(manifest.id),
    memory: opts.memory,
    log: log.child({ agent: manifest.id }),
    communication,
  });
  // Every circuit change of this process reaches WowCommunication; a failed publish costs only the record.
  const stopTellingCircuits = gates.onChange((change) => {
    const event = createEvent({
      type: circuitChangedEventType,
      source: `urn:wow:runtime:${instanceId}`,
      data: { ...change, instance: instanceId, at: new Date().toISOString() },
    });
    bus.publish(event).catch((err: unknown) => log.warn({ err, change }, 'could not publish a circuit change'));
  });
  const running = new Map<string, HostedAgent>();
  // Agents suspended or revoked (identity lifecycle): loaded, not taking work, until resumed.
  const held = new Map<string, HostedAgent>();
  for (const { manifest, dir } of manifests) {
    running.set(manifest.id, {
      services: servicesFor(manifest),
      definition: await loadAgentDefinition(manifest, dir),
      treeHash: null,
      inFlight: 0,
    });
  }
  const wanted = (id: string) => opts.ids === undefined || opts.ids.includes(id);

  const health = createHealthRecorder();
  const flushHealth = () =>
    health
      .flush(store)
      .catch((err: unknown) => log.warn({ err }, 'could not record agent health; kept for the next heartbeat'));
  let beating: Promise<void> | undefined;
  const beat = (agent: HostedAgent) => heartbeat(store, agent.services.manifest.id, instanceId, agent.inFlight);
  // In-flight changes are written at once when idle turns busy or back, so Working shows
  // without waiting for the next interval; one write at a time.
  let dirty = new Set<HostedAgent>();
  const flush = () => {
    if (beating !== undefined) return;
    const batch = dirty;
    dirty = new Set();
    beating = Promise.all([...batch].map(beat))
      .then(
        () => undefined,
        (err: unknown) => log.warn({ err }, 'heartbeat failed'),
      )
      .finally(() => {
        beating = undefined;
        if (dirty.size > 0) flush();
      });
  };
  let timer: NodeJS.Timeout | undefined;
  let control: SubscriptionHandle | undefined;

  const handlerFor = (agent: HostedAgent) => async (event: CloudEvent, delivery: Delivery) => {
    const id = agent.services.manifest.id;
    const handler = handlerOf(agent.definition.on ?? {}, event.type);
    if (handler === undefined)
      throw createError('WOW_ERR_EVENT_INVALID', { problems: `${id} has no handler in \`on\` for ${event.type}` });
    const schema = handler.input;
    if (schema !== undefined) {
      const parsed = schema.safeParse(event.data);
      if (!parsed.success)
        throw createError('WOW_ERR_EVENT_INVALID', {
          problems: `data of ${event.type} for ${id}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
        });
      event = { ...event, data: parsed.data };
    }
    if (agent.inFlight++ === 0) {
      dirty.add(agent);
      flush();
    }
    metrics.agentInFlight.inc({ agent: id });
    const started = performance.now();
    let ok = false;
    const delivered = event;
    try {
      return await tracing.process(delivered, id, async (traceparent) => {
        // What the handler writes to the outbox itself (a domain's events) continues this delivery, as ctx.emit does.
        const cause = { eventId: delivered.id, traceparent, recorded: tracing.enabled };
        for (;;) {
          try {
            const result = await runHandling(cause, () =>
              handler.handle(
                createHandlerContext(agent.services, agent.settings, agent.state, delivered, delivery, traceparent),
                delivered.data,
              ),
            );
            const reply = delivered.replyto === undefined ? result : checkReply(delivered.type, handler.output, result);
            ok = true;
            return reply;
          } catch (err) {
            // An outage is waited out, not retried away: on shutdown the entry stays pending.
            if (!isStoreUnavailable(err) || !(await waitOutOutage(store, delivery.signal, agent.services.log)))
              throw err;
          }
        }
      });
    } finally {
      health.record(id, performance.now() - started, ok);
      metrics.agentInFlight.dec({ agent: id });
      if (--agent.inFlight === 0) {
        dirty.add(agent);
        flush();
      }
    }
  };

  const startAgent = async (agent: HostedAgent) => {
    const { manifest } = agent.services;
    await provisionAgentRole(store, manifest);
    await registerAgent(store, manifest);
    await registerInstance(store, manifest.id, instanceId, agent.treeHash);
    const { definition } = agent;
    agent.settings =
      definition.settings === undefined ? undefined : readAgentSettings(manifest.id, definition.settings, opts.env);
    // A schedule's interval may come from the settings just read; 0 turns it off.
    const every = Object.entries(definition.every ?? {})
      .map(([name, schedule]) => {
        const interval = typeof schedule.interval === 'number' ? schedule.interval : schedule.interval(agent.settings);
        checkInterval(manifest.id, name, interval);
        return { name, interval };
      })
      .filter((schedule) => schedule.interval > 0);
    agent.state = await definition.setup?.(createSetupContext(agent.services, agent.settings));
    agent.handle = await bus.subscribe({
      group: manifest.id,
      consumer: `${manifest.id}@${instanceId}`,
      types: manifest.wakesOn,
      handler: handlerFor(agent),
      concurrency: manifest.concurrency ?? config.agents.concurrency,
      ordered: manifest.ordered,
      ...(manifest.maxAttempts === undefined ? {} : { maxAttempts: manifest.maxAttempts }),
      ...(manifest.visibilityTimeoutMs === undefined ? {} : { visibilityTimeoutMs: manifest.visibilityTimeoutMs }),
    });
    const { watch } = definition;
    if (watch !== undefined)
      agent.watcher = await watchAgent({
        bus,
        services: agent.services,
        withheld: agent.withheld?.split(' ') ?? [],
        known: local.flatMap((m) => [...m.manifest.wakesOn, ...m.manifest.emits]),
        agentsDir: opts.agentsDir,
        consumer: `${manifest.id}.watch@${instanceId}`,
        async handle(event, delivery) {
          // As for its handlers: an outage is waited out, not retried into the dead letters.
          for (;;) {
            try {
              await watch.handle(
                createHandlerContext(agent.services, agent.settings, agent.state, event, delivery),
                event,
              );
              return;
            } catch (err) {
              if (!isStoreUnavailable(err) || !(await waitOutOutage(store, delivery.signal, agent.services.log)))
                throw err;
            }
          }
        },
      });
    if (every.length > 0) {
      agent.schedules = createScheduleRunner({
        store,
        log: agent.services.log,
        agentId: manifest.id,
        instanceId,
        intervals: new Map(every.map(({ name, interval }) => [name, interval])),
        run: (name, dueAt, signal) => {
          const schedule = definition.every?.[name];
          if (schedule === undefined) return Promise.resolve();
          return schedule.handle(
            createScheduleContext(agent.services, agent.settings, agent.state, { name, dueAt }, signal),
          );
        },
      });
      await agent.schedules.start();
    }
    log.info(
      { agent: manifest.id, version: manifest.version, treeHash: agent.treeHash, wakesOn: manifest.wakesOn },
      'agent started',
    );
  };
  const stopAgent = async (agent: HostedAgent, timeoutMs: number): Promise<StopResult> => {
    const [result, watched] = await Promise.all([
      agent.handle?.stop({ timeoutMs }) ?? { drained: true, abandoned: 0 },
      agent.watcher?.stop({ timeoutMs }) ?? { drained: true, abandoned: 0 },
      agent.schedules?.stop({ timeoutMs }),
    ]);
    await agent.definition.stop?.(agent.state);
    return { drained: result.drained && watched.drained, abandoned: result.abandoned + watched.abandoned };
  };

  const loadRelease = async (release: AgentRelease): Promise<HostedAgent> => {
    const dir = await materialiseRelease({ releasesDir, agentsDir: opts.agentsDir, release });
    // The copy on disk may be older than this process and changed since: it must be the attested code.
    const expected =
      opts.identity === undefined
        ? release.treeHash
        : await opts.identity.attestedTreeHash(release.agentId, release.treeHash);
    await assertFolderMatches({ agentId: release.agentId, dir, expected, files: release.files });
    directory.add(release.manifest);
    const agent: HostedAgent = {
      services: servicesFor(release.manifest),
      definition: await loadAgentDefinition(release.manifest, dir),
      treeHash: release.treeHash,
      inFlight: 0,
    };
    // Granted what its credential holds before it takes any work, not from the next heartbeat.
    await ensureCredential(agent);
    return agent;
  };
  // A version that fails to load here is not retried on every tick; a new deploy is.
  const failed = new Set<string>();
  const loadActive = async (id: string, treeHash: string): Promise<HostedAgent | undefined> => {
    if (failed.has(`${id}@${treeHash}`)) return undefined;
    try {
      const release = await releaseOf(store, id, treeHash);
      if (release === undefined) throw new Error(`version ${treeHash} is not in the registry`);
      return await loadRelease(release);
    } catch (err) {
      // A KMS that could not attest it for now (retryable) is asked again on the next tick.
      if (!(err instanceof WowError && err.retryable)) failed.add(`${id}@${treeHash}`);
      log.error(
        { agent: id, treeHash, err },
        'the Active version failed to load here; the agent keeps running what it ran',
      );
      return undefined;
    }
  };

  let reconciling: Promise<void> = Promise.resolve();
  let stopping = false;
  /** Stops the agents suspended or revoked since the last look, and starts the ones resumed. */
  const honourLifecycle = async (halted: ReadonlyMap<string, string>) => {
    for (const [id, agent] of running) {
      const state = halted.get(id);
      if (state === undefined || stopping) continue;
      running.delete(id);
      held.set(id, agent);
      const drained = await stopAgent(agent, config.agents.shutdownTimeoutMs);
      await markInstanceStopped(store, id, instanceId);
      log.warn({ agent: id, state, abandoned: drained.abandoned }, `agent ${state}: it takes no more work here`);
    }
    for (const [id, agent] of held) {
      if (halted.has(id) || stopping) continue;
      held.delete(id);
      await startAgent(agent);
      running.set(id, agent);
      log.info({ agent: id }, 'agent resumed: it takes work again');
    }
  };
  /**
   * Each agent's live credential, ensured at start and on every heartbeat: agents run from
   * their folders, never deployed, get one for what their manifests declare (as the upkeep
   * renews deployed ones'), so their messages are verified like any other. What a
   * credential withholds (a capability beyond the agent's tier that nobody approved) the
   * context then refuses too; an approval is granted from the next heartbeat on. With the
   * bus not signing there are no credentials to read, and the manifest is the grant.
   */
  const ensureCredential = async (agent: HostedAgent) => {
    const { identity } = opts;
    if (identity === undefined || opts.signed !== true) return;
    const { manifest } = agent.services;
    const ensured =
      agent.treeHash === null
        ? await identity.credentials.ensureWorkingTree(manifest, { actor: 'agent host' })
        : await identity.credentials.ensure(manifest.id, { actor: 'agent host' });
    // Undefined: suspended or revoked, and so not taking work whatever it holds.
    if (ensured === undefined) return;
    const withheld = [...ensured.withheld].sort();
    if (withheld.join(' ') === (agent.withheld ?? '')) return;
    if (withheld.length > 0)
      log.warn({ agent: manifest.id, withheld }, 'capabilities withheld until approved (wow identity approve)');
    agent.services = servicesFor(manifest, withheld);
    agent.withheld = withheld.join(' ');
  };
  const ensureCredentials = async () => {
    for (const agent of [...running.values(), ...held.values()]) await ensureCredential(agent);
  };
  const reconcileNow = async () => {
    if (stopping) return;
    await ensureCredentials();
    const halted = await haltedAgents(store);
    await honourLifecycle(halted);
    for (const [id, treeHash] of await activeVersions(store)) {
      const current = running.get(id);
      if (!wanted(id) || halted.has(id) || current?.treeHash === treeHash || stopping) continue;
      const next = await loadActive(id, treeHash);
      if (next === undefined || stopping) continue;
      if (current !== undefined) {
        const drained = await stopAgent(current, config.agents.shutdownTimeoutMs);
        if (!drained.drained)
          log.warn(
            { agent: id, abandoned: drained.abandoned },
            'the old version did not drain in time; its unfinished messages will be redelivered to the new one',
          );
      }
      // Listed once it takes work; if starting throws, the next reconciliation tries again.
      running.delete(id);
      await startAgent(next);
      running.set(id, next);
      log.info(
        { agent: id, version: next.services.manifest.version, treeHash, previous: current?.treeHash ?? null },
        'deployed version running',
      );
    }
  };
  // One reconciliation at a time: a swap must finish before the next one looks.
  const reconcile = () =>
    (reconciling = reconciling
      .then(reconcileNow)
      .catch((err: unknown) =>
        log.warn({ err }, 'could not reconcile with the registry; retrying on the next heartbeat'),
      ));

  return {
    instanceId,
    agents: () => [...running.keys()],
    versions: () => new Map([...running].map(([id, a]) => [id, a.treeHash])),
    async start() {
      await pruneInstances(store);
      const active = await activeVersions(store);
      for (const [id, treeHash] of active) {
        if (!wanted(id)) continue;
        const deployed = await loadActive(id, treeHash);
        if (deployed !== undefined) running.set(id, deployed);
      }
      const known = [...new Set([...local.map((m) => m.manifest.id), ...active.keys()])].sort();
      for (const id of opts.ids ?? [])
        if (!running.has(id))
          throw createError('WOW_ERR_AGENT_NOT_FOUND', { id, dir: opts.agentsDir, known: known.join(', ') || 'none' });
      await ensureCredentials();
      const halted = await haltedAgents(store);
      for (const [id, agent] of running) {
        if (halted.has(id)) {
          running.delete(id);
          held.set(id, agent);
          log.warn({ agent: id, state: halted.get(id) }, `agent ${halted.get(id) ?? ''}: not started`);
        } else await startAgent(agent);
      }
      // Every instance hears of every deploy: a group of its own, starting at the next event.
      control = await bus.subscribe({
        group: `runtime@${instanceId}`,
        types: [deployedEventType],
        handler: () => reconcile(),
        concurrency: 1,
      });
      timer = setInterval(() => {
        for (const agent of running.values()) dirty.add(agent);
        flush();
        void flushHealth();
        void reconcile();
      }, config.agents.heartbeatIntervalMs);
    },
    reconcile,
    async stop({ timeoutMs }) {
      stopping = true;
      clearInterval(timer);
      await control?.stop({ timeoutMs });
      await reconciling;
      // One deadline for all rounds: a round that drains early leaves its time to the next.
      const deadline = performance.now() + timeoutMs;
      const results: StopResult[] = [];
      const agents = [...running.values()];
      for (const round of stopOrder(agents.map(({ services: { manifest } }) => manifest))) {
        const left = Math.max(0, deadline - performance.now());
        const batch = agents.filter((a) => round.includes(a.services.manifest.id));
        results.push(...(await Promise.all(batch.map((a) => stopAgent(a, left)))));
      }
      await beating;
      await flushHealth();
      stopTellingCircuits();
      if (opts.tracing === undefined) await tracing.shutdown();
      for (const id of running.keys()) await markInstanceStopped(store, id, instanceId);
      if (ownsCache) await cache.close();
      const abandoned = results.reduce((n, r) => n + r.abandoned, 0);
      if (abandoned > 0)
        log.error(
          { code: 'WOW_ERR_SHUTDOWN_TIMEOUT', abandoned, timeoutMs },
          createError('WOW_ERR_SHUTDOWN_TIMEOUT', { abandoned, timeoutMs }).message,
        );
      return { drained: abandoned === 0, abandoned };
    },
  };
}

/** A request's reply as its protocol allows it, checked before it is sent: a reply the caller would refuse is a failure here. */
function checkReply(type: string, output: ZodType | undefined, result: unknown): unknown {
  if (output === undefined) return result;
  const parsed = output.safeParse(result);
  if (parsed.success) return parsed.data;
  throw createError('WOW_ERR_REPLY_INVALID', {
    type,
    side: 'answering',
    problems: parsed.error.issues
      .slice(0, 10)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; '),
  });
}
