import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createError } from '../errors/errors.ts';
import { tablesCreatedBy } from '../store/created-tables.ts';
import type { AgentManifest } from './manifest-schema.ts';

/** What `stores` lacks and what it lists in vain, against the tables an agent's migrations create. */
export function storesMismatch(
  stores: readonly string[],
  created: readonly string[],
): { missing: string[]; extra: string[] } {
  return {
    missing: created.filter((t) => !stores.includes(t)),
    extra: stores.filter((t) => !created.includes(t)),
  };
}

/**
 * An agent owns exactly the tables its `migrations/*.sql` create, and its agent.yml says
 * which (`stores`): a table the manifest does not list is one nobody knows the agent
 * keeps, and a listed one no migration creates is not there. Checked at start and at
 * deploy, so a mismatch never runs.
 */
export async function assertStoresMatchMigrations(
  manifest: Pick<AgentManifest, 'id' | 'stores'>,
  dir: string,
): Promise<void> {
  const migrations = join(dir, 'migrations');
  const names = await readdir(migrations).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  });
  const created = new Set<string>();
  for (const name of names.filter((n) => n.endsWith('.sql')).sort())
    for (const table of tablesCreatedBy(await readFile(join(migrations, name), 'utf8'))) created.add(table.name);
  const { missing, extra } = storesMismatch(manifest.stores, [...created]);
  if (missing.length === 0 && extra.length === 0) return;
  const list = (tables: string[]) => (tables.length === 0 ? 'none' : tables.join(', '));
  throw createError('WOW_ERR_AGENT_STORES', {
    id: manifest.id,
    missing: list(missing),
    extra: list(extra),
    migrations,
  });
}
