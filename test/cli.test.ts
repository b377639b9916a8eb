import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { testDatabaseUrl, uniqueName } from './support/servers.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function wow(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: { LOG_LEVEL: 'silent', ...env },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

// The CLI opens the database by URL, so this file gets a database of its own.
const database = uniqueName('wowcli');
const admin = new pg.Client({ connectionString: testDatabaseUrl });
const databaseUrl = (() => {
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
})();

beforeAll(async () => {
  await admin.connect();
  await admin.query(`create database ${database}`);
});

afterAll(async () => {
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
});

describe('wow', () => {
  it('prints help listing every command, exit 0', async () => {
    const run = await wow(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['start', 'agents', 'db', 'bus']) expect(run.stdout).toContain(command);
  });

  it('has --help on sub-commands', async () => {
    const run = await wow(['bus', 'dlq', 'redrive', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('<agent>');
  });

  it('exits 2 on no command or an unknown one', async () => {
    expect((await wow([])).code).toBe(2);
    const run = await wow(['deploy-everything']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'deploy-everything'");
  });

  it('exits 2 and names the variable on bad configuration', async () => {
    const run = await wow(['db', 'migrate'], { DATABASE_URL: 'mysql://nope' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error WOW_ERR_CONFIG');
    expect(run.stderr).toContain('DATABASE_URL: expected a URL starting with postgres://');
  });

  it('migrates, then finds nothing to do', async () => {
    const first = await wow(['db', 'migrate', '--json'], { DATABASE_URL: databaseUrl });
    expect(first.code).toBe(0);
    const applied = JSON.parse(first.stdout) as { applied: string[]; current: string };
    expect(applied.applied.length).toBeGreaterThan(0);
    const second = await wow(['db', 'migrate'], { DATABASE_URL: databaseUrl });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');
  });

  it('lists an empty registry as JSON', async () => {
    await wow(['db', 'migrate'], { DATABASE_URL: databaseUrl });
    const run = await wow(['agents', 'list', '--json'], { DATABASE_URL: databaseUrl });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([]);
  });

  it('explains that bus commands need REDIS_URL', async () => {
    const run = await wow(['bus', 'stats']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('REDIS_URL is not set');
  });

  it('rejects a bad --limit with exit 2', async () => {
    const run = await wow(['bus', 'dlq', 'list', '--limit', 'lots'], { REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--limit expects a positive integer');
  });
});
