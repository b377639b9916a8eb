// The server under load in the webhook and pages benchmarks, in a process of its own so the load
// generator does not share its event loop. It opens the runtime `wow start` opens (store,
// bus with its metrics observer, outbox relay), without agents, from the environment
// the driver gives it. Sends the driver its address, answers its "census" message with
// the bus's stream lengths and its CPU time so far, profiles its CPU between a
// "profile-start" and a { profileTo: file } message (one phase of a run, not its start-up),
// and serves until killed. Its logs go
// to stdout, as under `wow start`, which the driver drains and counts.
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { createServer } from '../../app/server/create-server.ts';
import { createLogger, loadConfig, openRuntime } from '#platform';

const config = loadConfig(process.env);
const log = createLogger(config.logLevel);
const runtime = await openRuntime(config, log);
runtime.relay.start();
const server = await createServer({ config, bus: runtime.bus, store: runtime.store, log, metrics: runtime.metrics });
process.send?.({ address: await server.listen({ host: '127.0.0.1', port: 0 }) });
const profiler = new Session();
process.on('message', (message) => {
  if (message === 'census')
    void runtime.bus.stats().then((stats) => process.send?.({ topics: stats.topics, cpu: process.cpuUsage() }));
  else if (message === 'profile-start') {
    profiler.connect();
    void profiler
      .post('Profiler.enable')
      .then(() => profiler.post('Profiler.start'))
      .then(() => process.send?.({ profiling: true }));
  } else if (typeof message === 'object' && message !== null && 'profileTo' in message) {
    void profiler
      .post('Profiler.stop')
      .then(({ profile }) => writeFile(String(message.profileTo), JSON.stringify(profile)))
      .then(() => {
        profiler.disconnect();
        process.send?.({ profiled: true });
      });
  }
});
process.on('SIGTERM', () => {
  void server
    .close()
    .then(() => runtime.close())
    .then(() => process.exit(0));
});
