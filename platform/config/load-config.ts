import { readFileSync } from 'node:fs';
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
  bus: {
    keyPrefix: string;
    streamMaxLen: number;
    maxAttempts: number;
    visibilityTimeoutMs: number;
    retryBaseMs: number;
    retryMaxMs: number;
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
    bus: {
      keyPrefix: e.BUS_KEY_PREFIX,
      streamMaxLen: e.BUS_STREAM_MAXLEN,
      maxAttempts: e.BUS_MAX_ATTEMPTS,
      visibilityTimeoutMs: e.BUS_VISIBILITY_TIMEOUT_MS,
      retryBaseMs: e.BUS_RETRY_BASE_MS,
      retryMaxMs: e.BUS_RETRY_MAX_MS,
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
