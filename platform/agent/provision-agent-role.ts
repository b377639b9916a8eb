import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createError } from '../errors/errors.ts';
import { tablesCreatedBy } from '../store/created-tables.ts';
import { platformRoot } from '../store/migrate.ts';
import { quoteIdent } from '../store/role-store.ts';
import type { PgQueryable, Store } from '../store/store.ts';
import { grantsOf } from './capabilities.ts';
import type { AgentManifest } from './manifest-schema.ts';

/** The PostgreSQL role an agent's `ctx.store` runs as; ids are kebab-case, so `_` cannot collide. */
export const agentRole = (id: string) => `wow_agent_${id.replace(/-/g, '_')}`;

/**
 * Platform tables an agent may declare in `uses`, to read: the registry (who runs, their
 * versions and lifecycle). The rest (keys, credentials, the outbox, processed messages,
 * schedules, backups) the platform reaches for it through `ctx`, never the agent itself.
 */
const sharedPlatformTables = new Set(['agents', 'agent_instances', 'agent_versions', 'agent_lifecycle']);

async function platformTables(): Promise<Set<string>> {
  const dir = join(platformRoot, 'platform', 'migrations');
  const tables = new Set<string>();
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.sql')))
    for (const table of tablesCreatedBy(await readFile(join(dir, name), 'utf8'))) tables.add(table.name);
  return tables;
}

/** Those of `names` that are tables or views in the schema (`ns`, quoted). */
async function existing(db: PgQueryable, ns: string, names: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ relname: string }>(
    `select relname from pg_class where relnamespace = $1::regnamespace and relname = any($2) and relkind in ('r', 'p', 'v', 'm', 'f')`,
    [ns, names],
  );
  return rows.map((r) => r.relname);
}

interface Use {
  table: string;
  write: boolean;
}

/** `uses` checked for what the schema cannot say: each entry a table the agent may be granted, at the level asked. */
async function assertUsesValid(db: PgQueryable, manifest: AgentManifest, schema: string): Promise<Use[]> {
  const access = grantsOf(manifest.capabilities).store;
  const uses = manifest.uses.map((entry) => {
    const [table = entry, level] = entry.split(':');
    return { table, write: level === 'write' };
  });
  const refuse = (table: string, problem: string, fix: string) =>
    createError('WOW_ERR_AGENT_USES', { id: manifest.id, table, problem, fix });
  const platform = await platformTables();
  for (const { table, write } of uses) {
    if (access === 'none') throw refuse(table, 'the agent may not read without a store capability', 'add "store:read"');
    if (write && access !== 'write') throw refuse(table, 'is to be written without "store:write"', 'add "store:write"');
    if (manifest.stores.includes(table))
      throw refuse(table, 'is one of its own `stores`, granted already', 'keep it only in `stores`');
    if (platform.has(table) && (write || !sharedPlatformTables.has(table)))
      throw refuse(
        table,
        write ? 'is the platform’s, which agents only read' : 'is kept by the platform for itself',
        `use ctx (once, emit, agents) for it, or read ${[...sharedPlatformTables].join(', ')}`,
      );
  }
  const found = new Set(
    await existing(
      db,
      quoteIdent(schema),
      uses.map((u) => u.table),
    ),
  );
  const missing = uses.find((u) => !found.has(u.table));
  if (missing !== undefined)
    throw refuse(
      missing.table,
      `is no table or view in schema ${schema}`,
      'fix its name, or run the migration that creates it',
    );
  return uses;
}

/**
 * Creates or updates the agent's role (NOLOGIN; the platform's own connections switch to
 * it per transaction), with exactly what its manifest grants in the current schema: SELECT
 * (`store:read`) or SELECT, INSERT, UPDATE, DELETE (`store:write`) on its `stores` and their
 * sequences, and what `uses` declares. Anything granted before and no longer declared is
 * revoked. Idempotent; runs at every start, after migrations.
 */
export async function provisionAgentRole(store: Store, manifest: AgentManifest): Promise<void> {
  const role = quoteIdent(agentRole(manifest.id));
  const access = grantsOf(manifest.capabilities).store;
  await store.transaction(async (tx) => {
    // Roles belong to the whole server, and concurrent grants on one object fail: one at a time.
    await tx.query(`select pg_advisory_xact_lock(hashtext('wow:agent-roles'))`);
    const schema =
      (await tx.query<{ schema: string }>('select current_schema() as schema')).rows[0]?.schema ?? 'public';
    const uses = await assertUsesValid(tx, manifest, schema);
    const exists = await tx.query('select 1 from pg_roles where rolname = $1', [agentRole(manifest.id)]);
    if (exists.rowCount === 0) await tx.query(`create role ${role} nologin`);
    // Without membership the platform's user cannot `set role` to it (a superuser always can).
    const { rows } = await tx.query<{ member: boolean }>(`select pg_has_role(current_user, $1, 'member') as member`, [
      agentRole(manifest.id),
    ]);
    if (rows[0]?.member !== true) await tx.query(`grant ${role} to current_user`);
    const ns = quoteIdent(schema);
    await tx.query(`revoke all on all tables in schema ${ns} from ${role}`);
    await tx.query(`revoke all on all sequences in schema ${ns} from ${role}`);
    if (access === 'none') return;
    await tx.query(`grant usage on schema ${ns} to ${role}`);
    const qualified = (tables: string[]) => tables.map((t) => `${ns}.${quoteIdent(t)}`).join(', ');
    // A migration may create a table only where an extension exists (pgvector's embeddings).
    const stores = await existing(tx, ns, manifest.stores);
    const read = [...stores, ...uses.map((u) => u.table)];
    if (read.length > 0) await tx.query(`grant select on ${qualified(read)} to ${role}`);
    const written = access === 'write' ? [...stores, ...uses.filter((u) => u.write).map((u) => u.table)] : [];
    if (written.length === 0) return;
    await tx.query(`grant insert, update, delete on ${qualified(written)} to ${role}`);
    // Serial and identity columns draw from sequences the table owns.
    const sequences = await tx.query<{ name: string }>(
      `select s.relname as name from pg_class s
         join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = s.oid and d.deptype in ('a', 'i')
         join pg_class t on t.oid = d.refobjid
        where s.relkind = 'S' and t.relnamespace = $1::regnamespace and t.relname = any($2)`,
      [ns, written],
    );
    if (sequences.rows.length > 0)
      await tx.query(`grant usage, select on sequence ${qualified(sequences.rows.map((r) => r.name))} to ${role}`);
  });
}
