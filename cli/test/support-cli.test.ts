import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createStore } from '#platform';
import { authenticateApiKey } from '#domains/support';
import { wow } from '../../test/support/run-wow.ts';
import { testDatabaseUrl, uniqueName } from '../../test/support/servers.ts';

// The CLI opens the database by URL, so this file gets a database of its own.
const database = uniqueName('wowsupport');
const admin = new pg.Client({ connectionString: testDatabaseUrl });
const url = new URL(testDatabaseUrl);
url.pathname = `/${database}`;
// Customers with a webhook need the key their secrets are sealed with.
const secretsKey = randomBytes(32).toString('base64');
const env = { DATABASE_URL: url.toString(), SUPPORT_SECRETS_KEY: secretsKey };

beforeAll(async () => {
  await admin.connect();
  await admin.query(`create database ${database}`);
});
afterAll(async () => {
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
});

describe('wow support', () => {
  it('has --help with exit codes on each command', async () => {
    for (const argv of [
      ['support', 'customers', 'add'],
      ['support', 'customers', 'list'],
      ['support', 'customers', 'uses'],
      ['support', 'keys', 'create'],
      ['support', 'keys', 'revoke'],
      ['support', 'secrets', 'seal'],
      ['support', 'kill-switch'],
      ['support', 'incidents'],
    ]) {
      const run = await wow([...argv, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Exit codes: 0 done, 1 the operation failed');
    }
    expect((await wow(['support', '--help'])).stdout).toMatch(/customers[\s\S]*keys/);
  });

  it('adds customers, lists them, creates a key printed once and revokes it by its prefix', async () => {
    const added = await wow(
      [
        'support',
        'customers',
        'add',
        'acme-corp',
        '--name',
        'Acme Corp',
        '--webhook-url',
        'https://acme.example/hooks',
      ],
      env,
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain('✔ customer acme-corp (Acme Corp) added');
    expect(added.stdout).toMatch(/webhook secret \(shown only now[^)]*\): whsec_\S{40,}/);
    const own = await wow(
      [
        'support',
        'customers',
        'add',
        'globex',
        '--name',
        'Globex',
        '--webhook-url',
        'https://globex.example/h',
        '--webhook-secret',
        'a-secret-they-already-use',
        '--json',
      ],
      env,
    );
    expect(JSON.parse(own.stdout)).toMatchObject({
      slug: 'globex',
      webhookUrl: 'https://globex.example/…',
      webhookSecret: 'a-secret-they-already-use',
    });

    const created = await wow(['support', 'keys', 'create', 'acme-corp'], env);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^wow_sk_[A-Za-z0-9_-]{32}$/);
    expect(created.stderr).toContain('it is not stored and cannot be shown again');
    const prefix = key.slice(0, 15);

    const listed = await wow(['support', 'customers', 'list'], env);
    expect(listed.stdout).toMatch(new RegExp(`acme-corp\\s+Acme Corp\\s+https://acme.example/…\\s+${prefix}…`));
    expect(listed.stdout).not.toContain(key);
    const json = JSON.parse((await wow(['support', 'customers', 'list', '--json'], env)).stdout) as {
      slug: string;
      activeKeys: string[];
    }[];
    expect(json.map((c) => [c.slug, c.activeKeys])).toEqual([
      ['acme-corp', [prefix]],
      ['globex', []],
    ]);
    expect(JSON.stringify(json)).not.toContain('whsec_');

    const store = await createStore({
      url: env.DATABASE_URL,
      dataDir: '.data',
      poolMax: 1,
      log: createLogger('silent'),
    });
    try {
      expect((await authenticateApiKey(store, `Bearer ${key}`)).slug).toBe('acme-corp');
      // Only the sha256 is stored.
      expect(
        (await store.query('select 1 from support_api_keys where key_sha256 = $1 or prefix = $1', [key])).rows,
      ).toHaveLength(0);
      const revoked = await wow(['support', 'keys', 'revoke', `${prefix}…`], env);
      expect(revoked.code).toBe(0);
      expect(revoked.stdout).toContain(`✔ API key ${prefix}… of acme-corp revoked`);
      await expect(authenticateApiKey(store, `Bearer ${key}`)).rejects.toMatchObject({
        code: 'WOW_ERR_API_KEY_REVOKED',
      });
    } finally {
      await store.close();
    }
    expect(JSON.parse((await wow(['support', 'customers', 'list', '--json'], env)).stdout)).toMatchObject([
      { slug: 'acme-corp', activeKeys: [] },
      { slug: 'globex' },
    ]);
  });

  it('prints webhook URLs as their origin only, since Slack, Discord and Teams put the secret in the path, unless --show-urls', async () => {
    const secretUrl = 'https://hooks.slack.com/services/T0000/B0000/XXXXpathsecret?token=querysecret';
    const printed = [
      await wow(['support', 'customers', 'add', 'initrode', '--name', 'Initrode', '--webhook-url', secretUrl], env),
      await wow(['support', 'customers', 'list'], env),
      await wow(['support', 'customers', 'list', '--json'], env),
      await wow(['support', 'customers', 'uses', 'initrode', 'wowvision'], env),
    ];
    for (const run of printed) {
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('https://hooks.slack.com/…');
      expect(run.stdout).not.toContain('pathsecret');
      expect(run.stdout).not.toContain('querysecret');
      expect(run.stdout).not.toContain('/services');
    }
    const shown = await wow(['support', 'customers', 'list', '--show-urls'], env);
    expect(shown.stdout).toContain(secretUrl);
    expect(
      (
        JSON.parse((await wow(['support', 'customers', 'list', '--json', '--show-urls'], env)).stdout) as {
          webhookUrl: string | null;
        }[]
      ).map((c) => c.webhookUrl),
    ).toContain(secretUrl);
    expect((await wow(['support', 'customers', 'uses', 'initrode', 'factory', '--show-urls'], env)).stdout).toContain(
      secretUrl,
    );
  });

  it('exits 1 when the operation fails and 2 on bad usage, saying what to do', async () => {
    expect(await wow(['support', 'keys', 'create', 'nobody'], env)).toMatchObject({
      code: 1,
      stderr:
        'error WOW_ERR_CUSTOMER_NOT_FOUND: No customer "nobody". Add one with `wow support customers add <slug> --name <name>`.\n',
    });
    expect(await wow(['support', 'keys', 'revoke', 'wow_sk_00000000'], env)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('WOW_ERR_API_KEY_NOT_FOUND') as unknown,
    });
    await wow(['support', 'customers', 'add', 'initech', '--name', 'Initech'], env);
    expect(await wow(['support', 'customers', 'add', 'initech', '--name', 'Initech'], env)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('WOW_ERR_CUSTOMER_EXISTS') as unknown,
    });
    const bad = await wow(['support', 'customers', 'add', 'Bad Slug', '--name', 'X', '--webhook-url', 'ftp://x'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'error WOW_ERR_CLI_USAGE: invalid input: slug: expected lowercase letters, digits and hyphens, starting with a letter or digit (e.g. acme-corp); webhookUrl: expected an http:// or https:// URL.\n',
    );
    expect((await wow(['support', 'customers', 'add', 'x'], env)).code).toBe(2);
  });

  it('refuses a customer with a webhook without SUPPORT_SECRETS_KEY (exit 2, saying how to make one), and seals secrets stored in plain text before', async () => {
    const { SUPPORT_SECRETS_KEY: _key, ...keyless } = env;
    const refused = await wow(
      ['support', 'customers', 'add', 'hooli', '--name', 'Hooli', '--webhook-url', 'https://hooli.example/hooks'],
      keyless,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('SUPPORT_SECRETS_KEY is not set, so a customer with a webhook cannot be added');
    expect(refused.stderr).toContain('openssl rand -base64 32');
    expect(await wow(['support', 'customers', 'add', 'hooli', '--name', 'Hooli'], keyless)).toMatchObject({ code: 0 });

    const store = await createStore({
      url: env.DATABASE_URL,
      dataDir: '.data',
      poolMax: 1,
      log: createLogger('silent'),
    });
    try {
      // A customer written before secrets were sealed.
      await store.query(
        'insert into support_customers (id, slug, name, webhook_url, webhook_secret) values ($1, $2, $3, $4, $5)',
        [randomUUID(), 'oldco', 'Old Co', 'https://old.example/hooks', 'plain-secret-from-before'],
      );
      expect(await wow(['support', 'secrets', 'seal'], keyless)).toMatchObject({
        code: 2,
        stderr: expect.stringContaining(
          'SUPPORT_SECRETS_KEY: not set, so there is nothing to seal with; set it to 32 random bytes',
        ) as unknown,
      });
      expect(await wow(['support', 'secrets', 'seal'], env)).toMatchObject({
        code: 0,
        stdout: '✔ sealed 1 webhook secret stored in plain text; none is left\n',
      });
      expect(await wow(['support', 'secrets', 'seal', '--json'], env)).toMatchObject({
        code: 0,
        stdout: '{"sealed":0}\n',
      });
      const row = (
        await store.query<{ row: string; webhook_secret: string | null }>(
          "select row_to_json(c)::text as row, webhook_secret from support_customers c where slug = 'oldco'",
        )
      ).rows[0];
      expect(row?.webhook_secret).toBeNull();
      expect(row?.row).not.toContain('plain-secret-from-before');
    } finally {
      await store.close();
    }
  });

  it('turns the kill switch on and off with who did it, and records the agents a customer uses', async () => {
    expect(await wow(['support', 'kill-switch'], env)).toMatchObject({
      code: 0,
      stdout: '✔ the kill switch is off: the desk runs\n',
    });
    const on = await wow(['support', 'kill-switch', 'on', '--by', 'ada'], env);
    expect(on.code).toBe(0);
    expect(on.stdout).toMatch(/^✖ the kill switch is ON \(by ada at \d{4}-/);
    expect(JSON.parse((await wow(['support', 'kill-switch', '--json'], env)).stdout)).toMatchObject({
      on: true,
      by: 'ada',
    });
    expect((await wow(['support', 'kill-switch', 'off', '--by', 'grace'], env)).stdout).toMatch(
      /^✔ the kill switch is off \(last set by grace at /,
    );
    expect(await wow(['support', 'kill-switch', 'maybe'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('kill-switch takes "on" or "off", not "maybe"') as unknown,
    });

    await wow(
      [
        'support',
        'customers',
        'add',
        'umbrella',
        '--name',
        'Umbrella',
        '--webhook-url',
        'https://umbrella.example/hooks',
      ],
      env,
    );
    expect(await wow(['support', 'customers', 'uses', 'umbrella', 'wowvision', 'factory'], env)).toMatchObject({
      code: 0,
      stdout: '✔ umbrella uses wowvision, factory: their incidents reach https://umbrella.example/…\n',
    });
    expect((await wow(['support', 'customers', 'uses', 'nobody', 'wowvision'], env)).code).toBe(1);
    const store = await createStore({
      url: env.DATABASE_URL,
      dataDir: '.data',
      poolMax: 1,
      log: createLogger('silent'),
    });
    try {
      expect(
        (
          await store.query(
            "select agent_id from support_customer_agents a join support_customers c on c.id = a.customer_id where c.slug = 'umbrella' order by 1",
          )
        ).rows,
      ).toEqual([{ agent_id: 'factory' }, { agent_id: 'wowvision' }]);
    } finally {
      await store.close();
    }
    expect(await wow(['support', 'incidents'], env)).toMatchObject({
      code: 0,
      stdout: 'No incident is open: every agent is within its baseline.\n',
    });
    expect(JSON.parse((await wow(['support', 'incidents', '--json'], env)).stdout)).toEqual([]);
  });
});
