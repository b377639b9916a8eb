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
    // Messages are signed on the embedded defaults too (platform/open-message-guard.ts).
    expect(config.bus.signing).toBe('on');
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

  it('.env.example documents every variable the schema reads', () => {
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    for (const name of Object.keys(envSchema.shape)) expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });
});
