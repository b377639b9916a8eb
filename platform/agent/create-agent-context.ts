import type { Bus, Delivery } from '../bus/bus.ts';
import { createEvent, type CloudEvent } from '../bus/envelope.ts';
import type { Config } from '../config/load-config.ts';
import { createError } from '../errors/error-codes.ts';
import type { Logger } from '../log/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { GitHubPort } from '../github/github-port.ts';
import type { LlmClient } from '../llm/llm-client.ts';
import type { Store } from '../store/store.ts';
import type { AgentContext } from './agent-context.ts';
import type { AgentManifest } from './manifest-schema.ts';
import { runOnce } from './run-once.ts';

export interface AgentServices {
  manifest: AgentManifest;
  config: Config;
  bus: Bus;
  store: Store;
  log: Logger;
  metrics: Metrics;
  github?: GitHubPort | undefined;
  llm?: LlmClient | undefined;
}

export type BaseContext = Omit<AgentContext, 'event' | 'attempt' | 'signal'>;

const source = (id: string) => `urn:wow:agent:${id}`;

/** The context outside any delivery (an agent's `start`): emits start new traces. */
export function createBaseContext(s: AgentServices, parent?: CloudEvent): BaseContext {
  const { manifest, bus } = s;
  return {
    agentId: manifest.id,
    log: s.log,
    config: s.config,
    store: s.store,
    metrics: s.metrics,
    github: s.github,
    llm: s.llm,
    clock: () => new Date(),
    deadLetters: { list: (opts) => bus.deadLetters.list(opts) },
    async emit(input) {
      if (!manifest.emits.includes(input.type))
        throw createError('WOW_ERR_EVENT_UNDECLARED', [manifest.id, input.type]);
      return bus.publish(
        createEvent({ ...input, source: source(manifest.id), traceparent: input.traceparent ?? parent?.traceparent }),
      );
    },
    request(input, opts = {}) {
      return bus.request(
        createEvent({ ...input, source: source(manifest.id), traceparent: input.traceparent ?? parent?.traceparent }),
        { timeoutMs: opts.timeoutMs ?? 30_000 },
      );
    },
    async once(key, effect) {
      return (await runOnce(s.store, manifest.id, key, effect)).result;
    },
  };
}

/** The context of one delivery: its event, attempt and abort signal, a logger bound to them. */
export function createAgentContext(s: AgentServices, event: CloudEvent, delivery: Delivery): AgentContext {
  const log = s.log.child({ agent: s.manifest.id, eventId: event.id, type: event.type, attempt: delivery.attempt });
  return { ...createBaseContext({ ...s, log }, event), event, attempt: delivery.attempt, signal: delivery.signal };
}
