// The server under load in the webhook benchmark, in a process of its own so the load
// generator does not share its event loop. Sends the driver its address, answers its
// "census" message with the bus's stream lengths and its CPU time so far, and serves until killed. Its logs go to
// stdout, as under `wow start`, which the driver drains and counts.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from '../../app/server/create-server.ts';
import { createBus, createLogger, createMetrics, createStore, loadConfig } from '#platform';
import { githubAppEnv } from '../support/github-app.ts';

const [secret = '', redisUrl, keyPrefix, level = 'silent'] = process.argv.slice(2);
// The level `wow start` runs at by default is "info": the bench can run at it to price logging.
const log = createLogger(level as 'silent' | 'info');
const store = await createStore({ dataDir: await mkdtemp(join(tmpdir(), 'wow-bench-')), poolMax: 1, log });
const bus = await createBus({
  redisUrl: redisUrl === '' ? undefined : redisUrl,
  keyPrefix,
  streamMaxLen: 1_000_000,
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
process.send?.({ address: await server.listen({ host: '127.0.0.1', port: 0 }) });
process.on('message', (message) => {
  if (message === 'census')
    void bus.stats().then((stats) => process.send?.({ topics: stats.topics, cpu: process.cpuUsage() }));
});
process.on('SIGTERM', () => {
  void server
    .close()
    .then(() => bus.close())
    .then(() => store.close())
    .then(() => process.exit(0));
});
