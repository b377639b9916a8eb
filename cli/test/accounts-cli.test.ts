import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wow } from '../../test/support/run-wow.ts';
import { testDatabaseUrl, uniqueName } from '../../test/support/servers.ts';

// The CLI opens the database by URL, so this file gets a database of its own.
const database = uniqueName('wowaccounts');
const admin = new pg.Client({ connectionString: testDatabaseUrl });
const url = new URL(testDatabaseUrl);
url.pathname = `/${database}`;
const env = { DATABASE_URL: url.toString(), PUBLIC_URL: 'https://waooaw.example' };

beforeAll(async () => {
  await admin.connect();
  await admin.query(`create database ${database}`);
});
afterAll(async () => {
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
});

describe('wow accounts invite', () => {
  it('gives a ticket API customer its first owner: a single-use link, printed once', async () => {
    expect((await wow(['accounts', 'invite', '--help'])).stdout).toContain('Exit codes: 0 done');
    expect((await wow(['support', 'customers', 'add', 'acme-corp', '--name', 'Acme Corp'], env)).code).toBe(0);
    const run = await wow(['accounts', 'invite', 'acme-corp', 'ada@acme.example'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('ada@acme.example is invited to acme-corp');
    const link = /https:\/\/waooaw\.example\/invitations\/accept\?token=(\S+)/.exec(run.stdout);
    expect(link).not.toBeNull();
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const { rows } = await db.query<{ token_hash: string; role: string; email: string }>(
        "select token_hash, role, email from commerce_tokens where purpose = 'invitation'",
      );
      expect(rows.map((r) => [r.role, r.email])).toEqual([['owner', 'ada@acme.example']]);
      expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0]?.token_hash).not.toBe(decodeURIComponent(link?.[1] ?? ''));
    } finally {
      await db.end();
    }
    const unknown = await wow(['accounts', 'invite', 'no-such-org', 'ada@acme.example'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no-such-org');
  });
});
