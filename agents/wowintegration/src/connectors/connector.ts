import { z } from 'zod';

const name = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'expected a kebab-case name, e.g. "salesforce"' })
  .max(64);

// Loopback hosts may be plain HTTP (local doubles, a sidecar); anything else must be HTTPS,
// as OAuth 2.0 requires TLS for the token endpoint (RFC 6749, section 3.2).
const loopback = new Set(['127.0.0.1', 'localhost', '[::1]']);
const secureUrl = z
  .url({ error: 'expected an absolute URL' })
  .max(2000)
  .refine(
    (u) => {
      const url = new URL(u);
      return url.protocol === 'https:' || (url.protocol === 'http:' && loopback.has(url.hostname));
    },
    { error: 'expected https:// (plain http:// only on a loopback host)' },
  );

export const isLoopback = (url: string): boolean => loopback.has(new URL(url).hostname);

/** A field of the request body taken from the event: "id", "subject", "data.ticketId" … */
const eventPath = z.string().regex(/^(id|type|source|subject|time|data(\.[A-Za-z0-9_]+)*)$/, {
  error: 'expected id, type, source, subject, time or data.<field>[.<field>…]',
});

const delivery = z.strictObject({
  /** The platform event delivered; the agent must wake on it (agent.yml wakesOn). */
  event: z
    .string()
    .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, { error: 'expected an event type, e.g. support.ticket.opened' }),
  method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
  /** Under the connector's base URL. */
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9._~\-/]*$/, { error: 'expected a path starting with /' })
    .max(500),
  /** The JSON body: each API field from a part of the event; without it, the whole event (CloudEvents JSON). */
  fields: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,79}$/), eventPath).optional(),
});

const oauth2 = z.strictObject({
  kind: z.enum(['oauth2-client-credentials', 'oauth2-refresh-token']),
  tokenEndpoint: secureUrl,
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, { error: 'expected a scope token (RFC 6749, 3.3)' }))
    .max(50)
    .default([]),
  /** How the client authenticates to the token endpoint (RFC 6749, 2.3.1). */
  clientAuth: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
});

const webhook = z.strictObject({
  /**
   * stripe: a `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` header;
   * hmac-sha256: a header holding the hex (or `sha256=` hex) HMAC-SHA256 of the body, the
   * timestamp in `timestampHeader` when the provider sends one.
   */
  scheme: z.enum(['stripe', 'hmac-sha256']),
  header: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/)
    .default('X-Signature'),
  timestampHeader: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/)
    .optional(),
  toleranceSeconds: z.int().min(1).max(3600).default(300),
  /** The largest body taken, in bytes. */
  maxBodyBytes: z
    .int()
    .min(1024)
    .max(5 * 1024 * 1024)
    .default(256 * 1024),
});

/** integrations/<name>/connector.yml: one outside API, declared. */
export const connectorSchema = z.strictObject({
  name,
  description: z.string().min(1).max(300),
  baseUrl: secureUrl,
  auth: oauth2,
  deliver: z.array(delivery).max(50).default([]),
  retries: z
    .strictObject({
      /** Tries of one delivery, the first included. */
      maxAttempts: z.int().min(1).max(10).default(3),
      initialDelayMs: z.int().min(1).max(60_000).default(200),
      maxDelayMs: z.int().min(1).max(300_000).default(10_000),
      timeoutMs: z.int().min(100).max(120_000).default(10_000),
    })
    .prefault({}),
  circuitBreaker: z
    .strictObject({
      /** Deliveries failed in a row that open the circuit: later ones fail at once, recorded for retry. */
      consecutiveFailures: z.int().min(1).max(100).default(5),
      halfOpenAfterMs: z.int().min(100).max(3_600_000).default(30_000),
    })
    .prefault({}),
  webhook: webhook.optional(),
});

export type Connector = z.infer<typeof connectorSchema>;
export type ConnectorDelivery = Connector['deliver'][number];
