/**
 * `npm run bench -- <name> [args…]`: runs one benchmark (or all with no name) and prints
 * its figures. Benchmarks are not tests: they measure, compare against a reference run in
 * the same process, and never fail a build.
 */
import { benchBus } from './bus.ts';
import { benchCache } from './cache.ts';
import { benchCli } from './cli.ts';
import { benchFactory } from './factory.ts';
import { benchIdentity } from './identity.ts';
import { benchPages, pagesUsage } from './pages.ts';
import { benchSupport } from './support.ts';
import { benchSupportLearning } from './support-learning.ts';
import { benchTasks, tasksUsage } from './tasks.ts';
import { benchVision } from './vision.ts';
import { benchWebhook, webhookUsage } from './webhook.ts';

const benches: Record<string, { about: string; run: (args: string[]) => Promise<void> }> = {
  bus: {
    about: 'events/s through the Redis bus vs a raw XADD/XREADGROUP/XACK loop; latency at 1,000 events/s',
    run: benchBus,
  },
  cache: {
    about:
      'ctx.cache: L1 hit, L2 hit and a miss through the loader (PostgreSQL) each beside its reference ' +
      '(Map.get, GET + JSON.parse, the query alone) [keys]; a stampede of concurrent misses → loader calls [misses]',
    run: benchCache,
  },
  cli: {
    about: 'how long `wow` takes to start: --help, a usage error, agents list --json, vs node -e 0 [runs]',
    run: benchCli,
  },
  webhook: {
    about: `webhook ack latency (verify, dedupe, publish, 202) at a steady rate, in-process and Redis bus, vs GET /healthz ${webhookUsage}`,
    run: benchWebhook,
  },
  identity: {
    about:
      'signed messages: sign and verify per message (vs did-jwt verifyJWT), ' +
      'bus events/s with signing on vs off (Redis, in-process), latency at 1,000 events/s [messages]',
    run: benchIdentity,
  },
  factory: {
    about: 'a valid questionnaire to a ready commit tree with the gate (WowVision + typecheck) [rounds]',
    run: benchFactory,
  },
  pages: {
    about:
      'the marketplace (/, a profile) and a dashboard with a year of data in Lighthouse against its goals; render latency ' +
      `p50/p95/p99 of /, a filtered search, a profile and the dashboard at a fixed rate (autocannon, loopback) ${pagesUsage}`,
    run: benchPages,
  },
  support: {
    about:
      'knowledge-base search over 10,000 generated articles (PostgreSQL, PGlite) ' +
      'vs ILIKE and full-text only [articles] [questions] [tickets]; ticket → L1 answer through the runtime',
    run: benchSupport,
  },
  'support-learning': {
    about:
      'the learning loop on the replayed set: held-out questions answered at L1 before and after ' +
      "the solved L2/L3 tickets' articles are merged",
    run: benchSupportLearning,
  },
  tasks: {
    about:
      'the Service Flow on the embedded defaults (or PostgreSQL and Redis): POST /api/agents/seo/tasks → the deterministic audit → recorded done; ' +
      `tasks/s and p50/p95 latency (202, requested → completed) vs GET /healthz at the same rate ${tasksUsage}`,
    run: benchTasks,
  },
  vision: {
    about:
      'WowVision vs dependency-cruiser, each a process, cold and warm, on 5,000 generated files, this repository and [repo…]; a 20-file re-review',
    run: benchVision,
  },
};

const [name, ...args] = process.argv.slice(2);
if (name === '--help' || name === '-h' || (name !== undefined && !(name in benches))) {
  console.log('usage: npm run bench -- [name] [args…]\n');
  for (const [key, b] of Object.entries(benches)) console.log(`  ${key.padEnd(10)} ${b.about}`);
  process.exitCode = name === '--help' || name === '-h' ? 0 : 2;
} else {
  for (const [key, b] of Object.entries(benches)) {
    if (name !== undefined && key !== name) continue;
    console.log(`\n# bench ${key}: ${b.about}\n`);
    await b.run(args);
  }
}
