import type { EventSchemaCheck } from '../domain/event-schema-check.ts';
import type { SerializedError } from '../errors/wow-error.ts';
import type { CloudEvent } from './envelope.ts';

/**
 * The bus contract. Two drivers implement it with the same semantics: Redis Streams
 * (redis/) for many processes, and in-process (memory/) for one. test/contract/
 * runs one suite against both.
 *
 * Delivery is at least once: a consumer group per subscribing agent, each entry to one
 * consumer of the group, acked after its handler resolves, redelivered to a live consumer
 * when its holder stops responding for `visibilityTimeoutMs`, retried with exponential
 * backoff, dead-lettered after `maxAttempts` with the error attached.
 */
export interface Bus {
  readonly kind: 'redis' | 'memory';
  publish(event: CloudEvent, opts?: PublishOptions): Promise<PublishResult>;
  /**
   * The check of event data against the domain models that `publish` and `request` apply,
   * when this bus was made with one: an agent's outbox writes pass it too, before they commit.
   */
  readonly schemaCheck?: EventSchemaCheck;
  subscribe(sub: Subscription): Promise<SubscriptionHandle>;
  /** Publishes `event` with a reply address and waits for the handler's return value. */
  request<R = unknown>(event: CloudEvent, opts: { timeoutMs: number }): Promise<R>;
  readonly deadLetters: DeadLetterQueue;
  stats(): Promise<BusStats>;
  /**
   * Names the data the bus holds now. It changes when that data is gone: Redis flushed, or
   * restarted without persistence; a new in-process bus. What was published under another
   * epoch may never be delivered, so the outbox publishes it again (docs/durability.md).
   */
  epoch(): Promise<string>;
  /**
   * Which of `entryIds` (entries of `topic`, published under `epoch`) every consumer group
   * of the topic has handled: delivered and then acked or dead-lettered. None when the bus's
   * epoch is another now: its groups are not the ones that saw those entries.
   */
  handled(topic: string, entryIds: readonly string[], epoch: string): Promise<HandledEntries>;
  /** Resolves when the bus's backing server answers. */
  ping(): Promise<void>;
  /** Stops every subscription (draining, like `SubscriptionHandle.stop`) and releases connections. */
  close(): Promise<void>;
}

export interface HandledEntries {
  ids: Set<string>;
  /**
   * How many groups read the topic. With none, nothing can be said yet: either nobody reads
   * it, or its readers have not recreated their groups since the bus lost its data.
   */
  groups: number;
}

export interface PublishOptions {
  /**
   * Publish at most once per key for `dedupeTtlSeconds` (e.g. `X-GitHub-Delivery`).
   * Check and append are atomic, so a crash between them cannot lose the event.
   */
  dedupeKey?: string;
  dedupeTtlSeconds?: number;
  /** Only this consumer group handles the entry (redrive); other groups ack and skip it. */
  onlyGroup?: string;
  /**
   * The JSON text of `event.data`, when the publisher holds it already (a webhook's body as
   * received): a driver that stores events as JSON writes it as is instead of serializing
   * the data again. It must parse to `event.data`.
   */
  dataJson?: string | undefined;
}

export interface PublishResult {
  /** The stream entry id; for a duplicate, the id of the entry first written. */
  entryId: string;
  duplicate: boolean;
}

export interface Delivery {
  entryId: string;
  group: string;
  consumer: string;
  /** 1 on first delivery; counts redeliveries after a crash too. */
  attempt: number;
  /** Aborted when the subscription stops past its drain deadline. */
  signal: AbortSignal;
}

/** Resolves to ack (its value is the reply to a request); throws to retry or dead-letter. */
export type Handler = (event: CloudEvent, delivery: Delivery) => Promise<unknown>;

export interface Subscription {
  /** The consumer group: one per subscribing agent, shared by all its instances. */
  group: string;
  /** Stable per process, e.g. `host:pid`; generated when absent. */
  consumer?: string;
  /** Exact event types or "<domain>.<entity>.*" patterns. */
  types: readonly string[];
  handler: Handler;
  /** Maximum handlers in flight in this consumer (the bulkhead). */
  concurrency?: number;
  /** Handle events with the same `partitionkey` one at a time, in publish order, across all consumers. */
  ordered?: boolean;
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  visibilityTimeoutMs?: number;
  /**
   * False for a group that only watches its types (a test's recorder, an archive): it never
   * answers a request, so the reply comes from the agent that wakes on the type, not from
   * whichever group acks first. Default true.
   */
  answersRequests?: boolean;
  /**
   * A group this subscription creates reads the stream from its oldest entry still held,
   * not from its end: a watcher finding a topic late misses none of it. An existing group
   * keeps its place. Default false.
   */
  fromStart?: boolean;
}

export interface SubscriptionHandle {
  readonly group: string;
  readonly consumer: string;
  inFlight(): number;
  /**
   * Stops intake at once, then waits for in-flight handlers until `timeoutMs`. Handlers
   * still running then are aborted (their `signal`) and their entries stay pending, to be
   * redelivered elsewhere.
   */
  stop(opts?: { timeoutMs?: number }): Promise<StopResult>;
}

export interface StopResult {
  drained: boolean;
  /** Handlers still running at the deadline. */
  abandoned: number;
}

export interface DeadLetter {
  /** The dead-letter entry's own id, used to redrive it. */
  id: string;
  group: string;
  topic: string;
  event: CloudEvent;
  error: SerializedError;
  attempts: number;
  failedAt: string;
}

/** A message as it is dead-lettered: its envelope, the last error and how often it was tried. */
export interface DeadLetteredMessage {
  event: CloudEvent;
  error: SerializedError;
  attempts: number;
}

export interface DeadLetterQueue {
  list(opts?: { group?: string; limit?: number }): Promise<DeadLetter[]>;
  /** Sends entries back to their group only (other groups are not woken again); all of the group's when `ids` is absent. Returns how many. */
  redrive(group: string, ids?: readonly string[]): Promise<number>;
}

export interface BusStats {
  topics: TopicStats[];
  deadLetters: { group: string; count: number }[];
}

export interface TopicStats {
  topic: string;
  length: number;
  groups: GroupStats[];
}

export interface GroupStats {
  group: string;
  consumers: number;
  /** Delivered, not yet acked. */
  pending: number;
  /** Not yet delivered to the group; null when the server cannot tell. */
  lag: number | null;
  oldestPendingMs: number | null;
}

/** What the bus reports as it works; metrics implement it (bus code knows no prom-client). */
export interface BusObserver {
  published(topic: string): void;
  handled(group: string, topic: string, outcome: 'ack' | 'retry' | 'dead-letter' | 'skip', seconds: number): void;
  /** `letter` is what was dead-lettered, for the platform's `error.occurred` (platform/bus/report-dead-letters.ts). */
  deadLettered(group: string, topic: string, letter?: DeadLetteredMessage): void;
  /**
   * A delivery the message guard refused, by its reason (a closed list). `sender` is what
   * the envelope claims, and `signedBy` the agent whose verified signature sent it, when
   * the refusal is that agent's own doing.
   */
  refused(
    group: string,
    topic: string,
    reason: string,
    sender?: { type: string; source: string; signedBy?: string },
  ): void;
}

export const silentBusObserver: BusObserver = {
  published() {},
  handled() {},
  deadLettered() {},
  refused() {},
};

/** Where refused messages go, with their reason and the group that refused them: `dlq:security`. */
export const securityDeadLetters = 'security';

/**
 * A signed envelope and, when its signature only names its batch's proof, that proof: the
 * bus carries it beside the batch's envelopes (one string for the whole batch) and hands
 * it to `verify` with each of them.
 */
export interface SealedEvent {
  event: CloudEvent;
  proof: string | undefined;
  /**
   * `event`'s JSON as JSON.stringify writes it, when the guard has it at hand (it hashed
   * the envelope's text to sign it): a bus that sends text need not serialize it again.
   */
  json?: string;
}

/**
 * Where a delivery's batch proof is: read with the entry (the same string for every
 * delivery of the batch), fetched on demand (the proof was not in what this consumer read:
 * it holds part of a batch, after a claim or a crash), or none (the signature carries it).
 */
export type ProofAtHand = string | (() => Promise<string | undefined>) | undefined;

/** A delivery as the guard checks it, one of a read (a driver's RawDelivery is one). */
export interface DeliveryInRead {
  event: CloudEvent;
  entryId: string;
  /** When the bus appended the entry (ms). */
  publishedAt: number;
  proof?: ProofAtHand;
  /**
   * The text the delivered envelope was parsed from, when the bus read text (Redis): its
   * digest is then taken from the text, not from a second serialization. Never any other
   * text: the digest found in it stands for the envelope.
   */
  json?: string | undefined;
}

/** Where one delivery was read: its group, and the delivery less its envelope. */
export interface DeliveryToVerify extends Omit<DeliveryInRead, 'event'> {
  group: string;
}

/**
 * Signs what is published and checks every delivery before its handler
 * (platform/identity/messages/). A delivery the guard refuses (WOW_ERR_MESSAGE_REFUSED)
 * goes to the security dead letters and never reaches the handler; any other error it
 * throws (a store or Redis it could not ask) leaves the entry pending, to be tried again.
 */
export interface MessageGuard {
  /** The envelope with a signature that carries its proof: checkable with nothing else. */
  sign(event: CloudEvent): Promise<CloudEvent>;
  /** What a bus publishes: the envelope signed, and its batch's proof for the bus to carry once per batch. */
  seal(event: CloudEvent): Promise<SealedEvent>;
  /**
   * Checks the deliveries `group` read together (one replay claim for all): each one's
   * outcome, in order, undefined when it may be handled, its refusal when not. Rejects when
   * it cannot decide: every delivery of the read then waits.
   */
  verifyRead(group: string, deliveries: readonly DeliveryInRead[]): Promise<(Error | undefined)[]>;
  /** One delivery: resolves when it may be handled, rejects with its refusal when not. */
  verify(event: CloudEvent, at: DeliveryToVerify): Promise<void>;
  /**
   * Lets `group` accept the event's id once more, in a new entry: a redrive sends a
   * dead letter again under its own id, which would otherwise be refused as a replay.
   */
  readmit(group: string, eventId: string): Promise<void>;
}
