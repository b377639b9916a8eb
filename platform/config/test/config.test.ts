import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../config-schema.ts';
import { loadConfig } from '../load-config.ts';
import { isWowError } from '../../errors/define-errors.ts';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    if (isWowError(err, 'WOW_ERR_CONFIG')) return err.message;
    throw err;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.database.url).toBeUndefined();
    expect(config.redis.url).toBeUndefined();
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(config.github).toBeUndefined();
    expect(config.githubMissing).toEqual(['APP_ID', 'PRIVATE_KEY (or PRIVATE_KEY_PATH)', 'WEBHOOK_SECRET']);
  });

  it('names the variable and what it expects', () => {
    expect(configError({ PORT: 'eighty' })).toContain('PORT: expected an integer from 0 to 65535; got "eighty"');
    expect(configError({ DATABASE_URL: 'mysql://x' })).toContain(
      'DATABASE_URL: expected a URL starting with postgres:// or postgresql://',
    );
    expect(configError({ REDIS_URL: 'localhost:6379' })).toContain(
      'REDIS_URL: expected a URL starting with redis:// or rediss://',
    );
    expect(configError({ LOG_LEVEL: 'loud' })).toContain(
      'LOG_LEVEL: expected one of trace, debug, info, warn, error, fatal, silent; got "loud"',
    );
    expect(configError({ APP_ID: 'my-app' })).toContain('APP_ID: expected the numeric App ID');
  });

  it('reports every bad variable at once and never echoes secrets', () => {
    const message = configError({ PORT: '-1', DATABASE_URL: 'http://user:hunter2@db', PRIVATE_KEY: 'not-a-key' });
    expect(message).toContain('PORT:');
    expect(message).toContain('DATABASE_URL:');
    expect(message).toContain('PRIVATE_KEY:');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('not-a-key');
  });

  it('checks relations between values', () => {
    expect(configError({ HEARTBEAT_INTERVAL_MS: '5000', HEARTBEAT_TIMEOUT_MS: '4000' })).toContain(
      'HEARTBEAT_TIMEOUT_MS: expected more than HEARTBEAT_INTERVAL_MS',
    );
  });

  it('says which file it could not read for PRIVATE_KEY_PATH', () => {
    expect(configError({ PRIVATE_KEY_PATH: '/nonexistent/key.pem' })).toContain(
      'PRIVATE_KEY_PATH: expected a readable PEM file',
    );
  });

  it('builds GitHub credentials when all three are set, turning literal \\n into newlines', () => {
    const config = loadConfig({
      APP_ID: '42',
      PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\\nabc\\n-----END RSA PRIVATE KEY-----',
      WEBHOOK_SECRET: 'a-long-secret',
    });
    expect(config.github).toEqual({
      appId: '42',
      privateKey: '-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----',
      webhookSecret: 'a-long-secret',
      apiUrl: 'https://api.github.com',
    });
    expect(config.githubMissing).toEqual([]);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '  ' }).database.url).toBeUndefined();
  });

  it('reads the support desk: the repository, approvers split into logins and teams, and defaults', () => {
    expect(loadConfig({}).support).toEqual({
      repo: undefined,
      approvers: { logins: [], teams: [] },
      personalDataInIssues: false,
      l1Threshold: 0.6,
      rateLimitPerMinute: 60,
      secretsKey: undefined,
      form: { perIpPerHour: 20, perEmailPerHour: 5, perDomainPerHour: 50, key: undefined },
      smtpListen: undefined,
      smtpUrl: undefined,
      emailFrom: 'support@waooaw.localhost',
      incidentCheckMs: 60_000,
      slaSweepMs: 60_000,
    });
    const support = loadConfig({
      SUPPORT_REPO: 'acme/support',
      SUPPORT_APPROVERS: '@ada, acme/support-leads',
      SUPPORT_SMTP_PORT: '2525',
    }).support;
    expect(support).toMatchObject({
      repo: { owner: 'acme', repo: 'support' },
      approvers: { logins: ['ada'], teams: [{ org: 'acme', slug: 'support-leads' }] },
      smtpListen: { host: '127.0.0.1', port: 2525 },
    });
    expect(configError({ SUPPORT_REPO: 'support' })).toContain('SUPPORT_REPO: expected owner/repo');
    expect(configError({ SUPPORT_L1_THRESHOLD: '80' })).toContain(
      'SUPPORT_L1_THRESHOLD: expected a number from 0 to 1',
    );
    expect(configError({ SMTP_URL: 'smtp.example.com' })).toContain(
      'SMTP_URL: expected a URL starting with smtp:// or smtps://',
    );
  });

  it("reads the web form's limits and the key its submission ids are signed with, never echoing the key", () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(
      loadConfig({ SUPPORT_FORM_PER_IP_PER_HOUR: '100', SUPPORT_FORM_PER_EMAIL_PER_HOUR: '3', SUPPORT_FORM_KEY: key })
        .support.form,
    ).toEqual({ perIpPerHour: 100, perEmailPerHour: 3, perDomainPerHour: 50, key: Buffer.alloc(32, 7) });
    const short = configError({ SUPPORT_FORM_KEY: 'c2hvcnQta2V5' });
    expect(short).toContain('SUPPORT_FORM_KEY: expected at least 32 random bytes in base64');
    expect(short).not.toContain('c2hvcnQta2V5');
    expect(configError({ SUPPORT_FORM_PER_IP_PER_HOUR: '0' })).toContain(
      'SUPPORT_FORM_PER_IP_PER_HOUR: expected an integer from 1 to 100000',
    );
  });

  it("reads the key customers' webhook secrets are sealed with: exactly 32 bytes in base64, never echoed", () => {
    const key = Buffer.alloc(32, 9);
    expect(loadConfig({ SUPPORT_SECRETS_KEY: key.toString('base64') }).support.secretsKey).toEqual(key);
    for (const bad of [
      Buffer.alloc(16, 9).toString('base64'),
      Buffer.alloc(48, 9).toString('base64'),
      'not base64 at all',
    ]) {
      const message = configError({ SUPPORT_SECRETS_KEY: bad });
      expect(message).toContain('SUPPORT_SECRETS_KEY: expected 32 random bytes in base64');
      expect(message).not.toContain(bad);
    }
  });

  it("bounds the support desk's SMTP listener: the domains it takes mail for, the size of a mail, the connections at once", () => {
    expect(loadConfig({ SUPPORT_SMTP_PORT: '25', SUPPORT_EMAIL_FROM: 'help@Acme.example' }).support.smtpListen).toEqual(
      { host: '127.0.0.1', port: 25, domains: ['acme.example'], maxBytes: 10 * 1024 * 1024, maxClients: 50 },
    );
    expect(
      loadConfig({
        SUPPORT_SMTP_PORT: '25',
        SUPPORT_SMTP_DOMAINS: 'support.acme.example, Acme.example',
        SUPPORT_SMTP_MAX_BYTES: '1048576',
        SUPPORT_SMTP_MAX_CLIENTS: '5',
      }).support.smtpListen,
    ).toMatchObject({ domains: ['support.acme.example', 'acme.example'], maxBytes: 1_048_576, maxClients: 5 });
    expect(configError({ SUPPORT_SMTP_DOMAINS: 'not a domain' })).toContain(
      'SUPPORT_SMTP_DOMAINS: expected mail domains, comma-separated',
    );
    expect(configError({ SUPPORT_SMTP_MAX_BYTES: '100' })).toContain(
      'SUPPORT_SMTP_MAX_BYTES: expected an integer from 65536 to 52428800',
    );
  });

  it('.env.example documents every variable the schema reads', () => {
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    for (const name of Object.keys(envSchema.shape)) expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });
});
