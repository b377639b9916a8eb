import { PGlite, type Extensions } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createLogger, createStore, type Store } from '#platform';

/**
 * A PGlite offering exactly `extensions`, served over the wire like the embedded store:
 * without pg_trgm it is honestly a server that lacks it (pg_available_extensions does not
 * list it), which is how the fallback is tested; with pgvector (a devDependency, which the
 * embedded store does not load) the vector path runs.
 */
export async function openPglite(extensions: Extensions): Promise<{ store: Store; stop: () => Promise<void> }> {
  const db = await PGlite.create({ extensions });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  await server.start();
  const store = await createStore({
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    dataDir: '.data',
    poolMax: 1,
    log: createLogger('silent'),
  });
  return {
    store,
    stop: async () => {
      await store.close();
      await server.stop();
      await db.close();
    },
  };
}
