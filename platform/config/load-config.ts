import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { z } from 'zod';
import { createError } from '../errors/errors.ts';
import { envSchema, type Env } from './config-schema.ts';

export interface GitHubAppCredentials {
  appId: string;
  privateKey: string;
  webhookSecret: string;
  /** The REST API root: api.github.com, or a GitHub Enterprise Server's /api/v3. */
  apiUrl: string;
}

export interface Config {
  logLevel: Env['LOG_LEVEL'];
  /** `trustProxy`: the proxies whose X-Forwarded-For names the client (the form's per-address limit counts it); undefined: the socket's peer. */
  http: { host: string; port: number; trustProxy: string[] | undefined };
  database: { url: string | undefined; poolMax: number; dataDir: string };
  /** Scheduled backups (0 s: off) into `dir`, and how many scheduled ones to keep. */
  backup: { intervalSeconds: number; dir: string; keep: { daily: number; weekly: number } };
  redis: { url: string | undefined };
  /** ctx.cache (platform/cache): each namespace's L1 bound until WowCache tunes it, and the largest value cached. */
  cache: { l1MaxEntries: number; maxValueBytes: number };
  bus: {
    keyPrefix: string;
    streamMaxLen: number;
    maxAttempts: number;
    visibilityTimeoutMs: number;
    retryBaseMs: number;
    retryMaxMs: number;
    /**
     * Signed messages (docs/security.md): what this process publishes is signed as its
     * sender and every delivery verified before its handler. `auto`: on with PostgreSQL,
     * off on the embedded store (see open-message-guard.ts). Off unless set, for now:
     * docs/security.md says why.
     */
    signing: 'on' | 'off';
    /**
     * What a published event whose data its domain model refuses does (EVENT_SCHEMA_CHECK):
     * refused (`strict`, the default), logged (`warn`, the default with NODE_ENV=production) or unchecked.
     */
    schemaCheck: 'strict' | 'warn' | 'off';
  };
  agents: {
    dir: string;
    concurrency: number;
    heartbeatIntervalMs: number;
    heartbeatTimeoutMs: number;
    shutdownTimeoutMs: number;
  };
  webhooks: { secret: string | undefined; dedupeTtlSeconds: number };
  /** Undefined until APP_ID and a private key are set; `githubMissing` then says what to set. */
  github: GitHubAppCredentials | undefined;
  githubMissing: string[];
  /** An OpenAI-compatible model; undefined unless LLM_MODEL is set (LLMs advise, rules decide). */
  llm: LlmSettings | undefined;
  /** Traces over OTLP/HTTP (platform/communication/open-tracing.ts); undefined: no tracing SDK at all. */
  otel: { endpoint: string; serviceName: string } | undefined;
  identity: IdentitySettings;
}

/** DIDs and their keys (platform/identity); docs/security.md, "Identity". */
export interface IdentitySettings {
  /** The deployment's public origin (PUBLIC_URL): its host names the DIDs, did:web:<host>. */
  publicUrl: string;
  /** Which KMS makes new keys; the other driver's settings stay, for the keys it made before. */
  kms: { driver: 'local' | 'aws'; local: LocalKmsSettings; aws: AwsKmsSettings | undefined };
  /** An active key older than this is rotated by the schedule (0: only by hand). */
  rotationSeconds: number;
  /** A rotated-out key verifies this long, then leaves the DID documents and is retired in its KMS. */
  graceSeconds: number;
  /** A new key is in the DID document this long before it signs (what verifiers may cache a document for). */
  publishSeconds: number;
  /** How long an agent's capability and attestation credentials live; they are renewed when half of it is left. */
  credentialTtlSeconds: number;
}

export interface LocalKmsSettings {
  /** IDENTITY_MASTER_KEY; undefined: one generated in `dataDir` (one host only). */
  masterKey: Buffer | undefined;
  dataDir: string;
}

export interface AwsKmsSettings {
  region: string;
  endpoint: string | undefined;
  deletionWindowDays: number;
}

export interface LlmSettings {
  /** Undefined: OpenAI's own API. */
  baseUrl: string | undefined;
  apiKey: string | undefined;
  model: string;
}

const secretVariables = new Set([
  'PRIVATE_KEY',
  'WEBHOOK_SECRET',
  'DATABASE_URL',
  'REDIS_URL',
  'LLM_API_KEY',
  'SMTP_URL',
  'SUPPORT_FORM_KEY',
  'SUPPORT_SECRETS_KEY',
  'IDENTITY_MASTER_KEY',
]);

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = issue.path.join('.');
  const raw = env[name];
  const got =
    raw === undefined ? 'it is not set' : secretVariables.has(name) ? 'the value given does not match' : `got "${raw}"`;
  return `  ${name}: ${issue.message}; ${got}`;
}

/**
 * Reads the environment once, at the edge (house rule 4). A bad value throws
 * WOW_ERR_CONFIG naming every variable at fault and what it expects.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw createError('WOW_ERR_CONFIG', { problems: parsed.error.issues.map((i) => describeIssue(i, env)).join('\n') });
  }
  const e = parsed.data;
  if (e.HEARTBEAT_TIMEOUT_MS <= e.HEARTBEAT_INTERVAL_MS) {
    throw createError('WOW_ERR_CONFIG', {
      problems: `  HEARTBEAT_TIMEOUT_MS: expected more than HEARTBEAT_INTERVAL_MS (${e.HEARTBEAT_INTERVAL_MS}); got "${e.HEARTBEAT_TIMEOUT_MS}"`,
    });
  }
  const identity = identitySettings(e);
  const privateKey = readPrivateKey(e);
  const githubMissing = [
    e.APP_ID === undefined ? 'APP_ID' : undefined,
    privateKey === undefined ? 'PRIVATE_KEY (or PRIVATE_KEY_PATH)' : undefined,
    e.WEBHOOK_SECRET === undefined ? 'WEBHOOK_SECRET' : undefined,
  ].filter((v): v is string => v !== undefined);
  return {
    logLevel: e.LOG_LEVEL,
    http: { host: e.HOST, port: e.PORT, trustProxy: e.TRUST_PROXY },
    database: { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX, dataDir: e.DATA_DIR },
    backup: {
      intervalSeconds: e.BACKUP_INTERVAL_SECONDS,
      dir: e.BACKUP_DIR ?? join(e.DATA_DIR, 'backups'),
      keep: { daily: e.BACKUP_KEEP_DAILY, weekly: e.BACKUP_KEEP_WEEKLY },
    },
    redis: { url: e.REDIS_URL },
    cache: { l1MaxEntries: e.CACHE_L1_MAX_ENTRIES, maxValueBytes: e.CACHE_MAX_VALUE_BYTES },
    bus: {
      keyPrefix: e.BUS_KEY_PREFIX,
      streamMaxLen: e.BUS_STREAM_MAXLEN,
      maxAttempts: e.BUS_MAX_ATTEMPTS,
      visibilityTimeoutMs: e.BUS_VISIBILITY_TIMEOUT_MS,
      retryBaseMs: e.BUS_RETRY_BASE_MS,
      retryMaxMs: e.BUS_RETRY_MAX_MS,
      signing: e.BUS_SIGNING,
      schemaCheck: e.EVENT_SCHEMA_CHECK ?? (e.NODE_ENV === 'production' ? 'warn' : 'strict'),
    },
    agents: {
      dir: e.AGENTS_DIR,
      concurrency: e.AGENT_CONCURRENCY,
      heartbeatIntervalMs: e.HEARTBEAT_INTERVAL_MS,
      heartbeatTimeoutMs: e.HEARTBEAT_TIMEOUT_MS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    },
    webhooks: { secret: e.WEBHOOK_SECRET, dedupeTtlSeconds: e.WEBHOOK_DEDUPE_TTL_SECONDS },
    github:
      e.APP_ID !== undefined && privateKey !== undefined && e.WEBHOOK_SECRET !== undefined
        ? { appId: e.APP_ID, privateKey, webhookSecret: e.WEBHOOK_SECRET, apiUrl: e.GITHUB_API_URL.replace(/\/$/, '') }
        : undefined,
    githubMissing,
    llm: e.LLM_MODEL === undefined ? undefined : { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY, model: e.LLM_MODEL },
    otel:
      e.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
        ? undefined
        : { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
    identity,
  };
}

/**
 * The public origin names every DID (did:web:<host>), so it must be one that did:web can
 * name: a host, not an IP address (the did:web specification), and nothing after it, since
 * the documents are served at /.well-known/did.json and /agents/<id>/did.json of the origin.
 */
function identitySettings(e: Env): IdentitySettings {
  const publicUrl = new URL(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`);
  const problems: string[] = [];
  if (publicUrl.pathname !== '/' || publicUrl.search !== '' || publicUrl.hash !== '')
    problems.push(
      '  PUBLIC_URL: expected an origin with no path, query or fragment (e.g. "https://waooaw.example.com")',
    );
  if (publicUrl.username !== '' || publicUrl.password !== '')
    problems.push('  PUBLIC_URL: expected no user or password in it');
  if (isIP(publicUrl.hostname.replace(/^\[|\]$/g, '')) !== 0)
    problems.push('  PUBLIC_URL: expected a host name, not an IP address (a did:web DID cannot name one)');
  const region = e.IDENTITY_AWS_REGION;
  const kms: IdentitySettings['kms'] = {
    driver: e.IDENTITY_KMS,
    local: {
      masterKey: e.IDENTITY_MASTER_KEY === undefined ? undefined : Buffer.from(e.IDENTITY_MASTER_KEY, 'base64'),
      dataDir: e.DATA_DIR,
    },
    aws:
      region === undefined
        ? undefined
        : { region, endpoint: e.IDENTITY_AWS_KMS_ENDPOINT, deletionWindowDays: e.IDENTITY_AWS_DELETION_WINDOW_DAYS },
  };
  if (e.IDENTITY_KMS === 'aws' && region === undefined)
    problems.push('  IDENTITY_AWS_REGION: expected the region of the KMS keys when IDENTITY_KMS=aws; it is not set');
  if (problems.length > 0) throw createError('WOW_ERR_CONFIG', { problems: problems.join('\n') });
  return {
    publicUrl: publicUrl.origin,
    kms,
    rotationSeconds: e.IDENTITY_ROTATION_SECONDS,
    graceSeconds: e.IDENTITY_KEY_GRACE_SECONDS,
    publishSeconds: e.IDENTITY_KEY_PUBLISH_SECONDS,
    credentialTtlSeconds: e.IDENTITY_CREDENTIAL_TTL_SECONDS,
  };
}

function readPrivateKey(e: Env): string | undefined {
  // Env files often hold the PEM on one line with literal \n.
  if (e.PRIVATE_KEY !== undefined) return e.PRIVATE_KEY.replace(/\\n/g, '\n');
  if (e.PRIVATE_KEY_PATH === undefined) return undefined;
  try {
    return readFileSync(e.PRIVATE_KEY_PATH, 'utf8');
  } catch (err) {
    throw createError('WOW_ERR_CONFIG', {
      problems: `  PRIVATE_KEY_PATH: expected a readable PEM file; ${(err as Error).message}`,
    });
  }
}
