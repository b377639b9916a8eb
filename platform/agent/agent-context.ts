import type { Logger } from '../log/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { CloudEvent, EventInput } from '../bus/envelope.ts';
import type { Requester } from '../communication/create-requester.ts';
import type { BusStats, DeadLetterQueue, PublishResult } from '../bus/bus.ts';
import type { FailureRateReport } from '../bus/failure-rate-event.ts';
import type { GitHubClient, GitHubPort } from '../github/github-port.ts';
import type { LlmClient } from '../llm/llm-client.ts';
import type { AgentCache } from '../cache/cache.ts';
import type { AgentIdentity } from './grant-identity.ts';
import type { PlatformActions } from './grant-platform-actions.ts';
import type { AgentRow } from '../registry/list-agents.ts';
import type { AgentMemory } from '../memory/create-agent-memory.ts';
import type { PgQueryable, Store } from '../store/store.ts';

/** The delivery a handler runs for. */
export interface DeliveryInfo {
  readonly eventId: string;
  readonly type: string;
  /** 1 on the first delivery. */
  readonly attempt: number;
  /** True when a failure now dead-letters the event (the agent's own `maxAttempts`, else the bus's). */
  readonly isLastAttempt: boolean;
  /** W3C trace context of the event, carried into everything the handler emits. */
  readonly traceparent: string | undefined;
}

/**
 * What every part of an agent gets, built by the runtime (house rule 4): agents never
 * create clients of their own, and get no platform Config, their own settings instead.
 */
interface ContextBase<Settings> {
  readonly agentId: string;
  readonly log: Logger;
  readonly store: Store;
  readonly metrics: Metrics;
  /** The agent's own settings, parsed from its `<ID>_*` environment variables at start. */
  readonly settings: Settings;
  /** GitHub as the App's installations, for work no webhook started; undefined without App credentials. */
  readonly githubApp: GitHubPort | undefined;
  /** An OpenAI-compatible model when LLM_MODEL is configured; advice only (DESIGN principle 7). */
  readonly llm: LlmClient | undefined;
  /**
   * Agents' lifecycle and capability approvals, as the `identity:*` capabilities allow;
   * undefined when the host runs without the platform's identity.
   */
  readonly identity: AgentIdentity | undefined;
  readonly clock: () => Date;
  /**
   * The platform's cache in this agent's namespace: `getOrSet(key, { ttl, tags }, loader)`
   * answers from this process (L1), Redis (L2) or the loader, calling the loader once for
   * concurrent misses across processes; `invalidateTags` reaches every process.
   */
  readonly cache: AgentCache;
  /**
   * What agents remember (WowMemory's): the delivery's customer's memory and the agent's
   * own. Undefined when the host runs without WowMemory's memory.
   */
  readonly memory: AgentMemory | undefined;
  /** Events any agent gave up on, to read (support diagnoses from them); redriving is `platform.redrive`'s. */
  readonly deadLetters: Pick<DeadLetterQueue, 'list'>;
  /**
   * The bus's streams now, each consumer group (an agent's id) with its pending entries and
   * lag: XINFO GROUPS on Redis, the in-process bus's own counts. To read; WowScaling samples it.
   */
  readonly busStats: () => Promise<BusStats>;
  /**
   * The operator runtime's remedies (`wow bus dlq redrive`, `wow deploy --rollback`, `wow agents
   * suspend`), each only with its `platform:*` capability, which no tier holds without an
   * approver; refused with WOW_ERR_CAPABILITY_MISSING (or _WITHHELD) otherwise. Every call,
   * refused or not, is audited with who, what and why (platform_actions).
   */
  readonly platform: PlatformActions;
  /**
   * The registry's agents, each Available, Working or Offline as the platform judges
   * liveness (its heartbeat timeout), read through `db` (a transaction) or the store.
   */
  readonly agents: (db?: PgQueryable) => Promise<AgentRow[]>;
  /**
   * Publishes an event this agent declares in `emits`; anything else is rejected with
   * WOW_ERR_EVENT_UNDECLARED. Source and trace context are filled from the delivery.
   * With `tx`, the event goes through the outbox in that transaction (inside `once`): it
   * reaches the bus exactly when the transaction commits. An event emitted while handling
   * a customer's work names that customer (`customer`) unless it names one itself; naming
   * another is WOW_ERR_MEMORY_OTHER_CUSTOMER.
   */
  readonly emit: {
    <T>(event: Omit<EventInput<T>, 'source'>): Promise<PublishResult>;
    <T>(event: Omit<EventInput<T>, 'source'>, opts: { tx: PgQueryable }): Promise<void>;
  };
  /**
   * Asks the platform to publish `error.occurred` (kind failure_rate) for an agent failing
   * above its baseline, written to the outbox in `tx`: it leaves when the caller's record
   * of the incident commits. The platform is the event's source (WowSupport wakes on it);
   * only with `errors:report`, else WOW_ERR_CAPABILITY_MISSING.
   */
  readonly reportFailureRate: (report: FailureRateReport, opts: { tx: PgQueryable }) => Promise<void>;
  /**
   * Request/reply to the agent that `answers` the type: `request(protocol, input)` checks
   * the input before sending and the reply on receipt against the protocol's schemas, and
   * resolves typed; `request({ type, data })` leaves the reply to the caller. Either way
   * through the type's circuit breaker and bulkhead, waiting the answering agent's
   * `timeoutMs` unless `opts.timeoutMs` asks otherwise (platform/communication/).
   */
  readonly request: Requester;
  /**
   * Runs `effect` at most once per `key` for this agent, even when the message is
   * delivered twice: the key is recorded in the same transaction as the effect's own
   * writes, and a repeat returns the first run's result.
   */
  readonly once: <T>(key: string, effect: (tx: PgQueryable) => Promise<T>) => Promise<T>;
}

/** `setup`'s context: everything but a delivery and the state it is about to build. */
export type SetupContext<Settings> = ContextBase<Settings>;

/** A handler's context in `on`: the delivery, the state from `setup`, and GitHub as the event's installation. */
export interface HandlerContext<Settings, State> extends ContextBase<Settings> {
  readonly state: State;
  readonly delivery: DeliveryInfo;
  /** The event as delivered (its data already parsed by `input`). */
  readonly event: CloudEvent;
  /** Aborted when the runtime gives up on this delivery at shutdown. */
  readonly signal: AbortSignal;
  /** For a GitHub delivery (its data names an installation): that installation's client. */
  readonly github: GitHubClient | undefined;
}

/** A schedule's context in `every`. */
export interface ScheduleContext<Settings, State> extends ContextBase<Settings> {
  readonly state: State;
  readonly schedule: { readonly name: string; readonly dueAt: Date };
  /** Aborted when the runtime stops while the run is in progress. */
  readonly signal: AbortSignal;
}
