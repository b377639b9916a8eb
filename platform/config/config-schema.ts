import { z } from 'zod';

/**
 * Every environment variable the platform reads, with what it expects. This schema is
 * the only source: the `Config` type is derived from it and .env.example documents it
 * (test/config.test.ts keeps the two in step).
 */
const int = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `expected an integer from ${min} to ${max}` })
    .int({ error: `expected an integer from ${min} to ${max}` })
    .min(min, { error: `expected an integer from ${min} to ${max}` })
    .max(max, { error: `expected an integer from ${min} to ${max}` })
    .default(fallback);

const url = (protocols: readonly string[]) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { error: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
    );

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const envSchema = z.object({
  LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
      error: 'expected one of trace, debug, info, warn, error, fatal, silent',
    })
    .default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(0, 65535, 3000),
  TRUST_PROXY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      )
      .pipe(
        z.array(
          z.string().regex(/^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d{1,3})?)$/, {
            error:
              'expected proxy addresses or CIDRs, or loopback, linklocal, uniquelocal, separated by commas (e.g. "loopback" or "10.0.0.0/8")',
          }),
        ),
      )
      .optional(),
  ),
  DATABASE_URL: z.preprocess(emptyAsUndefined, url(['postgres:', 'postgresql:']).optional()),
  DATABASE_POOL_MAX: int(1, 1000, 10),
  DATA_DIR: z.string().min(1).default('.data'),
  BACKUP_INTERVAL_SECONDS: int(0, 7 * 86_400, 86_400),
  BACKUP_DIR: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  BACKUP_KEEP_DAILY: int(1, 366, 7),
  BACKUP_KEEP_WEEKLY: int(0, 520, 4),
  REDIS_URL: z.preprocess(emptyAsUndefined, url(['redis:', 'rediss:']).optional()),
  BUS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_{}-]+$/, { error: 'expected letters, digits and : _ - { } (e.g. "wow:")' })
    .default('wow:'),
  BUS_STREAM_MAXLEN: int(1000, 1_000_000_000, 100_000),
  BUS_MAX_ATTEMPTS: int(1, 1000, 5),
  BUS_VISIBILITY_TIMEOUT_MS: int(100, 86_400_000, 30_000),
  BUS_RETRY_BASE_MS: int(1, 3_600_000, 200),
  BUS_RETRY_MAX_MS: int(1, 86_400_000, 30_000),
  CACHE_L1_MAX_ENTRIES: int(1, 10_000_000, 1000),
  CACHE_MAX_VALUE_BYTES: int(64, 64 * 1024 * 1024, 256 * 1024),
  BUS_SIGNING: z.enum(['on', 'off'], { error: 'expected on or off' }).default('on'),
  NODE_ENV: z.preprocess(emptyAsUndefined, z.string().max(40).optional()),
  EVENT_SCHEMA_CHECK: z.preprocess(
    emptyAsUndefined,
    z.enum(['strict', 'warn', 'off'], { error: 'expected strict, warn or off' }).optional(),
  ),
  AGENTS_DIR: z.string().min(1).default('agents'),
  AGENT_CONCURRENCY: int(1, 10_000, 10),
  HEARTBEAT_INTERVAL_MS: int(100, 3_600_000, 5_000),
  HEARTBEAT_TIMEOUT_MS: int(300, 86_400_000, 15_000),
  SHUTDOWN_TIMEOUT_MS: int(0, 3_600_000, 10_000),
  WEBHOOK_DEDUPE_TTL_SECONDS: int(60, 30 * 86_400, 3 * 86_400),
  APP_ID: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^\d+$/, { error: 'expected the numeric App ID from the App settings page' }).optional(),
  ),
  PRIVATE_KEY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .includes('PRIVATE KEY-----', {
        error: 'expected a PEM private key ("-----BEGIN RSA PRIVATE KEY-----…"); newlines may be written as \\n',
      })
      .optional(),
  ),
  PRIVATE_KEY_PATH: z.preprocess(emptyAsUndefined, z.string().optional()),
  GITHUB_API_URL: url(['https:', 'http:']).default('https://api.github.com'),
  LLM_BASE_URL: z.preprocess(emptyAsUndefined, url(['https:', 'http:']).optional()),
  LLM_API_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  LLM_MODEL: z.preprocess(emptyAsUndefined, z.string().min(1).optional()),
  // OpenTelemetry's own variables: spans are exported over OTLP/HTTP when an endpoint is set, and no SDK loads otherwise.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(emptyAsUndefined, url(['https:', 'http:']).optional()),
  OTEL_SERVICE_NAME: z.preprocess(emptyAsUndefined, z.string().min(1).max(100).default('waooaw')),
  PUBLIC_URL: z.preprocess(emptyAsUndefined, url(['https:', 'http:']).optional()),
  IDENTITY_KMS: z.enum(['local', 'aws'], { error: 'expected local or aws' }).default('local'),
  IDENTITY_MASTER_KEY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .trim()
      .refine((v) => Buffer.from(v, 'base64').length === 32 && Buffer.from(v, 'base64').toString('base64') === v, {
        error: 'expected 32 random bytes in base64 (`openssl rand -base64 32`)',
      })
      .optional(),
  ),
  IDENTITY_AWS_REGION: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: 'expected an AWS region such as eu-west-1' })
      .optional(),
  ),
  IDENTITY_AWS_KMS_ENDPOINT: z.preprocess(emptyAsUndefined, url(['https:', 'http:']).optional()),
  IDENTITY_AWS_DELETION_WINDOW_DAYS: int(7, 30, 30),
  IDENTITY_ROTATION_SECONDS: int(0, 10 * 365 * 86_400, 90 * 86_400),
  IDENTITY_KEY_GRACE_SECONDS: int(60, 10 * 365 * 86_400, 7 * 86_400),
  IDENTITY_KEY_PUBLISH_SECONDS: int(0, 86_400, 300),
  IDENTITY_CREDENTIAL_TTL_SECONDS: int(60, 7 * 86_400, 3600),
  WEBHOOK_SECRET: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .min(8, { error: 'expected the webhook secret set in the App settings (at least 8 characters)' })
      .optional(),
  ),
});

export type Env = z.infer<typeof envSchema>;
