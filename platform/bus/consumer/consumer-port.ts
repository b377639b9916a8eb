import type { SerializedError } from '../../errors/wow-error.ts';
import type { ProofAtHand } from '../bus.ts';
import type { CloudEvent } from '../envelope.ts';

/** One entry as a driver hands it to the consumer engine. */
export interface RawDelivery {
  entryId: string;
  /** When the bus appended the entry (ms since the epoch): a Redis entry id's time, unforgeable since ids only grow. */
  publishedAt: number;
  topic: string;
  event: CloudEvent;
  /** Times the server has delivered this entry to the group (redeliveries after crashes included). */
  deliveryCount: number;
  /** Set by redrive: only this group handles the entry. */
  onlyGroup: string | undefined;
  /** For ordered subscriptions: the previous entry with the same partition key in this topic. */
  prev: string | undefined;
  /** The proof of the batch the envelope was signed in, when the bus carries it beside the envelope. */
  proof?: ProofAtHand;
  /** The envelope's JSON as read, for a driver that reads text (Redis). */
  json?: string;
}

/**
 * What the consumer engine needs from a driver: the storage operations of one consumer of
 * one group. Redis Streams and the in-process driver implement it; the engine
 * (run-consumer.ts) holds the semantics they share.
 */
export interface ConsumerPort {
  /** New entries for this consumer, at most `count`; waits (bounded) when there are none. */
  read(count: number): Promise<RawDelivery[]>;
  /** Entries left pending by consumers silent for the visibility timeout, now owned by this one. */
  claim(count: number): Promise<RawDelivery[]>;
  /** Keeps entries this consumer is still working on from being claimed. */
  extend(entries: readonly RawDelivery[]): Promise<void>;
  ack(entry: RawDelivery): Promise<void>;
  /**
   * Moves the entry to the group's dead-letter stream with its error, and acks it,
   * atomically; to the dead letters of `into` instead when given (the security stream).
   */
  deadLetter(entry: RawDelivery, error: SerializedError, attempts: number, into?: string): Promise<void>;
  /** Ordering: true when the previous entry with the same key is done (acked or dead-lettered) in this group. */
  isTurn(entry: RawDelivery): Promise<boolean>;
  /** Wakes when an ordering turn may have changed (or after a short poll). */
  waitTurnChange(signal: AbortSignal): Promise<void>;
  reply(replyTo: string, correlationId: string, body: ReplyBody): Promise<void>;
  /** Unblocks a pending `read` so the loop can stop. */
  interrupt(): void;
  close(): Promise<void>;
}

export type ReplyBody = { ok: true; value: unknown } | { ok: false; error: SerializedError };
