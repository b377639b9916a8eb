// The server under load in the webhook benchmark, in a process of its own so the load
// generator does not share its event loop. Prints its address, then serves until killed.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from '../../app/server/create-server.ts';
import { createBus, createLogger, createMetrics, createStore, loadConfig } from '#platform';
import { githubAppEnv } from '../support/github-app.ts';

const [secret = '', redisUrl, keyPrefix] = process.argv.slice(2);
const log = createLogger('silent');
const store = await createStore({ dataDir: await mkdtemp(join(tmpdir(), 'wow-bench-')), poolMax: 1, log });
const bus = await createBus({
  redisUrl: redisUrl === '' ? undefined : redisUrl,
  keyPrefix,
  streamMaxLen: 100_000,
  defaults: { concurrency: 10, maxAttempts: 3, visibilityTimeoutMs: 30_000, retryBaseMs: 100, retryMaxMs: 1000 },
  log,
});
const server = await createServer({
  config: loadConfig(githubAppEnv(secret)),
  bus,
  store,
  log,
  metrics: createMetrics(),
});
console.log(await server.listen({ host: '127.0.0.1', port: 0 }));
process.on('SIGTERM', () => {
  void server
    .close()
    .then(() => bus.close())
    .then(() => store.close())
    .then(() => process.exit(0));
});
