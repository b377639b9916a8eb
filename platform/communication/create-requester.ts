import type { Bus } from '../bus/bus.ts';
import { createEvent, type CloudEvent, type EventInput } from '../bus/envelope.ts';
import { requestCompletedEventType } from '../bus/platform-events.ts';
import { createError } from '../errors/errors.ts';
import type { Logger } from '../log/logger.ts';
import { isProtocol, type Protocol, type ReplyOf, type RequestOf } from './define-protocol.ts';
import type { ProtocolDirectory } from './protocol-directory.ts';
import type { ProtocolTypes } from './protocol-types.ts';
import type { RequestGates } from './request-gates.ts';
import type { Tracing } from './tracing.ts';

export interface RequestOptions {
  /** How long to wait for the reply; default the answering agent's `timeoutMs`, at most its `maxTimeoutMs`. */
  timeoutMs?: number;
}

/** A request type some agent.yml `answers` (protocol-types.ts, generated from the manifests). */
export type AnsweredType = keyof ProtocolTypes;

/**
 * `ctx.request`: with a protocol, typed and checked on both sides; with an answered type's
 * name, typed from the generated map (the input checked at publish against the domain model
 * and by the answering agent's schema); with a bare event (a type and its data), the reply is
 * the caller's to read. Either way the type must be one an agent `answers`, and the request
 * goes through that type's circuit breaker and bulkhead.
 */
export interface Requester {
  <P extends Protocol>(protocol: P, input: RequestOf<P>, opts?: RequestOptions): Promise<ReplyOf<P>>;
  <T extends AnsweredType>(
    type: T,
    input: ProtocolTypes[T]['input'],
    opts?: RequestOptions,
  ): Promise<ProtocolTypes[T]['output']>;
  <R = unknown>(event: Omit<EventInput, 'source'>, opts?: RequestOptions): Promise<R>;
}

/** What a requester needs of its runtime: shared by every context of one host. */
export interface CommunicationServices {
  readonly directory: ProtocolDirectory;
  readonly gates: RequestGates;
  readonly tracing: Tracing;
  /** The runtime's own source (`urn:wow:runtime:<instance>`): a request's outcome is the platform's word, signed as such. */
  readonly runtimeSource: string;
}

const problemsOf = (issues: readonly { path: readonly PropertyKey[]; message: string }[]) =>
  issues
    .slice(0, 10)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');

export function createRequester(opts: {
  agentId: string;
  source: string;
  bus: Bus;
  communication: CommunicationServices;
  /** Throws unless the agent may send `type` (its manifest's `emits`). */
  assertDeclared: (type: string) => void;
  /** The trace the request continues: the delivery's, or none (a new trace). */
  traceparent: string | undefined;
  /** The id of the event whose handling sends the request, for `wow trace`. */
  causedby: string | undefined;
  /** The customer a request names: the handled event's, or the caller's own when that names nobody; refuses another's. */
  customer: (asked: string | undefined) => string | undefined;
  /** Where a request's outcome that could not be published is told. */
  log: Pick<Logger, 'warn'>;
}): Requester {
  const { bus, communication, agentId } = opts;
  async function request(
    asked: Protocol | AnsweredType | Omit<EventInput, 'source'>,
    second?: unknown,
    third?: RequestOptions,
  ): Promise<unknown> {
    // A named type is its bare event with the input as data: typed at compile time, checked at publish and by the answerer.
    const named = typeof asked === 'string';
    const target = named ? { type: asked, data: second } : asked;
    const protocol = isProtocol(target) ? target : undefined;
    const event = protocol === undefined ? (target as Omit<EventInput, 'source'>) : undefined;
    const options = (protocol === undefined && !named ? (second as RequestOptions | undefined) : third) ?? {};
    const { type } = target;
    opts.assertDeclared(type);
    const terms = communication.directory.terms(type);
    if (terms === undefined)
      throw createError('WOW_ERR_REQUEST_UNANSWERED', {
        agent: agentId,
        type,
        known: communication.directory.types().join(', ') || 'none',
      });
    const timeoutMs = options.timeoutMs ?? terms.timeoutMs;
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > terms.maxTimeoutMs)
      throw createError('WOW_ERR_REQUEST_OPTIONS', { type, timeoutMs, maxTimeoutMs: terms.maxTimeoutMs });
    let data: unknown = event?.data;
    if (protocol !== undefined) {
      const parsed = protocol.input.safeParse(second);
      if (!parsed.success)
        throw createError('WOW_ERR_REQUEST_INVALID', {
          type,
          agent: agentId,
          problems: problemsOf(parsed.error.issues),
        });
      data = parsed.data;
    }
    const parent = event?.traceparent ?? opts.traceparent;
    return communication.gates.run(type, terms, () =>
      communication.tracing.send('request', type, parent, async (traceparent) => {
        const envelope = createEvent({
          ...event,
          type,
          data,
          source: opts.source,
          traceparent: parent,
          causedby: event?.causedby ?? opts.causedby,
          customer: opts.customer(event?.customer),
        });
        // The client span is the request's creation context: the answering run is its child.
        if (traceparent !== undefined) envelope.traceparent = traceparent;
        const reply = await recordOutcome(envelope, () => bus.request(envelope, { timeoutMs }));
        if (protocol === undefined) return reply;
        const parsed = protocol.output.safeParse(reply);
        if (!parsed.success)
          throw createError('WOW_ERR_REPLY_INVALID', {
            type,
            side: 'asking',
            problems: problemsOf(parsed.error.issues),
          });
        return parsed.data;
      }),
    );
  }
  /**
   * The reply travels outside the bus's topics, so how a request ended is published beside
   * it (caused by the request, in its trace) for WowEvent's archive and `wow trace`. A failed
   * publish costs only that line of the trace, never the request.
   */
  async function recordOutcome<T>(envelope: CloudEvent, ask: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const tell = (outcome: { status: 'ok' | 'failed'; code?: string }) => {
      const event = createEvent({
        type: requestCompletedEventType,
        source: communication.runtimeSource,
        traceparent: envelope.traceparent,
        causedby: envelope.id,
        data: {
          request: envelope.id,
          type: envelope.type,
          ...outcome,
          durationMs: Math.round(performance.now() - started),
        },
      });
      return bus
        .publish(event)
        .catch((err: unknown) => opts.log.warn({ err, request: envelope.id }, 'could not record a request outcome'));
    };
    try {
      const reply = await ask();
      await tell({ status: 'ok' });
      return reply;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      await tell({ status: 'failed', code: typeof code === 'string' ? code.slice(0, 80) : 'WOW_ERR_UNKNOWN' });
      throw err;
    }
  }
  return request;
}
