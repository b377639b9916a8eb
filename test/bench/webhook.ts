import { createHmac } from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import type { Bus } from '#platform';
import { githubAppEnv } from '../support/github-app.ts';
import { examplePayload } from '../support/github-webhooks.ts';
import { testRedisUrl, uniqueName } from '../support/servers.ts';
import { fmt, printTable, quantile } from './stats.ts';
import type { LoadPlan, LoadResult } from './webhook-load.ts';

const secret = 'bench-webhook-secret';
const logLevels = ['silent', 'error', 'warn', 'info', 'debug'] as const;
type LogLevel = (typeof logLevels)[number];
const isLogLevel = (level: string): level is LogLevel => (logLevels as readonly string[]).includes(level);
const topic = 'github.pull_request';

type TopicStats = Awaited<ReturnType<Bus['stats']>>['topics'][number];

export const webhookUsage =
  '[rate=1000] [seconds=10] [--connections 64] [--log-level silent|…|info] [--profile <dir>] (--cpu-prof of the server)';

interface ServerChild {
  address: string;
  pid: number;
  census: () => Promise<{ topics: TopicStats[]; cpu: NodeJS.CpuUsage }>;
  logLines: () => number;
  stop: () => Promise<void>;
}

async function startServer(opts: {
  redisUrl: string | undefined;
  keyPrefix: string;
  logLevel: LogLevel;
  profileDir: string | undefined;
}): Promise<ServerChild> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wow-bench-'));
  const child = fork(fileURLToPath(new URL('./webhook-server.ts', import.meta.url)), [], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    execArgv: opts.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`],
    // The server's configuration, as `wow start` reads it; no DATABASE_URL: the embedded store.
    env: {
      PATH: process.env.PATH ?? '',
      ...githubAppEnv(secret),
      DATA_DIR: dataDir,
      BACKUP_INTERVAL_SECONDS: '0',
      BUS_KEY_PREFIX: opts.keyPrefix,
      LOG_LEVEL: opts.logLevel,
      ...(opts.redisUrl === undefined ? {} : { REDIS_URL: opts.redisUrl }),
    },
  });
  // Drained as a log shipper would, so a full pipe never stalls the server's synchronous logging.
  let lines = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 10) lines++;
  });
  const [ready] = (await once(child, 'message')) as [{ address: string }];
  return {
    address: ready.address,
    pid: child.pid ?? 0,
    census: async () => {
      child.send('census');
      const [answer] = (await once(child, 'message')) as [{ topics: TopicStats[]; cpu: NodeJS.CpuUsage }];
      return answer;
    },
    logLines: () => lines,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs the load generator in a process of its own and returns what it measured. */
async function generateLoad(plan: LoadPlan): Promise<LoadResult> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./webhook-load.ts', import.meta.url)),
    [JSON.stringify(plan)],
    {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => chunks.push(c));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the load generator exited with ${String(code)}`);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoadResult;
}

/** Runs `plan` against the server and returns what the generator saw and the server's CPU time (µs) per request meanwhile. */
async function measure(server: ServerChild, plan: LoadPlan): Promise<{ load: LoadResult; cpuPerRequest: number }> {
  const before = (await server.census()).cpu;
  const load = await generateLoad(plan);
  const after = (await server.census()).cpu;
  const cpu = after.user - before.user + (after.system - before.system);
  return { load, cpuPerRequest: cpu / load.sent };
}

const row = (name: string, { load: r, cpuPerRequest }: { load: LoadResult; cpuPerRequest: number }) => [
  name,
  fmt(quantile(r.latencies, 0.5)),
  fmt(quantile(r.latencies, 0.99)),
  fmt(Math.max(...r.latencies)),
  fmt(r.achievedPerSecond, 0),
  String(r.errors),
  String(r.non2xx),
  fmt(cpuPerRequest, 0),
  fmt(r.cpuPerRequest, 0),
  fmt(quantile(r.lateness, 0.99)),
];

/**
 * Webhook ack latency (verify the signature, de-duplicate by delivery id, publish, 202)
 * under a steady, open-loop rate of signed requests on loopback, on the in-process bus and
 * on the Redis bus, against GET /healthz on the same server at the same rate (the HTTP
 * stack alone: the reference). The server, the load generator and this driver are three
 * processes. After each run the bus is counted: every delivery answered as queued must be
 * on it once, and every redelivery answered as a duplicate.
 */
export async function benchWebhook(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      connections: { type: 'string', default: '64' },
      'log-level': { type: 'string', default: 'silent' },
      profile: { type: 'string' },
    },
  });
  const rate = Number(positionals[0] ?? 1000);
  const seconds = Number(positionals[1] ?? 10);
  const connections = Number(values.connections);
  const logLevel = values['log-level'];
  if (!(rate > 0 && seconds > 0 && connections > 0 && isLogLevel(logLevel)))
    throw new Error(`usage: npm run bench -- webhook ${webhookUsage}`);
  const body = JSON.stringify(examplePayload('pull_request', 'opened'));
  const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
  const prefix = `${uniqueName('benchhook')}:`;
  const redisUrl = process.env.REDIS_URL ?? testRedisUrl;
  const redis = new Redis(redisUrl);
  const loadBefore = (await readFile('/proc/loadavg', 'utf8').catch(() => 'n/a')).trim();
  const rows: string[][] = [
    [
      `${String(rate)} req/s open loop, ${String(seconds)} s (+1 s warm-up), ≤ ${String(connections)} connections`,
      'p50 ms',
      'p99 ms',
      'max ms',
      'req/s',
      'errors',
      'non-2xx',
      'server CPU µs/req',
      'generator CPU µs/req',
      'gen late p99 ms',
    ],
  ];
  const notes: string[] = [];
  const plan = { rate, seconds, warmupSeconds: 1, connections };
  try {
    for (const bus of ['in-process bus', 'Redis bus'] as const) {
      const keyPrefix = `${prefix}${bus === 'Redis bus' ? 'redis' : 'memory'}:`;
      const server = await startServer({
        redisUrl: bus === 'Redis bus' ? redisUrl : undefined,
        keyPrefix,
        logLevel,
        profileDir: values.profile,
      });
      try {
        if (bus === 'in-process bus') {
          const health = await measure(server, { ...plan, url: `${server.address}/healthz`, kind: 'healthz' });
          rows.push(row('GET /healthz (reference)', health));
          notes.push(
            `GET /healthz: server pid ${String(server.pid)}, load generator pid ${String(health.load.pid)}, ` +
              `driver pid ${String(process.pid)}: three processes`,
          );
        }
        const linesBefore = server.logLines();
        const measured = await measure(server, {
          ...plan,
          url: `${server.address}/api/github/webhooks`,
          kind: 'webhook',
          body,
          signature,
          redeliverEvery: 50,
        });
        const hooks = measured.load;
        rows.push(row(`POST webhook, ${bus} (goal p99 < 20)`, measured));
        const entries = (await server.census()).topics.find((t) => t.topic === topic)?.length ?? 0;
        // The Redis bus's key for publishDelivery's dedupe key `github:<delivery id>` (platform/bus/redis/keys.ts).
        const dedupeKeys =
          bus === 'Redis bus' ? (await scanKeys(redis, `${keyPrefix}dedupe:github:*`)).length : undefined;
        const redeliveries = hooks.sent - hooks.distinctDeliveries;
        const once =
          hooks.queued === hooks.distinctDeliveries &&
          entries === hooks.queued &&
          hooks.duplicates === redeliveries &&
          (dedupeKeys === undefined || dedupeKeys === hooks.queued);
        notes.push(
          `${bus}: ${String(hooks.sent)} sent (server pid ${String(server.pid)}, generator pid ${String(hooks.pid)}), ` +
            `${String(hooks.distinctDeliveries)} distinct deliveries + ${String(redeliveries)} redeliveries; ` +
            `answered ${String(hooks.queued)} queued, ${String(hooks.duplicates)} duplicate; ` +
            `${String(entries)} stream entries` +
            (dedupeKeys === undefined ? '' : `, ${String(dedupeKeys)} dedupe keys`) +
            `; ${String(server.logLines() - linesBefore)} log lines → each accepted delivery on the bus exactly once: ${once ? 'yes' : 'NO'}`,
        );
      } finally {
        await server.stop();
      }
    }
    printTable(rows);
    console.log('');
    for (const note of notes) console.log(note);
    console.log(
      `load average before: ${loadBefore}; after: ${(await readFile('/proc/loadavg', 'utf8').catch(() => 'n/a')).trim()}`,
    );
    if (values.profile !== undefined) console.log(`server CPU profiles (.cpuprofile) in ${values.profile}`);
  } finally {
    const keys = await scanKeys(redis, `${prefix}*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    await redis.quit();
  }
}

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}
