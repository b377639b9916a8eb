import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWowError } from '../../errors/define-errors.ts';
import { createLogger } from '../../log/logger.ts';
import { afterCommit } from '../after-commit.ts';
import { migrate } from '../migrate.ts';
import type { Store } from '../store.ts';

const fixtures = new URL('../../../test/fixtures/migrations/', import.meta.url).pathname;
export const silentLog = createLogger('silent');

/** One suite for every Store: the real server and the embedded one must behave the same. */
export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      await store.close();
    });

    it('queries with parameters', async () => {
      const { rows } = await store.query<{ sum: number }>('select $1::int + $2::int as sum', [2, 3]);
      expect(rows).toEqual([{ sum: 5 }]);
      await store.ping();
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await store.query('create table tx_probe (id int primary key)');
      await store.transaction(async (tx) => {
        await tx.query('insert into tx_probe values (1)');
      });
      await expect(
        store.transaction(async (tx) => {
          await tx.query('insert into tx_probe values (2)');
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const { rows } = await store.query('select id from tx_probe order by id');
      expect(rows).toEqual([{ id: 1 }]);
    });

    it('runs what waits for a commit once it commits, never on a rollback, and at once outside a transaction', async () => {
      const seen: string[] = [];
      await store.transaction(async (tx) => {
        await tx.query('select 1');
        afterCommit(tx, () => seen.push('committed'));
        // Not yet: another connection could not see the transaction's writes now.
        expect(seen).toEqual([]);
      });
      expect(seen).toEqual(['committed']);
      await expect(
        store.transaction(async (tx) => {
          afterCommit(tx, () => seen.push('rolled back'));
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      // A waiter that throws keeps neither the commit nor the waiters after it from happening.
      await store.transaction(async (tx) => {
        afterCommit(tx, () => {
          throw new Error('a waiter failed');
        });
        afterCommit(tx, () => seen.push('second waiter'));
      });
      afterCommit(store, () => seen.push('autocommit'));
      expect(seen).toEqual(['committed', 'second waiter', 'autocommit']);
    });

    it('applies migrations in order, once', async () => {
      const first = await migrate(store, { dirs: [join(fixtures, 'ok')], log: silentLog });
      expect(first).toEqual({
        applied: ['0001_create_notes.sql', '0002_add_author.sql'],
        current: '0002_add_author.sql',
      });
      const again = await migrate(store, { dirs: [join(fixtures, 'ok')], log: silentLog });
      expect(again.applied).toEqual([]);
      await store.query("insert into notes (id, body, author) values (1, 'hi', 'me')");
    });

    it('refuses an applied migration that was edited afterwards', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'wow-mig-'));
      try {
        await cp(join(fixtures, 'ok'), dir, { recursive: true });
        await writeFile(join(dir, '0002_add_author.sql'), 'alter table notes add column author varchar(10);\n');
        const err: unknown = await migrate(store, { dirs: [dir], log: silentLog }).catch((e: unknown) => e);
        expect(isWowError(err, 'WOW_ERR_MIGRATION_CHANGED')).toBe(true);
        expect((err as Error).message).toContain('0002_add_author.sql was changed after it was applied');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('applies nothing of a failing migration and names it', async () => {
      await store.query('drop table notes');
      await store.query('delete from schema_migrations');
      const err: unknown = await migrate(store, { dirs: [join(fixtures, 'failing')], log: silentLog }).catch(
        (e: unknown) => e,
      );
      expect(isWowError(err, 'WOW_ERR_MIGRATION')).toBe(true);
      expect((err as Error).message).toContain('0002_broken.sql');
      const columns = await store.query(
        "select column_name from information_schema.columns where table_name = 'notes' and table_schema = current_schema() order by column_name",
      );
      expect(columns.rows).toEqual([{ column_name: 'body' }, { column_name: 'id' }]);
      const versions = await store.query('select name from schema_migrations');
      expect(versions.rows).toEqual([{ name: '0001_create_notes.sql' }]);
    });

    it("applies the platform's own migrations", async () => {
      await store.query('drop table schema_migrations');
      const result = await migrate(store, { log: silentLog });
      expect(result.applied).toContain('0001_outbox_and_inbox.sql');
      expect(result.applied).toContain('0002_registry.sql');
    });
  });
}
