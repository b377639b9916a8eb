import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { createMetrics, readSharedSettings, type Runtime } from '#platform';
import { quietLog } from '#platform/testing';
import { createCustomer, issueApiKey, supportSettings } from '#domains/support';
import { createServer } from '../../app/server/create-server.ts';
import { agentRuntimes } from '../support/agent-runtimes.ts';
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueName } from '../support/servers.ts';
import { fmt, printTable, quantile } from './stats.ts';

export const tasksUsage =
  '[tasks=200] [rate=50] [--redis] (PostgreSQL and the Redis bus instead of the embedded defaults)';

const agentsDir = fileURLToPath(new URL('../../agents', import.meta.url));
const finalTypes = ['customer.task.completed', 'customer.task.failed', 'customer.task.needs_input'];

/** Calls `send(i)` `count` times at `rate` per second, open loop (a late call does not delay the next). */
async function openLoop(count: number, rate: number, send: (i: number) => Promise<void>): Promise<void> {
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(send(i));
  }
  await Promise.all(pending);
}

/**
 * The Service Flow on the embedded defaults (embedded PostgreSQL, the in-process bus), as
 * `wow start` runs it with nothing configured (or, with --redis, on PostgreSQL and Redis): `POST /api/agents/seo/tasks` with an API key
 * at a steady open-loop rate, the SEO agent's deterministic audit (no model), each task
 * recorded done with its deliverables. Per task: the API's 202, and requested → the
 * agent's customer.task.completed; throughput: tasks recorded done per second from the
 * first request to the last recorded. Reference, in the same process at the same rate:
 * GET /healthz (the HTTP stack alone).
 */
export async function benchTasks(args: string[]): Promise<void> {
  const redis = args.includes('--redis');
  const [countArg, rateArg] = args.filter((a) => a !== '--redis');
  const count = Number(countArg ?? 200);
  const rate = Number(rateArg ?? 50);
  if (!(Number.isInteger(count) && count > 0 && rate > 0))
    throw new Error(`usage: npm run bench -- tasks ${tasksUsage}`);
  const html = await readFile(new URL('../../agents/seo/test/fixtures/product-page.html', import.meta.url), 'utf8');
  const dataDir = await mkdtemp(join(tmpdir(), 'wow-bench-tasks-'));
  // With --redis: a database of its own on the PostgreSQL server and the bus on Redis under a fresh prefix.
  const database = redis ? await createTestDatabase('benchtasks') : undefined;
  const keyPrefix = `${uniqueName('benchtasks')}:`;
  const runtimes = agentRuntimes({
    env: {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      BACKUP_INTERVAL_SECONDS: '0',
      ...(database === undefined
        ? {}
        : { DATABASE_URL: database.url, REDIS_URL: process.env.REDIS_URL ?? testRedisUrl, BUS_KEY_PREFIX: keyPrefix }),
    },
    agentsDir,
    github: () => Promise.reject(new Error('no GitHub in the bench')),
  });
  let server: FastifyInstance | undefined;
  try {
    const runtime: Runtime = await runtimes.start(['seo']);
    await createCustomer(runtime.store, { slug: 'bench', name: 'Bench' });
    const { key } = await issueApiKey(runtime.store, 'bench');
    server = await createServer({
      config: runtime.config,
      bus: runtime.bus,
      store: runtime.store,
      log: quietLog,
      metrics: createMetrics({ defaultMetrics: false }),
      // Entitlement is a query of its own in production; the bench measures the flow, so every task is entitled.
      entitled: () => Promise.resolve({ ok: true, via: 'trial' }),
      support: readSharedSettings(supportSettings, { SUPPORT_RATE_LIMIT_PER_MINUTE: '100000' }),
    });
    const app = server;
    const ended = new Map<string, { at: number; type: string }>();
    const watcher = await runtime.bus.subscribe({
      group: 'bench-tasks',
      types: finalTypes,
      answersRequests: false,
      handler(event) {
        const taskId = (event.data as { taskId?: string }).taskId;
        if (taskId !== undefined && !ended.has(taskId)) ended.set(taskId, { at: performance.now(), type: event.type });
        return Promise.resolve();
      },
    });
    const post = async () => {
      const sent = performance.now();
      const res = await app.inject({
        method: 'POST',
        url: '/api/agents/seo/tasks',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ type: 'seo.audit', input: { html, keyword: 'trail shoes' } }),
      });
      if (res.statusCode !== 202) throw new Error(`POST answered ${String(res.statusCode)}: ${res.body.slice(0, 300)}`);
      return { id: res.json<{ id: string }>().id, sent, answered: performance.now() };
    };
    // Warm-up: the first task loads the manifests, compiles the schema and warms the pools.
    for (let i = 0; i < 5; i++) await post();

    const health: number[] = [];
    await openLoop(count, rate, async () => {
      const t = performance.now();
      const res = await app.inject({ method: 'GET', url: '/healthz' });
      if (res.statusCode !== 200) throw new Error(`GET /healthz answered ${String(res.statusCode)}`);
      health.push(performance.now() - t);
    });

    const requests: { id: string; sent: number; answered: number }[] = [];
    const first = performance.now();
    await openLoop(count, rate, async () => {
      requests.push(await post());
    });
    const ids = requests.map((r) => r.id);
    const deadline = performance.now() + 120_000;
    let done = 0;
    for (;;) {
      done =
        (
          await runtime.store.query<{ done: number }>(
            `select count(*)::int as done from customer_tasks where id = any($1::uuid[]) and state <> 'queued' and state <> 'working'`,
            [ids],
          )
        ).rows[0]?.done ?? 0;
      if (done === ids.length || performance.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const last = performance.now();
    await watcher.stop({ timeoutMs: 5_000 });
    const answers = requests.map((r) => r.answered - r.sent);
    const flows = requests.flatMap((r) => {
      const end = ended.get(r.id);
      return end === undefined ? [] : [end.at - r.sent];
    });
    const failed = requests.filter((r) => ended.get(r.id)?.type !== 'customer.task.completed').length;
    const load = (await readFile('/proc/loadavg', 'utf8').catch(() => 'n/a')).trim();
    console.log(
      `${String(count)} tasks at ${String(rate)}/s, open loop, after 5 warm-up tasks; ${
        redis ? 'PostgreSQL, Redis bus' : 'embedded PostgreSQL, in-process bus'
      }; load average ${load}\n`,
    );
    printTable([
      ['', 'p50 ms', 'p95 ms', 'max ms', 'n'],
      [
        'reference: GET /healthz',
        fmt(quantile(health, 0.5)),
        fmt(quantile(health, 0.95)),
        fmt(Math.max(...health)),
        String(health.length),
      ],
      [
        'POST task → 202',
        fmt(quantile(answers, 0.5)),
        fmt(quantile(answers, 0.95)),
        fmt(Math.max(...answers)),
        String(answers.length),
      ],
      [
        'requested → completed',
        fmt(quantile(flows, 0.5)),
        fmt(quantile(flows, 0.95)),
        fmt(Math.max(...flows)),
        String(flows.length),
      ],
    ]);
    console.log(
      `\nthroughput: ${fmt((done * 1000) / (last - first), 1)} tasks/s recorded done ` +
        `(${String(done)}/${String(count)} in ${fmt((last - first) / 1000, 1)} s); not completed: ${String(failed)}`,
    );
  } finally {
    await server?.close();
    await runtimes.stop();
    await database?.drop();
    if (redis) await deleteRedisKeys(keyPrefix);
    await rm(dataDir, { recursive: true, force: true });
  }
}
