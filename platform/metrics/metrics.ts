import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BusObserver, BusStats, DeadLetteredMessage } from '../bus/bus.ts';
import type { CacheObserver } from '../cache/create-cache.ts';
import type { GitHubObserver } from '../github/request-metrics.ts';
import type { CircuitState, RequestObserver } from '../communication/request-observer.ts';
import type { AgentStatus } from '../registry/list-agents.ts';

/** One HTTP exchange, for `/metrics`: the route as declared (`/api/tickets/:id`), never the URL a client sent. */
export interface HttpObserver {
  requested(call: { method: string; route: string; status: number; seconds: number }): void;
}

/**
 * Refusals that say someone tried what they may not, counted by kind (a closed list, so
 * labels stay few): a webhook whose signature fails, a ticket API call with an unknown or
 * revoked key, an agent emitting an event its manifest does not declare or touching a table its
 * role may not, or reaching for the memory of a customer whose work it is not doing.
 */
export const securityViolationKinds = [
  'webhook_signature',
  'api_key',
  'undeclared_event',
  'capability_missing',
  'message_refused',
  'store_forbidden',
  'memory_forbidden',
] as const;
export type SecurityViolationKind = (typeof securityViolationKinds)[number];

/**
 * What the refusing code knows of a violation, for its `security.violation` event
 * (platform/identity/report-violations.ts). `agent` only when the violation is proven to be
 * that agent's (its own context refused it, or its signature verified): a claimed sender
 * goes in `sample`, so no one can have an agent blamed by writing its name.
 */
export interface SecurityViolationDetail {
  agent?: string;
  /** Where it was refused: `webhook door`, `ticket api`, a consumer group. */
  source?: string;
  reason?: string;
  sample?: Record<string, string>;
}

/** One violation as listeners see it. */
export interface SecurityViolation extends SecurityViolationDetail {
  kind: SecurityViolationKind;
}

/** Why a violation was counted and not published as an event: a closed list. */
export type ViolationNotPublished = 'rate_limited' | 'loop' | 'publish_failed';

/** A gauge whose series are read when Prometheus scrapes, e.g. from the database. */
export interface WatchedGauge<Label extends string> {
  name: string;
  help: string;
  labelNames: readonly Label[];
  read: () => Promise<readonly { labels: Record<Label, string>; value: number }[]>;
}

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
  readonly http: HttpObserver;
  /** Agents' requests to each other by type: latency, in flight, refusals, circuit state (platform/communication). */
  readonly requests: RequestObserver;
  /** ctx.cache's counts per namespace (the agent's id), given to the process's cache. */
  readonly cache: CacheObserver;
  /** Counts a violation and tells every listener of it (onSecurityViolation). */
  securityViolation(kind: SecurityViolationKind, detail?: SecurityViolationDetail): void;
  /**
   * Called with each violation counted, synchronously, inside the refusal: a listener must
   * not throw (one that does is skipped, so the refusal and its count stand) and does its
   * slow work later. Returns the call that stops listening.
   */
  onSecurityViolation(listener: (violation: SecurityViolation) => void): () => void;
  /**
   * Called with each message a consumer group of this process dead-letters, synchronously:
   * like onSecurityViolation's, a listener must not throw and does its slow work later.
   */
  onDeadLetter(listener: (group: string, letter: DeadLetteredMessage) => void): () => void;
  /** A violation counted but not published as `security.violation`, and why. */
  securityViolationNotPublished(why: ViolationNotPublished): void;
  /** Point-in-time bus gauges are read from this at scrape time. */
  watchBus(stats: () => Promise<BusStats>): void;
  /** Each registered agent's status and live instances, read at scrape time. */
  watchRegistry(agents: () => Promise<readonly { id: string; status: AgentStatus; liveInstances: number }[]>): void;
  /**
   * A gauge of the caller's (a door's figures from its domain), read at scrape time. Watching
   * a name again replaces its reader, so a second server in one process keeps one series set.
   */
  watchGauge<Label extends string>(gauge: WatchedGauge<Label>): void;
  /** When the newest good backup finished (Unix seconds), read at scrape time: no series until there is one. */
  watchBackups(lastSuccess: () => Promise<{ kind: string; seconds: number } | undefined>): void;
  metricsText(): Promise<string>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix: 'wow_' });
    // prom-client names these gauges with a `_total` suffix, which Prometheus keeps for
    // counters (`promtool check metrics` says so); the same gauges by type, without the
    // suffix, sum to the same figure.
    for (const name of ['handles', 'requests', 'resources'])
      registry.removeSingleMetric(`wow_nodejs_active_${name}_total`);
  }
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

  const httpRequests = new Counter({
    name: 'wow_http_requests_total',
    help: 'HTTP requests answered, by method, declared route (unmatched: no route) and status code.',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const httpDuration = new Histogram({
    name: 'wow_http_request_duration_seconds',
    help: 'Time from a request to its answer, by method and declared route.',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const securityViolations = new Counter({
    name: 'wow_security_violations_total',
    help: 'Refusals of what the sender may not do: webhook_signature, api_key (unknown or revoked), undeclared_event, capability_missing, message_refused.',
    labelNames: ['kind'],
    registers,
  });
  const messagesRefused = new Counter({
    name: 'wow_bus_messages_refused_total',
    help: 'Deliveries the message guard refused before any handler, by consumer group and reason (signature, expired, replay, …).',
    labelNames: ['group', 'reason'],
    registers,
  });
  const violationsNotPublished = new Counter({
    name: 'wow_security_violations_unpublished_total',
    help:
      'Security violations counted but not published as security.violation events: rate_limited (over ' +
      '5 a second from one agent), loop (about a violation event itself), publish_failed.',
    labelNames: ['reason'],
    registers,
  });
  // Every kind starts at 0, so that an alert on increase() sees the first one too.
  for (const kind of securityViolationKinds) securityViolations.inc({ kind }, 0);
  const violationListeners = new Set<(violation: SecurityViolation) => void>();
  const deadLetterListeners = new Set<(group: string, letter: DeadLetteredMessage) => void>();
  const securityViolation = (kind: SecurityViolationKind, detail: SecurityViolationDetail = {}): void => {
    securityViolations.inc({ kind });
    for (const listener of violationListeners) {
      try {
        listener({ ...detail, kind });
      } catch {
        // Counting is what the refusal owes /metrics; a listener's failure is the listener's to report.
      }
    }
  };

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

  new Gauge({
    name: 'wow_bus_oldest_pending_seconds',
    help: 'How long the oldest entry delivered to a consumer group and not yet acked has waited.',
    labelNames: ['topic', 'group'],
    registers,
    async collect() {
      this.reset();
      for (const t of (await statsOnce())?.topics ?? [])
        for (const g of t.groups)
          if (g.oldestPendingMs !== null) this.set({ topic: t.topic, group: g.group }, g.oldestPendingMs / 1000);
    },
  });

  let readAgents: Parameters<Metrics['watchRegistry']>[0] | undefined;
  let lastAgents: ReturnType<Parameters<Metrics['watchRegistry']>[0]> | undefined;
  // One registry read per scrape serves both gauges; a store that cannot answer leaves them empty.
  const agentsOnce = () => {
    lastAgents ??= (readAgents?.() ?? Promise.resolve([]))
      .catch(() => [])
      .finally(() => {
        setImmediate(() => (lastAgents = undefined));
      });
    return lastAgents;
  };
  const statuses: readonly AgentStatus[] = ['Available', 'Working', 'Offline'];
  new Gauge({
    name: 'wow_agent_status',
    help: "1 for each registered agent's status now (Available, Working, Offline), 0 for the other two.",
    labelNames: ['agent', 'status'],
    registers,
    async collect() {
      this.reset();
      for (const a of await agentsOnce())
        for (const status of statuses) this.set({ agent: a.id, status }, a.status === status ? 1 : 0);
    },
  });
  new Gauge({
    name: 'wow_agent_live_instances',
    help: 'Instances of each registered agent whose heartbeat is fresh, across every process.',
    labelNames: ['agent'],
    registers,
    async collect() {
      this.reset();
      for (const a of await agentsOnce()) this.set({ agent: a.id }, a.liveInstances);
    },
  });

  const watched = new Map<string, WatchedGauge<string>['read']>();

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

  const requestsInFlight = new Gauge({
    name: 'wow_requests_in_flight',
    help: 'Requests this process has sent and awaits the reply of, by request type.',
    labelNames: ['type'],
    registers,
  });
  const requestDuration = new Histogram({
    name: 'wow_request_duration_seconds',
    help: 'Time from sending a request to its reply, by request type and outcome (ok, timeout, failed, invalid).',
    labelNames: ['type', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const requestsRejected = new Counter({
    name: 'wow_requests_rejected_total',
    help: 'Requests refused before sending, by request type and reason (circuit_open, bulkhead_full).',
    labelNames: ['type', 'reason'],
    registers,
  });
  const circuitStates: readonly CircuitState[] = ['closed', 'open', 'half_open'];
  const circuitState = new Gauge({
    name: 'wow_request_circuit_state',
    help: "1 for the state each request type's circuit in this process is in (closed, open, half_open), 0 for the others.",
    labelNames: ['type', 'state'],
    registers,
  });
  const requests: RequestObserver = {
    started: (type) => requestsInFlight.inc({ type }),
    finished: (type, outcome, seconds) => {
      requestsInFlight.dec({ type });
      requestDuration.observe({ type, outcome }, seconds);
    },
    rejected: (type, reason) => requestsRejected.inc({ type, reason }),
    circuit: (type, state) => {
      for (const s of circuitStates) circuitState.set({ type, state: s }, s === state ? 1 : 0);
    },
  };

  const cacheHits = new Counter({
    name: 'wow_cache_hits_total',
    help: 'ctx.cache reads answered without the loader, per namespace (agent) and level (l1: this process, l2: Redis).',
    labelNames: ['namespace', 'level'],
    registers,
  });
  const cacheLoads = new Counter({
    name: 'wow_cache_loads_total',
    help: 'ctx.cache loader calls (misses of every level), per namespace.',
    labelNames: ['namespace'],
    registers,
  });
  const cacheLoadSeconds = new Counter({
    name: 'wow_cache_load_seconds_total',
    help: 'Time ctx.cache loaders took, per namespace: divided by wow_cache_loads_total, the mean loader latency.',
    labelNames: ['namespace'],
    registers,
  });
  const cacheCounts = {
    evictions: new Counter({
      name: 'wow_cache_evictions_total',
      help: 'Entries the in-process level (L1) pushed out to make room, per namespace.',
      labelNames: ['namespace'],
      registers,
    }),
    expired: new Counter({
      name: 'wow_cache_expired_total',
      help: 'Reads whose in-process entry had outlived its TTL, per namespace.',
      labelNames: ['namespace'],
      registers,
    }),
    stampedeWaits: new Counter({
      name: 'wow_cache_stampede_waits_total',
      help: "Reads that waited for another caller's load of the same key (here or in another process) instead of loading, per namespace.",
      labelNames: ['namespace'],
      registers,
    }),
    oversize: new Counter({
      name: 'wow_cache_oversize_total',
      help: 'Loaded values returned uncached because their JSON exceeded CACHE_MAX_VALUE_BYTES, per namespace.',
      labelNames: ['namespace'],
      registers,
    }),
  };
  const cache: CacheObserver = {
    counted: (namespace, name, by) => {
      if (name === 'l1Hits') cacheHits.inc({ namespace, level: 'l1' }, by);
      else if (name === 'l2Hits') cacheHits.inc({ namespace, level: 'l2' }, by);
      else if (name === 'loads') cacheLoads.inc({ namespace }, by);
      else if (name === 'loadSecondsSum') cacheLoadSeconds.inc({ namespace }, by);
      else cacheCounts[name].inc({ namespace }, by);
    },
  };

  const bus: BusObserver = {
    published: (topic) => published.inc({ topic }),
    handled: (group, topic, outcome, seconds) => {
      consumed.inc({ group, topic, outcome });
      duration.observe({ group, topic, outcome }, seconds);
      if (outcome === 'retry' || outcome === 'dead-letter') failed.inc({ group, topic });
    },
    deadLettered: (group, topic, letter) => {
      deadLettered.inc({ group, topic });
      if (letter === undefined) return;
      for (const listener of deadLetterListeners) {
        try {
          listener(group, letter);
        } catch {
          // The count is what /metrics is owed; a listener's failure is its own to report.
        }
      }
    },
    refused: (group, _topic, reason, sender) => {
      messagesRefused.inc({ group, reason });
      securityViolation('message_refused', {
        // Only a signature that verified names its sender; otherwise the source is a claim.
        ...(sender?.signedBy === undefined ? {} : { agent: sender.signedBy }),
        source: group,
        reason,
        sample: sender === undefined ? {} : { type: sender.type, source: sender.source },
      });
    },
  };

  const github: GitHubObserver = {
    requested: ({ method, route, status, seconds }) => {
      githubRequests.inc({ method, route, status });
      githubDuration.observe({ method, route }, seconds);
    },
    rateLimited: (kind, retried) => githubRateLimited.inc({ kind, retried: String(retried) }),
  };

  const http: HttpObserver = {
    requested: ({ method, route, status, seconds }) => {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
  };

  return {
    registry,
    bus,
    github,
    webhooksReceived,
    agentInFlight,
    http,
    requests,
    cache,
    securityViolation,
    onDeadLetter: (listener) => {
      deadLetterListeners.add(listener);
      return () => deadLetterListeners.delete(listener);
    },
    onSecurityViolation: (listener) => {
      violationListeners.add(listener);
      return () => violationListeners.delete(listener);
    },
    securityViolationNotPublished: (why) => violationsNotPublished.inc({ reason: why }),
    watchBus: (stats) => {
      readStats = stats;
    },
    watchRegistry: (agents) => {
      readAgents = agents;
    },
    watchGauge: (gauge) => {
      const known = watched.has(gauge.name);
      watched.set(gauge.name, gauge.read);
      if (known) return;
      new Gauge<string>({
        name: gauge.name,
        help: gauge.help,
        labelNames: gauge.labelNames,
        registers,
        async collect() {
          this.reset();
          // As for backups: a reader that fails leaves its gauge empty, not the scrape failed.
          const series = await (watched.get(gauge.name)?.() ?? Promise.resolve([])).catch(() => []);
          for (const { labels, value } of series) this.set(labels, value);
        },
      });
    },
    watchBackups: (lastSuccess) => {
      readLastBackup = lastSuccess;
    },
    metricsText: () => registry.metrics(),
  };
}
