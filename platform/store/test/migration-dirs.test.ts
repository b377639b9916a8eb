import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isWowError } from '../../errors/define-errors.ts';
import { migrationDirs, platformRoot, readMigrations } from '../migrate.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'wow-migration-dirs-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

describe('where migrations are found', () => {
  it("collects the platform's, each domain's and each agent's, in one number order", async () => {
    await write({
      'platform/migrations/0001_outbox.sql': 'select 1;\n',
      'domains/support/migrations/0002_tickets.sql': 'select 2;\n',
      'domains/billing/migrations/0004_plans.sql': 'select 4;\n',
      'agents/notes/migrations/0003_notes_tables.sql': 'select 3;\n',
      'agents/no-tables/agent.yml': 'id: no-tables\n',
    });
    const dirs = await migrationDirs(root);
    expect(dirs).toEqual([
      join(root, 'platform', 'migrations'),
      join(root, 'domains', 'billing', 'migrations'),
      join(root, 'domains', 'support', 'migrations'),
      join(root, 'agents', 'no-tables', 'migrations'),
      join(root, 'agents', 'notes', 'migrations'),
    ]);
    expect((await readMigrations(dirs)).map((m) => m.name)).toEqual([
      '0001_outbox.sql',
      '0002_tickets.sql',
      '0003_notes_tables.sql',
      '0004_plans.sql',
    ]);
  });

  it('counts a file reached twice through a link once', async () => {
    await write({ 'platform/migrations/0001_outbox.sql': 'select 1;\n' });
    await mkdir(join(root, 'release'));
    await symlink(join(root, 'platform'), join(root, 'release', 'platform'));
    const dirs = [...(await migrationDirs(root)), ...(await migrationDirs(join(root, 'release')))];
    expect((await readMigrations(dirs)).map((m) => m.name)).toEqual(['0001_outbox.sql']);
  });

  it('refuses two different files with one number, naming both', async () => {
    await write({
      'domains/support/migrations/0005_tickets.sql': 'select 1;\n',
      'agents/notes/migrations/0005_notes_tables.sql': 'select 2;\n',
    });
    const err: unknown = await readMigrations(await migrationDirs(root)).catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_MIGRATION')).toBe(true);
    expect((err as Error).message).toContain('0005_notes_tables.sql');
    expect((err as Error).message).toContain('0005_tickets.sql');
    expect((err as Error).message).toContain('next free number');
  });

  it('names a badly named file with its folder', async () => {
    await write({ 'agents/notes/migrations/add-notes.sql': 'select 1;\n' });
    const err: unknown = await readMigrations(await migrationDirs(root)).catch((e: unknown) => e);
    expect(isWowError(err, 'WOW_ERR_MIGRATION')).toBe(true);
    expect((err as Error).message).toContain(join('agents', 'notes', 'migrations', 'add-notes.sql'));
  });

  it("this checkout's migrations have unique numbers, the platform's first", async () => {
    const files = await readMigrations(await migrationDirs(platformRoot));
    expect(files[0]?.name).toBe('0001_outbox_and_inbox.sql');
    expect(files.map((f) => f.path.slice(platformRoot.length).split('/')[0])).toContain('domains');
    expect(new Set(files.map((f) => f.version)).size).toBe(files.length);
  });
});
