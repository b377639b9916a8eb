import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Bus, StopResult, SubscriptionHandle } from '../bus/bus.ts';
import { typeMatches, type CloudEvent } from '../bus/envelope.ts';
import type { Config } from '../config/load-config.ts';
import { createError } from '../errors/error-codes.ts';
import type { GitHubPort } from '../github/github-port.ts';
import { createLlmClient, type LlmClient } from '../llm/llm-client.ts';
import type { Logger } from '../log/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { heartbeat, markInstanceStopped, pruneInstances, registerAgent, registerInstance } from '../registry/registry.ts';
import type { Store } from '../store/store.ts';
import { createAgentContext, createBaseContext, type AgentServices } from './create-agent-context.ts';
import type { AgentDefinition } from './define-agent.ts';
import { loadAgentDefinition } from './load-agent-definition.ts';
import { loadManifests } from './load-manifests.ts';

export interface AgentHostOptions {
  config: Config;
  bus: Bus;
  store: Store;
  log: Logger;
  metrics: Metrics;
  /** GitHub as the App; absent without App credentials. */
  github?: GitHubPort | undefined;
  /** Default: a client for config.llm, when one is configured. */
  llm?: LlmClient | undefined;
  agentsDir: string;
  /** Run only these agents; all when absent. */
  ids?: readonly string[];
  instanceId?: string;
}

export interface AgentHost {
  readonly instanceId: string;
  /** The ids of the agents this host runs. */
  agents(): string[];
  start(): Promise<void>;
  /** Stops intake, drains in-flight handlers up to `timeoutMs`, marks the instances stopped. */
  stop(opts: { timeoutMs: number }): Promise<StopResult>;
}

interface HostedAgent {
  services: AgentServices;
  definition: AgentDefinition;
  handle?: SubscriptionHandle;
  inFlight: number;
}

/**
 * Runs a set of agents in this process: loads and checks their manifests and code,
 * registers them, subscribes each under its own consumer group, builds a context per
 * delivery, bounds in-flight work, and heartbeats each agent's instance.
 */
export async function createAgentHost(opts: AgentHostOptions): Promise<AgentHost> {
  const { config, bus, store, log, metrics } = opts;
  const instanceId = opts.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  let manifests = await loadManifests(opts.agentsDir);
  if (opts.ids !== undefined) {
    const known = manifests.map((m) => m.manifest.id);
    for (const id of opts.ids) if (!known.includes(id)) throw createError('WOW_ERR_AGENT_NOT_FOUND', [id, opts.agentsDir, known.join(', ') || 'none']);
    manifests = manifests.filter((m) => opts.ids?.includes(m.manifest.id));
  }
  const llm = opts.llm ?? (config.llm === undefined ? undefined : createLlmClient(config.llm));
  const hosted: HostedAgent[] = [];
  for (const { manifest, dir } of manifests) {
    const definition = await loadAgentDefinition(manifest.id, dir);
    hosted.push({ services: { manifest, config, bus, store, metrics, github: opts.github, llm, log: log.child({ agent: manifest.id }) }, definition, inFlight: 0 });
  }

  let beating: Promise<void> | undefined;
  const beat = (agent: HostedAgent) => heartbeat(store, agent.services.manifest.id, instanceId, agent.inFlight);
  // In-flight changes are written at once when idle turns busy or back, so Working shows
  // without waiting for the next interval; one write at a time.
  let dirty = new Set<HostedAgent>();
  const flush = () => {
    if (beating !== undefined) return;
    const batch = dirty;
    dirty = new Set();
    beating = Promise.all([...batch].map(beat)).then(() => undefined, (err: unknown) => log.warn({ err }, 'heartbeat failed')).finally(() => {
      beating = undefined;
      if (dirty.size > 0) flush();
    });
  };
  let timer: NodeJS.Timeout | undefined;

  const handlerFor = (agent: HostedAgent) => async (event: CloudEvent, delivery: Parameters<typeof createAgentContext>[2]) => {
    const id = agent.services.manifest.id;
    const schema = Object.entries(agent.definition.input ?? {}).find(([pattern]) => typeMatches(pattern, event.type))?.[1];
    if (schema !== undefined) {
      const parsed = schema.safeParse(event.data);
      if (!parsed.success) throw createError('WOW_ERR_EVENT_INVALID', [`data of ${event.type} for ${id}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`]);
      event = { ...event, data: parsed.data };
    }
    if (agent.inFlight++ === 0) {
      dirty.add(agent);
      flush();
    }
    metrics.agentInFlight.inc({ agent: id });
    try {
      return await agent.definition.handle(createAgentContext(agent.services, event, delivery), event);
    } finally {
      metrics.agentInFlight.dec({ agent: id });
      if (--agent.inFlight === 0) {
        dirty.add(agent);
        flush();
      }
    }
  };

  return {
    instanceId,
    agents: () => hosted.map((a) => a.services.manifest.id),
    async start() {
      await pruneInstances(store);
      for (const agent of hosted) {
        const { manifest } = agent.services;
        await registerAgent(store, manifest);
        await registerInstance(store, manifest.id, instanceId);
        await agent.definition.start?.(createBaseContext(agent.services));
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
        log.info({ agent: manifest.id, version: manifest.version, wakesOn: manifest.wakesOn }, 'agent started');
      }
      timer = setInterval(() => {
        for (const agent of hosted) dirty.add(agent);
        flush();
      }, config.agents.heartbeatIntervalMs);
    },
    async stop({ timeoutMs }) {
      clearInterval(timer);
      const results = await Promise.all(hosted.map((a) => a.handle?.stop({ timeoutMs }) ?? Promise.resolve({ drained: true, abandoned: 0 })));
      for (const agent of hosted) await agent.definition.stop?.();
      await beating;
      for (const agent of hosted) await markInstanceStopped(store, agent.services.manifest.id, instanceId);
      const abandoned = results.reduce((n, r) => n + r.abandoned, 0);
      if (abandoned > 0) log.error({ code: 'WOW_ERR_SHUTDOWN_TIMEOUT', abandoned, timeoutMs }, createError('WOW_ERR_SHUTDOWN_TIMEOUT', [abandoned, timeoutMs]).message);
      return { drained: abandoned === 0, abandoned };
    },
  };
}
