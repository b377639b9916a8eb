import { readFileSync } from 'node:fs';
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
  support: SupportSettings;
}

export interface SupportSettings {
  /** Where each ticket becomes an issue; undefined: tickets are not synced with GitHub. */
  repo: { owner: string; repo: string } | undefined;
  /** Logins and org/team slugs whose `/approve` releases an L3 draft. */
  approvers: { logins: string[]; teams: { org: string; slug: string }[] };
  /** Whether a customer's name and email may appear in the issue body. */
  personalDataInIssues: boolean;
  /** The share of a question an article must cover before L1 answers alone. */
  l1Threshold: number;
  /** Ticket API requests per customer per minute. */
  rateLimitPerMinute: number;
  /**
   * The web form: posts per client address, tickets per email address (its +tag aside, and
   * a Gmail address's dots) and per email domain, per hour; and
   * the key its submission ids are signed with (undefined: a random key per process, so a
   * form served by one process and posted to another is taken as a new submission).
   */
  form: { perIpPerHour: number; perEmailPerHour: number; perDomainPerHour: number; key: Buffer | undefined };
  /**
   * The key customers' webhook secrets are sealed with (AES-256-GCM); undefined: no
   * webhook secret can be stored or read, so customers with a webhook cannot be added.
   */
  secretsKey: Buffer | undefined;
  /**
   * The inbound SMTP listener; undefined: no listener. It takes mail for `domains` only
   * (SUPPORT_SMTP_DOMAINS, else SUPPORT_EMAIL_FROM's domain), of at most `maxBytes`, from
   * at most `maxClients` connections at once.
   */
  smtpListen: { host: string; port: number; domains: string[]; maxBytes: number; maxClients: number } | undefined;
  /** Outbound mail; undefined: replies to email tickets wait, undelivered, until it is set. */
  smtpUrl: string | undefined;
  emailFrom: string;
  /** How often agents' health is judged for incidents; 0: never. */
  incidentCheckMs: number;
  /** How often the desk's SLA clocks are swept for breaches and near breaches; 0: never. */
  slaSweepMs: number;
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
    support: supportSettings(e),
  };
}

function supportSettings(e: Env): SupportSettings {
  const [owner, repo] = e.SUPPORT_REPO?.split('/') ?? [];
  const approvers = (e.SUPPORT_APPROVERS ?? '')
    .split(',')
    .map((a) => a.trim().replace(/^@/, ''))
    .filter((a) => a !== '');
  return {
    repo: owner === undefined || repo === undefined ? undefined : { owner, repo },
    approvers: {
      logins: approvers.filter((a) => !a.includes('/')),
      teams: approvers
        .filter((a) => a.includes('/'))
        .map((a) => ({ org: a.split('/')[0] ?? '', slug: a.split('/')[1] ?? '' })),
    },
    personalDataInIssues: e.SUPPORT_PERSONAL_DATA_IN_ISSUES === 'true',
    l1Threshold: e.SUPPORT_L1_THRESHOLD,
    rateLimitPerMinute: e.SUPPORT_RATE_LIMIT_PER_MINUTE,
    secretsKey: e.SUPPORT_SECRETS_KEY === undefined ? undefined : Buffer.from(e.SUPPORT_SECRETS_KEY, 'base64'),
    form: {
      perIpPerHour: e.SUPPORT_FORM_PER_IP_PER_HOUR,
      perEmailPerHour: e.SUPPORT_FORM_PER_EMAIL_PER_HOUR,
      perDomainPerHour: e.SUPPORT_FORM_PER_DOMAIN_PER_HOUR,
      key: e.SUPPORT_FORM_KEY === undefined ? undefined : Buffer.from(e.SUPPORT_FORM_KEY, 'base64'),
    },
    smtpListen:
      e.SUPPORT_SMTP_PORT === undefined
        ? undefined
        : {
            host: e.SUPPORT_SMTP_HOST,
            port: e.SUPPORT_SMTP_PORT,
            domains: smtpDomains(e),
            maxBytes: e.SUPPORT_SMTP_MAX_BYTES,
            maxClients: e.SUPPORT_SMTP_MAX_CLIENTS,
          },
    smtpUrl: e.SMTP_URL,
    emailFrom: e.SUPPORT_EMAIL_FROM,
    incidentCheckMs: e.SUPPORT_INCIDENT_CHECK_SECONDS * 1000,
    slaSweepMs: e.SUPPORT_SLA_SWEEP_SECONDS * 1000,
  };
}

/** The mail domains the desk's listener takes mail for: the desk's own address's, unless listed. */
function smtpDomains(e: Env): string[] {
  const listed = (e.SUPPORT_SMTP_DOMAINS ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter((d) => d !== '');
  return listed.length > 0
    ? listed
    : [e.SUPPORT_EMAIL_FROM.slice(e.SUPPORT_EMAIL_FROM.lastIndexOf('@') + 1).toLowerCase()];
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
