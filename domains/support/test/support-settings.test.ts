import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isWowError, readAgentSettings, readSharedSettings, sharedVariables } from '#platform';
import { supportSettings } from '#domains/support';

const read = (env: Record<string, string>) => readSharedSettings(supportSettings, env);

function settingsError(env: Record<string, string>): string {
  try {
    read(env);
  } catch (err) {
    if (isWowError(err, 'WOW_ERR_CONFIG')) return err.message;
    throw err;
  }
  throw new Error('expected the settings to be refused');
}

describe('supportSettings', () => {
  it('reads the support desk: the repository, approvers split into logins and teams, and defaults', () => {
    expect(read({})).toEqual({
      repo: undefined,
      approvers: { logins: [], teams: [] },
      personalDataInIssues: false,
      l1Threshold: 0.6,
      rateLimitPerMinute: 60,
      secretsKey: undefined,
      form: { perIpPerHour: 20, perEmailPerHour: 5, perDomainPerHour: 50, key: undefined },
      smtpListen: undefined,
      tasksDomain: undefined,
      smtpUrl: undefined,
      emailFrom: 'support@waooaw.localhost',
      slaSweepMs: 60_000,
      knowledgeBase: { repo: undefined, dir: 'docs/kb' },
    });
    expect(
      read({ SUPPORT_REPO: 'acme/support', SUPPORT_APPROVERS: '@ada, acme/support-leads', SUPPORT_SMTP_PORT: '2525' }),
    ).toMatchObject({
      repo: { owner: 'acme', repo: 'support' },
      approvers: { logins: ['ada'], teams: [{ org: 'acme', slug: 'support-leads' }] },
      smtpListen: { host: '127.0.0.1', port: 2525 },
      // The knowledge base lives in the support repository unless it is named apart.
      knowledgeBase: { repo: 'acme/support', dir: 'docs/kb' },
    });
    expect(
      read({ SUPPORT_REPO: 'acme/support', SUPPORT_KB_REPO: 'acme/docs', SUPPORT_KB_DIR: 'kb/' }).knowledgeBase,
    ).toEqual({
      repo: 'acme/docs',
      dir: 'kb',
    });
    expect(settingsError({ SUPPORT_REPO: 'support' })).toContain('SUPPORT_REPO: expected owner/repo');
    expect(settingsError({ SUPPORT_L1_THRESHOLD: '80' })).toContain(
      'SUPPORT_L1_THRESHOLD: expected a number from 0 to 1',
    );
    // Outbound mail keeps the name it had before the desk's settings had a prefix.
    expect(read({ SMTP_URL: 'smtp://mail.example:587' }).smtpUrl).toBe('smtp://mail.example:587');
    expect(settingsError({ SMTP_URL: 'smtp.example.com' })).toContain(
      'SMTP_URL: expected a URL starting with smtp:// or smtps://',
    );
  });

  it("reads the web form's limits and the key its submission ids are signed with, never echoing the key", () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(
      read({ SUPPORT_FORM_PER_IP_PER_HOUR: '100', SUPPORT_FORM_PER_EMAIL_PER_HOUR: '3', SUPPORT_FORM_KEY: key }).form,
    ).toEqual({ perIpPerHour: 100, perEmailPerHour: 3, perDomainPerHour: 50, key: Buffer.alloc(32, 7) });
    const short = settingsError({ SUPPORT_FORM_KEY: 'c2hvcnQta2V5' });
    expect(short).toContain('SUPPORT_FORM_KEY: expected at least 32 random bytes in base64');
    expect(short).not.toContain('c2hvcnQta2V5');
    expect(settingsError({ SUPPORT_FORM_PER_IP_PER_HOUR: '0' })).toContain(
      'SUPPORT_FORM_PER_IP_PER_HOUR: expected an integer from 1 to 100000',
    );
  });

  it("reads the key customers' webhook secrets are sealed with: exactly 32 bytes in base64, never echoed", () => {
    const key = Buffer.alloc(32, 9);
    expect(read({ SUPPORT_SECRETS_KEY: key.toString('base64') }).secretsKey).toEqual(key);
    for (const bad of [
      Buffer.alloc(16, 9).toString('base64'),
      Buffer.alloc(48, 9).toString('base64'),
      'not base64 at all',
    ]) {
      const message = settingsError({ SUPPORT_SECRETS_KEY: bad });
      expect(message).toContain('SUPPORT_SECRETS_KEY: expected 32 random bytes in base64');
      expect(message).not.toContain(bad);
    }
  });

  it("bounds the support desk's SMTP listener: the domains it takes mail for, the size of a mail, the connections at once", () => {
    expect(read({ SUPPORT_SMTP_PORT: '25', SUPPORT_EMAIL_FROM: 'help@Acme.example' }).smtpListen).toEqual({
      host: '127.0.0.1',
      port: 25,
      domains: ['acme.example'],
      maxBytes: 10 * 1024 * 1024,
      maxClients: 50,
    });
    expect(
      read({
        SUPPORT_SMTP_PORT: '25',
        SUPPORT_SMTP_DOMAINS: 'support.acme.example, Acme.example',
        SUPPORT_SMTP_MAX_BYTES: '1048576',
        SUPPORT_SMTP_MAX_CLIENTS: '5',
      }).smtpListen,
    ).toMatchObject({ domains: ['support.acme.example', 'acme.example'], maxBytes: 1_048_576, maxClients: 5 });
    expect(read({ SUPPORT_TASKS_DOMAIN: ' Agents.Acme.example ' }).tasksDomain).toBe('agents.acme.example');
    expect(settingsError({ SUPPORT_TASKS_DOMAIN: 'a b' })).toContain('SUPPORT_TASKS_DOMAIN: expected one mail domain');
    expect(settingsError({ SUPPORT_SMTP_DOMAINS: 'not a domain' })).toContain(
      'SUPPORT_SMTP_DOMAINS: expected mail domains, comma-separated',
    );
    expect(settingsError({ SUPPORT_SMTP_MAX_BYTES: '100' })).toContain(
      'SUPPORT_SMTP_MAX_BYTES: expected an integer from 65536 to 52428800',
    );
  });

  it("reaches an agent under a key of its own settings, read from the desk's variables, not the agent's", () => {
    const schema = z.object({ support: supportSettings, batch: z.coerce.number().int().default(10) });
    const env = { SUPPORT_REPO: 'acme/support', WOWNOTIFICATION_SUPPORT_REPO: 'evil/repo', WOWNOTIFICATION_BATCH: '3' };
    const settings = readAgentSettings('wownotification', schema, env);
    expect(settings.support.repo).toEqual({ owner: 'acme', repo: 'support' });
    expect(settings.batch).toBe(3);
    let message = '';
    try {
      readAgentSettings('wownotification', schema, { SUPPORT_L1_THRESHOLD: '2', WOWNOTIFICATION_BATCH: 'x' });
    } catch (err) {
      if (isWowError(err, 'WOW_ERR_CONFIG')) message = err.message;
    }
    // Each bad variable by its own name: the desk's under SUPPORT_, the agent's under its prefix.
    expect(message).toContain('SUPPORT_L1_THRESHOLD: expected a number from 0 to 1');
    expect(message).toContain('WOWNOTIFICATION_BATCH:');
  });

  it('is documented in .env.example, every variable it reads', () => {
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    const variables = sharedVariables(supportSettings);
    expect(variables).toContain('SMTP_URL');
    expect(variables).toContain('SUPPORT_SLA_SWEEP_SECONDS');
    for (const name of variables) expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });
});
