import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createError } from '../errors/errors.ts';

export interface EmbeddedPostgres {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * PGlite with its data in `dir`, served over the PostgreSQL wire protocol on a free
 * loopback port so that every module talks `pg` only. One process owns a data dir: a lock
 * file with the owner's pid keeps a second from opening it (PGlite would corrupt it).
 */
export async function startEmbeddedPostgres(dir: string): Promise<EmbeddedPostgres> {
  const release = await lockDataDir(dir);
  let db: PGlite | undefined;
  try {
    // pg_trgm ships with PGlite as a loadable bundle: offered to `create extension` (the
    // knowledge base's typo-tolerant search, migration 0010) only when passed here.
    db = await PGlite.create(dir, { extensions: { pg_trgm } });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    const [host = '127.0.0.1', port = ''] = server.getServerConn().split(':');
    const owned = db;
    return {
      host,
      port: Number(port),
      async stop() {
        await server.stop();
        await owned.close();
        await release();
      },
    };
  } catch (err) {
    await db?.close();
    await release();
    throw err;
  }
}

async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const lockFile = join(dir, 'wow.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(await readFile(lockFile, 'utf8').catch(() => ''));
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw createError('WOW_ERR_STORE_LOCKED', { dir, pid: owner });
      }
      // The owner died without cleaning up: the lock is stale.
      await rm(lockFile, { force: true });
    }
  }
  throw createError('WOW_ERR_STORE_LOCKED', { dir, pid: 'unknown' });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
