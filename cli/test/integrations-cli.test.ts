import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wow } from '../../test/support/run-wow.ts';
import { testMasterKey } from '../../test/support/sign-as.ts';
import { createTestDatabase } from '../../test/support/servers.ts';

// The CLI opens the database by URL, so this file gets a database of its own.
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  database = await createTestDatabase('wowintegration_cli');
  dir = await mkdtemp(join(tmpdir(), 'wow-integrations-cli-'));
  env = {
    DATABASE_URL: database.url,
    IDENTITY_MASTER_KEY: testMasterKey,
    WOWINTEGRATION_DIR: fileURLToPath(new URL('../../integrations', import.meta.url)),
  };
});
afterAll(async () => {
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('wow integrations', () => {
  it('lists the connectors, as text or JSON', async () => {
    const list = await wow(['integrations', 'list'], env);
    expect(list).toMatchObject({ code: 0, stderr: '' });
    expect(list.stdout).toMatch(
      /salesforce\s+oauth2-refresh-token\s+https:\/\/example\.my\.salesforce\.com\s+support\.ticket\.opened\s+hmac-sha256/,
    );
    const json = JSON.parse((await wow(['integrations', 'list', '--json'], env)).stdout) as { name: string }[];
    expect(json.map((c) => c.name)).toEqual(['generic-oauth2', 'salesforce']);
  });

  it('stores a credential sealed from an owner-only file, never printing it, and reports its health', async () => {
    const file = join(dir, 'salesforce.json');
    const secrets = { clientId: 'sf-client', clientSecret: 'sf-secret-value-0123', refreshToken: 'rt-value-0123' };
    await writeFile(file, JSON.stringify(secrets), { mode: 0o644 });
    const open = await wow(['integrations', 'credential', 'salesforce', '--file', file], env);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('chmod 600');
    await chmod(file, 0o600);
    const stored = await wow(['integrations', 'credential', 'salesforce', '--file', file], env);
    expect(stored).toMatchObject({ code: 0, stderr: '' });
    expect(stored.stdout).not.toContain(secrets.clientSecret);

    const health = JSON.parse((await wow(['integrations', 'health', '--json'], env)).stdout) as {
      credentials: { integration: string; state: string }[];
    };
    expect(health.credentials.map((c) => [c.integration, c.state])).toEqual([
      ['generic-oauth2', 'missing'],
      ['salesforce', 'unused'],
    ]);
    const text = await wow(['integrations', 'health', '--integration', 'salesforce'], env);
    expect(text.stdout).toMatch(/salesforce\s+unused/);
  });

  it('refuses a file with a field it does not know without echoing a value, and an unknown connector', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ clientId: 'x', clientSecret: 'leak-me-not', password: 'p' }), {
      mode: 0o600,
    });
    const bad = await wow(['integrations', 'credential', 'salesforce', '--file', file], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toContain('leak-me-not');
    const unknown = await wow(['integrations', 'credential', 'stripe', '--file', file], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No connector "stripe"');
  });
});
