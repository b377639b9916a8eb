import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BusObserver, BusStats } from '../bus/bus.ts';
import type { GitHubObserver } from '../github/request-metrics.ts';

/**
 * The platform's Prometheus metrics, named by Prometheus conventions: one `wow_` prefix,
 * base units as suffixes, `_total` on counters, and only bounded labels (agent ids,
 * topics and outcomes; never message or instance ids).
 */
export interface Metrics {
  readonly registry: Registry;
  readonly bus: BusObserver;
  /** Each exchange with GitHub, given to GitHub clients (`createGitHubPort({ observer })`). */
  readonly github: GitHubObserver;
  readonly webhooksReceived: Counter<'event' | 'outcome'>;
  readonly agentInFlight: Gauge<'agent'>;
  /** Point-in-time bus gauges are read from this at scrape time. */
  watchBus(stats: () => Promise<BusStats>): void;
  /** When the newest good backup finished (Unix seconds), read at scrape time: no series until there is one. */
  watchBackups(lastSuccess: () => Promise<{ kind: string; seconds: number } | undefined>): void;
  metricsText(): Promise<string>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'wow_' });
  const registers = [registry];

  const published = new Counter({
    name: 'wow_bus_events_published_total',
    help: 'Events written to the bus.',
    labelNames: ['topic'],
    registers,
  });
  const consumed = new Counter({
    name: 'wow_bus_events_consumed_total',
    help: 'Deliveries handled by a consumer group, by outcome (ack, retry, dead-letter, skip).',
    labelNames: ['group', 'topic', 'outcome'],
    registers,
  });
  const failed = new Counter({
    name: 'wow_bus_events_failed_total',
    help: 'Handler runs that threw.',
    labelNames: ['group', 'topic'],
    registers,
  });
  const deadLettered = new Counter({
    name: 'wow_bus_events_dead_lettered_total',
    help: 'Events moved to the dead-letter stream after their last attempt.',
    labelNames: ['group', 'topic'],
    registers,
  });
  const duration = new Histogram({
    name: 'wow_bus_handler_duration_seconds',
    help: 'Time a handler took, by outcome.',
    labelNames: ['group', 'topic', 'outcome'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const webhooksReceived = new Counter({
    name: 'wow_webhooks_received_total',
    help: 'GitHub webhook deliveries, by event and outcome (queued, duplicate, rejected).',
    labelNames: ['event', 'outcome'],
    registers,
  });
  const agentInFlight = new Gauge({
    name: 'wow_agent_in_flight',
    help: 'Handlers running now in this process, per agent.',
    labelNames: ['agent'],
    registers,
  });

  const githubRequests = new Counter({
    name: 'wow_github_requests_total',
    help: 'Requests to GitHub, each retry counted, by method, templated route and status (error: no answer).',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const githubDuration = new Histogram({
    name: 'wow_github_request_duration_seconds',
    help: 'Time GitHub took to answer, by method and templated route (waits for rate limits not included).',
    labelNames: ['method', 'route'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const githubRateLimited = new Counter({
    name: 'wow_github_rate_limited_total',
    help: 'Requests GitHub refused for a rate limit (primary, secondary), and whether they were sent again.',
    labelNames: ['kind', 'retried'],
    registers,
  });

  let readStats: (() => Promise<BusStats>) | undefined;
  let lastStats: Promise<BusStats | undefined> | undefined;
  // One stats read per scrape serves all three gauges.
  const statsOnce = (): Promise<BusStats | undefined> => {
    lastStats ??= (readStats?.() ?? Promise.resolve(undefined)).finally(() => {
      setImmediate(() => (lastStats = undefined));
    });
    return lastStats;
  };
  new Gauge({
    name: 'wow_bus_pending_entries',
    help: 'Entries delivered to a consumer group and not yet acked.',
    labelNames: ['topic', 'group'],
    registers,
    async collect() {
      this.reset();
      for (const t of (await statsOnce())?.topics ?? [])
        for (const g of t.groups) this.set({ topic: t.topic, group: g.group }, g.pending);
    },
  });
  new Gauge({
    name: 'wow_bus_lag_entries',
    help: 'Entries not yet delivered to a consumer group.',
    labelNames: ['topic', 'group'],
    registers,
    async collect() {
      this.reset();
      for (const t of (await statsOnce())?.topics ?? [])
        for (const g of t.groups) if (g.lag !== null) this.set({ topic: t.topic, group: g.group }, g.lag);
    },
  });
  new Gauge({
    name: 'wow_bus_dead_letter_entries',
    help: 'Entries waiting in the dead-letter stream, per group.',
    labelNames: ['group'],
    registers,
    async collect() {
      this.reset();
      for (const d of (await statsOnce())?.deadLetters ?? []) this.set({ group: d.group }, d.count);
    },
  });

  let readLastBackup: (() => Promise<{ kind: string; seconds: number } | undefined>) | undefined;
  // Labelled so that it has no series at all until a backup exists: an unlabelled gauge
  // would say 0, a backup in 1970.
  new Gauge({
    name: 'wow_backup_last_success_timestamp_seconds',
    help: 'When the newest good backup of the database finished, in Unix seconds, by kind (postgres or embedded).',
    labelNames: ['kind'],
    registers,
    async collect() {
      this.reset();
      // A store that cannot answer must not fail the whole scrape; the gauge is then absent.
      const last = await readLastBackup?.().catch(() => undefined);
      if (last !== undefined) this.set({ kind: last.kind }, last.seconds);
    },
  });

  const bus: BusObserver = {
    published: (topic) => published.inc({ topic }),
    handled: (group, topic, outcome, seconds) => {
      consumed.inc({ group, topic, outcome });
      duration.observe({ group, topic, outcome }, seconds);
      if (outcome === 'retry' || outcome === 'dead-letter') failed.inc({ group, topic });
    },
    deadLettered: (group, topic) => deadLettered.inc({ group, topic }),
  };

  const github: GitHubObserver = {
    requested: ({ method, route, status, seconds }) => {
      githubRequests.inc({ method, route, status });
      githubDuration.observe({ method, route }, seconds);
    },
    rateLimited: (kind, retried) => githubRateLimited.inc({ kind, retried: String(retried) }),
  };

  return {
    registry,
    bus,
    github,
    webhooksReceived,
    agentInFlight,
    watchBus: (stats) => {
      readStats = stats;
    },
    watchBackups: (lastSuccess) => {
      readLastBackup = lastSuccess;
    },
    metricsText: () => registry.metrics(),
  };
}
