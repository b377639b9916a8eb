import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launch } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { createLogger, createStore } from '#platform';
import { seedDashboardYear } from './pages-dashboard.ts';
import { createTestDatabase } from '../support/servers.ts';
import { fmt, printTable, quantile } from './stats.ts';
import { generatedId, industries, writeGeneratedAgents } from './pages-agents.ts';

export const pagesUsage =
  "[agents=1000] [rate=100] [seconds=10] [--runs 3] (Lighthouse runs a page; 0: none) [--profile <dir>] (a CPU profile of the server under each page's load)";

// autocannon ships no types: the part of its API this bench calls.
interface Autocannon {
  (opts: {
    url: string;
    overallRate: number;
    duration: number;
    connections: number;
    headers?: Record<string, string>;
  }): AutocannonRun;
}
interface AutocannonRun extends PromiseLike<{
  requests: { sent: number };
  errors: number;
  non2xx: number;
  duration: number;
}> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const goals = { performance: 90, accessibility: 95, 'best-practices': 95 } as const;
const loadAverage = async () => (await readFile('/proc/loadavg', 'utf8').catch(() => 'n/a')).trim();

interface PageServer {
  base: string;
  dataDir: string;
  /** DATABASE_URL when the server runs on PostgreSQL; the embedded database in dataDir otherwise. */
  databaseUrl: string | undefined;
  cpu: () => Promise<NodeJS.CpuUsage>;
  /** Profiles the server's CPU until the returned function is called with the file to write. */
  profile: () => Promise<(file: string) => Promise<void>>;
  stop: () => Promise<void>;
}

/** `wow start`'s runtime on the embedded defaults (PGlite, the in-process bus) serving `agentsDir`, in a process of its own. */
async function startServer(agentsDir: string, postgres: boolean): Promise<PageServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wow-bench-pages-data-'));
  // With --postgres: a database of its own on the PostgreSQL server, dropped at the end.
  const database = postgres ? await createTestDatabase('benchpages') : undefined;
  const child = fork(fileURLToPath(new URL('./webhook-server.ts', import.meta.url)), [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: {
      PATH: process.env.PATH ?? '',
      AGENTS_DIR: agentsDir,
      DATA_DIR: dataDir,
      ...(database === undefined ? {} : { DATABASE_URL: database.url }),
      BACKUP_INTERVAL_SECONDS: '0',
      LOG_LEVEL: 'silent',
    },
  });
  const [ready] = (await once(child, 'message')) as [{ address: string }];
  return {
    base: ready.address,
    dataDir,
    databaseUrl: database?.url,
    cpu: async () => {
      child.send('census');
      const [answer] = (await once(child, 'message')) as [{ cpu: NodeJS.CpuUsage }];
      return answer.cpu;
    },
    profile: async () => {
      child.send('profile-start');
      await once(child, 'message');
      return async (file) => {
        child.send({ profileTo: file });
        await once(child, 'message');
      };
    },
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await rm(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  };
}

interface Scores {
  scores: Record<keyof typeof goals, number>;
  /** The audits that cost points in a category below its goal. */
  misses: string[];
}

/** Lighthouse's default run (a mobile page on a throttled connection, simulated) of one page in Debian's Chromium. */
async function audit(url: string, port: number, headers: Record<string, string>): Promise<Scores> {
  const result = await lighthouse(url, {
    port,
    extraHeaders: headers,
    output: 'json',
    logLevel: 'error',
    onlyCategories: Object.keys(goals),
  });
  if (result === undefined) throw new Error(`lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError !== undefined) throw new Error(`lighthouse on ${url}: ${lhr.runtimeError.message}`);
  const scores = { performance: 0, accessibility: 0, 'best-practices': 0 };
  const misses: string[] = [];
  for (const key of Object.keys(goals) as (keyof typeof goals)[]) {
    const category = lhr.categories[key];
    scores[key] = Math.round((category?.score ?? 0) * 100);
    if (scores[key] >= goals[key]) continue;
    for (const ref of category?.auditRefs ?? []) {
      const a = lhr.audits[ref.id];
      if (a === undefined || ref.weight === 0 || a.score === null || a.score >= 0.9) continue;
      misses.push(`${key}: ${a.id} (${a.title}${a.displayValue === undefined ? '' : `, ${a.displayValue}`})`);
    }
  }
  return { scores, misses };
}

/** Latencies (ms) of every request autocannon sent at `rate` a second for `seconds`, after a second's warm-up. */
async function load(url: string, rate: number, seconds: number, headers: Record<string, string>) {
  await autocannon({ url, overallRate: rate, duration: 1, connections: 10, headers });
  const latencies: number[] = [];
  const run = autocannon({ url, overallRate: rate, duration: seconds, connections: 10, headers });
  run.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const result = await run;
  return {
    latencies,
    sent: result.requests.sent,
    errors: result.errors,
    non2xx: result.non2xx,
    perSecond: latencies.length / seconds,
  };
}

/** Lighthouse's scores of each page, the median of `runs` runs, and the audits that cost points below a goal. */
async function printLighthouse(
  base: string,
  pages: { path: string; headers: Record<string, string> }[],
  runs: number,
): Promise<void> {
  const chrome = await launch({
    chromePath: '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
  });
  const lighthouseRows = [
    [
      `Lighthouse (mobile, simulated throttling), median of ${String(runs)} runs`,
      'performance',
      'accessibility',
      'best practices',
    ],
    ['goal', ...Object.values(goals).map((g) => `≥ ${String(g)}`)],
  ];
  const misses = new Set<string>();
  try {
    for (const { path, headers } of pages) {
      const results: Scores[] = [];
      for (let i = 0; i < runs; i++) results.push(await audit(`${base}${path}`, chrome.port, headers));
      const median = (key: keyof typeof goals) =>
        quantile(
          results.map((r) => r.scores[key]),
          0.5,
        );
      lighthouseRows.push([
        `GET ${path}`,
        ...(Object.keys(goals) as (keyof typeof goals)[]).map(
          (key) => `${String(median(key))} (${results.map((r) => r.scores[key]).join(', ')})`,
        ),
      ]);
      for (const r of results) for (const miss of r.misses) misses.add(`${path} ${miss}`);
    }
  } finally {
    chrome.kill();
  }
  printTable(lighthouseRows);
  for (const miss of misses) console.log(`  cost points in a run below its goal: ${miss}`);
  console.log('');
}

/**
 * The customer's pages on the embedded defaults with a generated catalogue and one
 * organisation a year in (pages-dashboard.ts): Lighthouse's performance, accessibility and
 * best-practices scores of `/`, a profile and the signed-in `/dashboard` in Debian's
 * Chromium, then each page's render latency at a fixed rate on loopback (autocannon's
 * overallRate, open loop), beside the server's CPU time per request.
 */
export async function benchPages(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { profile: { type: 'string' }, runs: { type: 'string', default: '3' }, postgres: { type: 'boolean' } },
  });
  const count = Number(positionals[0] ?? 1000);
  const rate = Number(positionals[1] ?? 100);
  const seconds = Number(positionals[2] ?? 10);
  const runs = Number(values.runs);
  if (!(Number.isInteger(count) && count > 0 && rate > 0 && seconds > 0 && Number.isInteger(runs) && runs >= 0))
    throw new Error(`usage: npm run bench -- pages ${pagesUsage}`);
  if (values.profile !== undefined) await mkdir(values.profile, { recursive: true });
  const loadBefore = await loadAverage();
  const agentsDir = await mkdtemp(join(tmpdir(), 'wow-bench-pages-agents-'));
  try {
    await writeGeneratedAgents(agentsDir, count);
    const server = await startServer(agentsDir, values.postgres === true);
    try {
      const profile = `/agents/${generatedId(Math.floor(count / 2))}`;
      const industry = industries[1] ?? '';
      const filtered = `/agents?industry=${encodeURIComponent(industry)}&q=${encodeURIComponent('seo agent')}`;
      // The dashboard of an organisation a year in: seeded through the server's own database.
      const store = await createStore({
        dataDir: server.dataDir,
        url: server.databaseUrl,
        poolMax: 1,
        log: createLogger('silent'),
      });
      const year = await seedDashboardYear(store, {
        agents: [0, 1, 2].map((i) => ({ id: generatedId(i), priceTier: 'standard' as const })),
        now: new Date(),
        tasksPerDay: 12,
      }).finally(() => store.close());
      const signedIn = { Cookie: year.cookie };
      const pages: { path: string; headers: Record<string, string> }[] = [
        { path: '/', headers: {} },
        { path: profile, headers: {} },
        { path: '/dashboard', headers: signedIn },
      ];

      if (runs > 0) await printLighthouse(server.base, pages, runs);

      const latencyRows = [
        [
          `${String(rate)} req/s for ${String(seconds)} s (+1 s warm-up), 10 connections`,
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'max ms',
          'req/s',
          'errors',
          'non-2xx',
          'server CPU ms/req',
        ],
      ];
      for (const { path, headers } of [...pages.slice(0, 1), { path: filtered, headers: {} }, ...pages.slice(1)]) {
        const profiled = values.profile === undefined ? undefined : await server.profile();
        const before = await server.cpu();
        const r = await load(`${server.base}${path}`, rate, seconds, headers);
        const after = await server.cpu();
        await profiled?.(
          join(values.profile ?? '', `${path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'root'}.cpuprofile`),
        );
        const cpuMs = (after.user - before.user + after.system - before.system) / 1000 / Math.max(1, r.sent);
        latencyRows.push([
          `GET ${path} (goal p95 < 50)`,
          fmt(quantile(r.latencies, 0.5)),
          fmt(quantile(r.latencies, 0.95)),
          fmt(quantile(r.latencies, 0.99)),
          fmt(Math.max(...r.latencies)),
          fmt(r.perSecond, 0),
          String(r.errors),
          String(r.non2xx),
          fmt(cpuMs),
        ]);
      }
      printTable(latencyRows);
      console.log('');
      console.log(
        `${server.databaseUrl === undefined ? 'embedded PostgreSQL (PGlite)' : 'PostgreSQL'}; ` +
          `catalogue: ${String(count)} agents; dashboard: one organisation's year of three subscriptions, ` +
          `${String(year.tasks)} done tasks (${String(year.ratings)} rated), ${String(year.invoices)} invoices, ` +
          `${String(year.tickets)} tickets`,
      );
      console.log(`load average before: ${loadBefore}; after: ${await loadAverage()}`);
      if (values.profile !== undefined)
        console.log(`server CPU profiles (.cpuprofile), one a page, in ${values.profile}`);
    } finally {
      await server.stop();
    }
  } finally {
    await rm(agentsDir, { recursive: true, force: true });
  }
}
