import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wow } from '../../test/support/run-wow.ts';
import { testDatabaseUrl, uniqueName } from '../../test/support/servers.ts';

// The CLI opens the database by URL, so this file gets a database of its own.
const database = uniqueName('wowkb');
const admin = new pg.Client({ connectionString: testDatabaseUrl });
const url = new URL(testDatabaseUrl);
url.pathname = `/${database}`;
const env = { DATABASE_URL: url.toString() };
const sample = fileURLToPath(new URL('../../docs/kb', import.meta.url));
let dir: string;

beforeAll(async () => {
  await admin.connect();
  await admin.query(`create database ${database}`);
  dir = await mkdtemp(join(tmpdir(), 'wow-kb-cli-'));
});
afterAll(async () => {
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
  await rm(dir, { recursive: true, force: true });
});

describe('wow kb', () => {
  it('has --help with exit codes on each command', async () => {
    for (const argv of [
      ['kb', 'import'],
      ['kb', 'search'],
    ]) {
      const run = await wow([...argv, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Exit codes: 0 done, 1 the operation failed');
    }
    expect((await wow(['kb', 'import', '--help'])).stdout).toContain('slug: reset-api-key');
  });

  it('imports the sample articles, then finds nothing to do; --dry-run and --json say the same', async () => {
    const first = await wow(['kb', 'import', sample], env);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain(`✔ imported ${sample}: 7 added, 0 changed, 0 removed, 0 unchanged`);
    expect(first.stdout).toMatch(
      /^added\s+webhook-signatures\s+Verify the signature of our webhooks\s+webhook-signatures\.md$/m,
    );
    const planned = await wow(['kb', 'import', sample, '--dry-run'], env);
    expect(planned.stdout).toBe(
      `dry run, nothing written: importing ${sample} would add 0, change 0 and remove 0 (7 unchanged)\n`,
    );
    const again = JSON.parse((await wow(['kb', 'import', sample, '--json'], env)).stdout) as Record<string, unknown>;
    expect(again).toEqual({ source: sample, dryRun: false, added: [], changed: [], removed: [], unchanged: 7 });
  });

  it('prints the ranked articles for a question, as text or JSON', async () => {
    const text = await wow(['kb', 'search', 'How do I verify the signature of your webhooks?'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^1\. Verify the signature of our webhooks \(kb:webhook-signatures, how-to\): covers 100% of the question\n {3}Every webhook/,
    );
    const json = await wow(['kb', 'search', 'rotate a leaked API key', '--json', '--limit', '2'], env);
    const hits = JSON.parse(json.stdout) as { slug: string; coverage: number }[];
    expect(hits[0]?.slug).toBe('api-keys');
    expect(hits.length).toBeLessThanOrEqual(2);
    expect((await wow(['kb', 'search', 'sponsorship conference'], env)).stdout).toBe(
      'No article matches. Write one and load it with `wow kb import <folder>`.\n',
    );
  });

  it('exits 1 naming each invalid file and writing nothing, and 2 for bad usage', async () => {
    await writeFile(
      join(dir, 'good.md'),
      '---\nslug: kept-out\ntitle: Zebracorn care\nintent: how-to\n---\nFeed the zebracorn.\n',
    );
    await writeFile(join(dir, 'bad.md'), 'No front matter here.\n');
    const refused = await wow(['kb', 'import', dir], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error WOW_ERR_KB_ARTICLE: Knowledge-base articles in .* are invalid, so nothing was imported/,
    );
    expect(refused.stderr).toContain('  bad.md: it has no front matter');
    expect((await wow(['kb', 'search', 'zebracorn', '--json'], env)).stdout).toBe('[]\n');

    const missing = await wow(['kb', 'import', join(dir, 'nowhere')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('it cannot be read (ENOENT)');
    expect((await wow(['kb', 'search', 'keys', '--limit', '0'], env)).code).toBe(2);
    expect((await wow(['kb', 'import'], env)).code).toBe(2);
  });
});
