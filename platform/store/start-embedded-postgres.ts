import { cpSync, existsSync } from 'node:fs';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { embeddedSharedBuffers, embeddedTemplateDir } from '../config/embedded-template.ts';
import { createError } from '../errors/errors.ts';

export interface EmbeddedPostgres {
  host: string;
  port: number;
  /** True when another process owns the data dir and this one talks to its server. */
  shared: boolean;
  /** Only when this process owns the data dir. */
  dumpDataDir?: () => Promise<Blob>;
  stop(): Promise<void>;
}

/** The extensions the embedded database offers; a restored copy must offer the same. */
export const embeddedExtensions = { pg_trgm };

/** Connections the owner's server takes at once: its own, and a few `wow` commands beside it. */
const maxConnections = 8;

/**
 * PGlite with its data in `dir`, served over the PostgreSQL wire protocol on a free
 * loopback port so that every module talks `pg` only. One process owns a data dir: a lock
 * file with the owner's pid and port keeps a second from opening it (PGlite would corrupt
 * it). Unless `exclusive`, a second process whose dir is owned by a live process talks to
 * the owner's server instead (the CLI beside a running `wow start`): the server queues
 * statements from its connections onto the one PGlite session, and keeps a connection's
 * transaction whole before it serves another.
 */
export async function startEmbeddedPostgres(
  dir: string,
  opts: { exclusive?: boolean } = {},
): Promise<EmbeddedPostgres> {
  // Configuration first: a bad value leaves the data dir untouched.
  const options = pgliteOptions();
  const lock = await lockDataDir(dir);
  if (lock.kind === 'owned-by') {
    if (opts.exclusive !== true && lock.port !== undefined && (await reachable(lock.port)))
      return { host: '127.0.0.1', port: lock.port, shared: true, stop: () => Promise.resolve() };
    throw createError('WOW_ERR_STORE_LOCKED', { dir, pid: lock.pid });
  }
  const { release } = lock;
  let db: PGlite | undefined;
  try {
    seedFromTemplate(dir);
    // pg_trgm ships with PGlite as a loadable bundle: offered to `create extension` (the
    // knowledge base's typo-tolerant search, migration 0010) only when passed here.
    db = await PGlite.create(dir, options);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
    await server.start();
    const [host = '127.0.0.1', port = ''] = server.getServerConn().split(':');
    // The lock now says where the server is, for the processes that come to share it.
    await writeFile(join(dir, 'wow.lock'), `${process.pid}\n${port}\n`);
    const owned = db;
    return {
      host,
      port: Number(port),
      shared: false,
      dumpDataDir: () => owned.dumpDataDir('gzip'),
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

/**
 * A new data dir (no PG_VERSION yet) starts as a copy of PGLITE_TEMPLATE_DIR when one is
 * configured: the same files PGlite's initdb would write. cpSync is the native copy (tens of
 * milliseconds for the ~40 MB; the promise-based cp walks the tree in JavaScript, ten times slower).
 */
function seedFromTemplate(dir: string): void {
  const template = embeddedTemplateDir();
  if (template === undefined || existsSync(join(dir, 'PG_VERSION'))) return;
  if (!existsSync(join(template, 'PG_VERSION')))
    throw createError('WOW_ERR_CONFIG', {
      problems: `PGLITE_TEMPLATE_DIR: ${template} is not a PGlite data dir (it has no PG_VERSION)`,
    });
  cpSync(template, dir, { recursive: true, filter: (from) => !from.endsWith('wow.lock') });
}

type DataDirLock = { kind: 'ours'; release: () => Promise<void> } | { kind: 'owned-by'; pid: number; port?: number };

async function lockDataDir(dir: string): Promise<DataDirLock> {
  const lockFile = join(dir, 'wow.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { kind: 'ours', release: () => rm(lockFile, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const [pid, port] = (await readFile(lockFile, 'utf8').catch(() => '')).split('\n').map(Number);
      if (pid !== undefined && Number.isInteger(pid) && pid > 0 && isAlive(pid))
        return { kind: 'owned-by', pid, ...(port !== undefined && Number.isInteger(port) && port > 0 ? { port } : {}) };
      // The owner died without cleaning up: the lock is stale.
      await rm(lockFile, { force: true });
    }
  }
  throw createError('WOW_ERR_STORE_LOCKED', { dir, pid: 'unknown' });
}

/** Whether the owner's server answers on loopback (a process that owns the dir may still be starting). */
function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An initialised, empty PGlite data dir in `dir` — what PGlite's initdb writes, with the
 * extensions the embedded database offers — for PGLITE_TEMPLATE_DIR to name.
 */
export async function initialiseEmbeddedDataDir(dir: string): Promise<void> {
  const db = await PGlite.create(dir, pgliteOptions());
  await db.close();
}

/** PGlite's options: the extensions, and the configured shared_buffers on top of its own start parameters. */
function pgliteOptions() {
  const sharedBuffers = embeddedSharedBuffers();
  return {
    extensions: embeddedExtensions,
    ...(sharedBuffers === undefined
      ? {}
      : { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`] }),
  };
}
