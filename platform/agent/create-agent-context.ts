import type { Bus, Delivery, PublishResult } from '../bus/bus.ts';
import type { AgentCache } from '../cache/cache.ts';
import { createEvent, type CloudEvent, type EventInput } from '../bus/envelope.ts';
import { failureRateEvent } from '../bus/failure-rate-event.ts';
import type { Config } from '../config/load-config.ts';
import { createRequester, type CommunicationServices } from '../communication/create-requester.ts';
import { createError } from '../errors/errors.ts';
import type { Logger } from '../log/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { GitHubPort } from '../github/github-port.ts';
import type { LlmClient } from '../llm/llm-client.ts';
import { enqueueOutbox } from '../outbox/enqueue-outbox.ts';
import { listAgents } from '../registry/list-agents.ts';
import { asPlatform, type RoleStore } from '../store/role-store.ts';
import type { PgQueryable, Store } from '../store/store.ts';
import type { DeliveryInfo, HandlerContext, ScheduleContext, SetupContext } from './agent-context.ts';
import type { AgentIdentity } from './grant-identity.ts';
import type { PlatformActions } from './grant-platform-actions.ts';
import type { AgentManifest } from './manifest-schema.ts';
import { runOnce } from './run-once.ts';
import { createAgentMemory } from '../memory/create-agent-memory.ts';
import type { MemoryBackend } from '../memory/memory-backend.ts';

export interface AgentServices {
  manifest: AgentManifest;
  config: Config;
  bus: Bus;
  /** The agent's `ctx.store`: its own role (createAgentStore). */
  store: RoleStore;
  /** The platform's store, unrestricted, for what the platform does for the agent (`once`, `agents`). */
  platformStore: Store;
  log: Logger;
  metrics: Metrics;
  github?: GitHubPort | undefined;
  llm?: LlmClient | undefined;
  identity?: AgentIdentity | undefined;
  /** The operator runtime's remedies, as the agent's `platform:*` capabilities grant them (grantPlatformActions). */
  platform: PlatformActions;
  /** Who answers which request, and the circuit breakers, bulkheads and tracing of this host's requests. */
  communication: CommunicationServices;
  /** The process's cache in the agent's namespace (its id). */
  cache: AgentCache;
  /** WowMemory's, handed in by the door; without it `ctx.memory` is undefined. */
  memory?: MemoryBackend | undefined;
  /** Throws unless the agent holds `errors:report` (grantServices). */
  assertReportsErrors: () => void;
}

const source = (id: string) => `urn:wow:agent:${id}`;

/** An agent sends only what its manifest's `emits` declares: events and requests alike. */
function assertDeclared(s: AgentServices, type: string): void {
  if (s.manifest.emits.includes(type)) return;
  s.metrics.securityViolation('undeclared_event', {
    agent: s.manifest.id,
    source: 'agent context',
    reason: `${s.manifest.id} does not declare ${type} in emits`,
    sample: { type },
  });
  throw createError('WOW_ERR_EVENT_UNDECLARED', { agent: s.manifest.id, type });
}

/**
 * The customer an event sent while handling `parent` names: the parent's, carried on, or
 * the sender's own choice when the parent names nobody (a schedule finding a customer's
 * work). Work for one customer never starts work named for another.
 */
function customerFor(s: AgentServices, asked: string | undefined, parent: CloudEvent | undefined) {
  const handling = parent?.customer;
  if (handling !== undefined && asked !== undefined && asked !== handling) {
    otherCustomer(s, handling, asked);
    throw createError('WOW_ERR_MEMORY_OTHER_CUSTOMER', {
      agent: s.manifest.id,
      customer: handling,
      asked,
    });
  }
  return asked ?? handling;
}

/** Reaching for another customer's memory, or starting their work, from one customer's: counted, and WowSecurity hears of it. */
function otherCustomer(s: AgentServices, handling: string, asked: string): void {
  s.metrics.securityViolation('memory_forbidden', {
    agent: s.manifest.id,
    source: 'agent context',
    reason: `${s.manifest.id}, handling customer ${handling}'s work, reached for customer ${asked}'s`,
    sample: { customer: asked },
  });
}

/**
 * Every event an agent sends goes through here, so `emits` is checked once for all of
 * them: published now, or written to the outbox in the caller's transaction.
 */
function emitter(s: AgentServices, parent: Cause | undefined): SetupContext<unknown>['emit'] {
  const { manifest, bus } = s;
  // One function behind both overloads of `emit` (published, or in `tx`).
  async function emit(
    input: Omit<EventInput, 'source'>,
    opts?: { tx: PgQueryable },
  ): Promise<PublishResult | undefined> {
    assertDeclared(s, input.type);
    const trace = input.traceparent ?? parent?.traceparent;
    return s.communication.tracing.send('emit', input.type, trace, async (traceparent) => {
      const event = createEvent({
        ...input,
        source: source(manifest.id),
        traceparent: trace,
        causedby: input.causedby ?? parent?.event.id,
        customer: customerFor(s, input.customer, parent?.event),
      });
      // The producer span is the event's creation context: the runs it wakes are its children.
      if (traceparent !== undefined) event.traceparent = traceparent;
      if (opts === undefined) return bus.publish(event);
      // Refused now, in the agent's transaction, rather than at the relay's publish after it commits.
      bus.schemaCheck?.check(event);
      await enqueueOutbox(opts.tx, event);
      return undefined;
    });
  }
  return emit as SetupContext<unknown>['emit'];
}

/** What the handler is told of its delivery; the last attempt is the agent's own limit, else the bus's. */
export function deliveryInfo(s: AgentServices, event: CloudEvent, delivery: Delivery): DeliveryInfo {
  const maxAttempts = s.manifest.maxAttempts ?? s.config.bus.maxAttempts;
  return {
    eventId: event.id,
    type: event.type,
    attempt: delivery.attempt,
    isLastAttempt: delivery.attempt >= maxAttempts,
    traceparent: event.traceparent,
  };
}

/** What a handler sends continues: the trace context and the id of the event that caused it. */
interface Cause {
  traceparent: string | undefined;
  /** The event being handled: its id is what caused what is sent, its customer whose work it is. */
  event: CloudEvent;
}

/** What every part of an agent gets; `parent` goes on in what it sends (none: new traces, no cause). */
function createContextBase<Settings>(s: AgentServices, settings: Settings, parent?: Cause): SetupContext<Settings> {
  const { manifest, bus } = s;
  const { heartbeatTimeoutMs } = s.config.agents;
  return {
    agentId: manifest.id,
    log: s.log,
    store: s.store,
    metrics: s.metrics,
    settings,
    githubApp: s.github,
    llm: s.llm,
    identity: s.identity,
    clock: () => new Date(),
    cache: s.cache,
    memory:
      s.memory === undefined
        ? undefined
        : createAgentMemory(s.memory, {
            agent: manifest.id,
            customer: parent?.event.customer,
            eventId: parent?.event.id,
            what: parent === undefined ? 'a schedule or its setup' : `${parent.event.type} (${parent.event.id})`,
            onOtherCustomer: (asked) => otherCustomer(s, parent?.event.customer ?? '', asked),
          }),
    deadLetters: { list: (opts) => bus.deadLetters.list(opts) },
    busStats: () => bus.stats(),
    platform: s.platform,
    agents: (db = s.platformStore) => asPlatform(db, (platform) => listAgents(platform, { heartbeatTimeoutMs })),
    emit: emitter(s, parent),
    async reportFailureRate(report, { tx }) {
      s.assertReportsErrors();
      const event = failureRateEvent(report, new Date());
      if (parent?.traceparent !== undefined) event.traceparent = parent.traceparent;
      // Refused now, in the agent's transaction (a bad agent id or incident), not at the relay's publish.
      bus.schemaCheck?.check(event);
      await enqueueOutbox(tx, event);
    },
    request: createRequester({
      agentId: manifest.id,
      source: source(manifest.id),
      bus,
      communication: s.communication,
      // Declared like an event, so the host knows whom to keep running while this awaits an answer.
      assertDeclared: (type) => assertDeclared(s, type),
      traceparent: parent?.traceparent,
      causedby: parent?.event.id,
      customer: (asked) => customerFor(s, asked, parent?.event),
      log: s.log,
    }),
    async once(key, effect) {
      // The key is the platform's to record; the effect is the agent's, in the same transaction.
      return (await runOnce(s.platformStore, manifest.id, key, (tx) => s.store.within(tx, effect))).result;
    },
  };
}

/** An agent's setup context: no delivery, and new traces for what it emits. */
export function createSetupContext<Settings>(s: AgentServices, settings: Settings): SetupContext<Settings> {
  return createContextBase(s, settings);
}

/** The installation a GitHub delivery came from: the door puts its id beside the payload (`data.installationId`). */
function installationOf(event: CloudEvent): number | undefined {
  if (!event.type.startsWith('github.')) return undefined;
  const id = (event.data as { installationId?: unknown } | null)?.installationId;
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined;
}

/** `traceparent`: the context what the handler sends continues (its consumer span's); default the event's. */
export function createHandlerContext<Settings, State>(
  s: AgentServices,
  settings: Settings,
  state: State,
  event: CloudEvent,
  delivery: Delivery,
  traceparent: string = event.traceparent,
): HandlerContext<Settings, State> {
  const log = s.log.child({ agent: s.manifest.id, eventId: event.id, type: event.type, attempt: delivery.attempt });
  const installation = installationOf(event);
  return {
    ...createContextBase({ ...s, log }, settings, { traceparent, event }),
    state,
    github: installation === undefined ? undefined : s.github?.forInstallation(installation),
    event,
    signal: delivery.signal,
    delivery: deliveryInfo(s, event, delivery),
  };
}

export function createScheduleContext<Settings, State>(
  s: AgentServices,
  settings: Settings,
  state: State,
  schedule: { name: string; dueAt: Date },
  signal: AbortSignal,
): ScheduleContext<Settings, State> {
  const log = s.log.child({ agent: s.manifest.id, schedule: schedule.name });
  return { ...createContextBase({ ...s, log }, settings), state, schedule, signal };
}
