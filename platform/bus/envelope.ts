import { randomFillSync, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createError } from '../errors/errors.ts';

/**
 * The one event envelope (DESIGN principle 3): CloudEvents 1.0 required and optional
 * attributes, plus extensions: W3C trace context, the partitioning extension's
 * `partitionkey` (per-key ordering), request/reply addressing, `causedby` (the id of the
 * event whose handling sent this one: a trace's tree, read back from the archive),
 * `customer`: the customer whose work the event is (it decides whose memory the receiver
 * may read, ctx.memory), and `signature`: the sender's signature, carrying its batch's proof
 * (the JWS and the batch's digests) or naming the proof the bus carries beside the batch
 * (platform/identity/messages).
 */
const typePattern = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/;
/** A customer's slug, as the support desk gives it (support_customers.slug). */
export const customerSlugPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
const traceparentPattern = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export const cloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().regex(typePattern, {
    error: 'expected lowercase dot-separated segments with at least two parts, e.g. "github.push"',
  }),
  subject: z.string().min(1).optional(),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
  data: z.unknown(),
  traceparent: z
    .string()
    .regex(traceparentPattern, { error: 'expected a W3C traceparent "00-<32 hex>-<16 hex>-<2 hex>"' }),
  tracestate: z.string().optional(),
  partitionkey: z.string().min(1).optional(),
  customer: z
    .string()
    .regex(customerSlugPattern, { error: 'expected a customer slug: lowercase letters, digits and dashes' })
    .optional(),
  correlationid: z.string().min(1).optional(),
  replyto: z.string().min(1).optional(),
  causedby: z.string().min(1).optional(),
  signature: z.string().min(1).optional(),
});

export type CloudEvent<T = unknown> = Omit<z.infer<typeof cloudEventSchema>, 'data'> & { data: T };

export interface EventInput<T = unknown> {
  type: string;
  data: T;
  source: string;
  subject?: string | undefined;
  partitionkey?: string | undefined;
  /** The customer whose work this is (a slug); events emitted while handling it carry it on. */
  customer?: string | undefined;
  /** Continue this trace; a new one is started when absent. */
  traceparent?: string | undefined;
  tracestate?: string | undefined;
  /** The id of the event being handled when this one is sent. */
  causedby?: string | undefined;
  id?: string | undefined;
}

/** A new trace, or a new span in `parent`'s trace: the event's creation context. */
export function childTraceparent(parent?: string): string {
  const span = randomHex(8);
  const match = parent === undefined ? null : traceparentPattern.exec(parent) && parent.split('-');
  if (match) return `00-${match[1] ?? ''}-${span}-${match[3] ?? '01'}`;
  return `00-${randomHex(16)}-${span}-01`;
}

// Trace and span ids are drawn from a pooled buffer, refilled 8 KiB at a time: every
// publish needs one, and a randomBytes call each would cost more than the rest of publish.
const pool = Buffer.alloc(8192);
let poolOffset = pool.length;
function randomHex(bytes: 8 | 16): string {
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

export function createEvent<T>(input: EventInput<T>): CloudEvent<T> {
  assertEventTypeValid(input.type);
  const event: CloudEvent<T> = {
    specversion: '1.0',
    id: input.id ?? randomUUID(),
    source: input.source,
    type: input.type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: input.data,
    traceparent: childTraceparent(input.traceparent),
  };
  if (input.subject !== undefined) event.subject = input.subject;
  if (input.partitionkey !== undefined) event.partitionkey = input.partitionkey;
  if (input.customer !== undefined) event.customer = input.customer;
  if (input.tracestate !== undefined) event.tracestate = input.tracestate;
  if (input.causedby !== undefined) event.causedby = input.causedby;
  return event;
}

/**
 * The envelope as JSON. `dataJson`, when given, is the JSON text of `event.data` as the
 * publisher already holds it (a webhook's body as received): it is sent as is rather than
 * serialized again, after the other attributes (member order means nothing in JSON).
 */
export function serializeEvent(event: CloudEvent, dataJson?: string): string {
  if (dataJson === undefined) return JSON.stringify(event);
  const { data: _data, ...attributes } = event;
  // The attributes always include specversion, so their JSON is "{…}" and data joins after a comma.
  return `${JSON.stringify(attributes).slice(0, -1)},"data":${dataJson}}`;
}

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const optionalText = (v: unknown) => v === undefined || (typeof v === 'string' && v.length > 0);

/**
 * The checks of `cloudEventSchema` written out by hand: every publish and every delivery
 * runs them, and this is several times faster than the schema. The schema still produces
 * the error message when they fail.
 */
function isValidEnvelope(value: unknown): value is CloudEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    e.specversion === '1.0' &&
    typeof e.id === 'string' &&
    e.id.length > 0 &&
    typeof e.source === 'string' &&
    e.source.length > 0 &&
    typeof e.type === 'string' &&
    typePattern.test(e.type) &&
    typeof e.time === 'string' &&
    isoTime.test(e.time) &&
    e.datacontenttype === 'application/json' &&
    'data' in e &&
    typeof e.traceparent === 'string' &&
    traceparentPattern.test(e.traceparent) &&
    optionalText(e.subject) &&
    (e.tracestate === undefined || typeof e.tracestate === 'string') &&
    optionalText(e.partitionkey) &&
    (e.customer === undefined || (typeof e.customer === 'string' && customerSlugPattern.test(e.customer))) &&
    optionalText(e.correlationid) &&
    optionalText(e.replyto) &&
    optionalText(e.causedby) &&
    optionalText(e.signature)
  );
}

/** Returns the event if it is a valid envelope, or throws WOW_ERR_EVENT_INVALID naming each bad field. */
export function assertEventValid(value: unknown): CloudEvent {
  if (isValidEnvelope(value)) return value;
  const parsed = cloudEventSchema.safeParse(value);
  if (!parsed.success) {
    throw createError('WOW_ERR_EVENT_INVALID', {
      problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    });
  }
  return parsed.data;
}

export function assertEventTypeValid(type: string): string {
  if (!typePattern.test(type))
    throw createError('WOW_ERR_EVENT_TYPE', {
      type,
      expected: 'expected lowercase dot-separated segments with at least two parts, e.g. "github.push"',
    });
  return type;
}

/**
 * The stream an event type lives in: its first two segments ("github.pull_request.opened"
 * → "github.pull_request"). Subscribers to any type of a topic share its stream and skip
 * the types they do not wake on.
 */
export function topicOf(type: string): string {
  const [domain, entity] = type.split('.');
  return `${domain ?? ''}.${entity ?? ''}`;
}

/**
 * `pattern` is an exact type, or a prefix ending in ".*" matching one or more further
 * segments ("github.pull_request.*"). Wildcards may not cover the topic itself.
 */
export function typeMatches(pattern: string, type: string): boolean {
  if (!pattern.endsWith('.*')) return pattern === type;
  return type.startsWith(pattern.slice(0, -1));
}

export function assertPatternValid(pattern: string): string {
  const base = pattern.endsWith('.*') ? pattern.slice(0, -2) : pattern;
  if (!typePattern.test(base))
    throw createError('WOW_ERR_EVENT_TYPE', {
      type: pattern,
      expected: 'expected an event type or a "<domain>.<entity>.*" pattern, e.g. "github.pull_request.*"',
    });
  return pattern;
}
