import { pino } from 'pino';
import { parser } from '@prometheus-io/lezer-promql';
import { createServer } from '../../app/server/create-server.ts';
import { createAgentHost, createEvent, loadConfig, openRuntime } from '#platform';
import { githubAppEnv } from '../../test/support/github-app.ts';
import { signingAs, testMasterKey } from '../../test/support/sign-as.ts';
import { createTestDatabase } from '../../test/support/servers.ts';
import { watchScalingMetrics } from '../../agents/wowscaling/src/watch-scaling-metrics.ts';

const fixtureAgents = new URL('../../test/fixtures/agents', import.meta.url).pathname;

export interface PlatformMetrics {
  /** `/metrics` as the server answered it. */
  text: string;
  /** Every series name it can carry: counters and gauges by name, histograms' _bucket, _sum and _count. */
  names: Set<string>;
}

/**
 * What the platform really exports: a runtime opened as `wow start` opens it (its own
 * PostgreSQL database, the in-process bus), an agent handling a request, the server
 * answering a few requests, then `/metrics` read through the server. Names come from the
 * `# TYPE` lines, so a metric with no series yet is still known.
 */
export async function scrapePlatformMetrics(): Promise<PlatformMetrics> {
  const database = await createTestDatabase('metrics');
  const log = pino({ level: 'silent' });
  const config = loadConfig({
    DATABASE_URL: database.url,
    BACKUP_INTERVAL_SECONDS: '0',
    IDENTITY_MASTER_KEY: testMasterKey,
    ...githubAppEnv('metrics-secret'),
  });
  const runtime = await openRuntime(config, log);
  try {
    const { bus, store, metrics } = runtime;
    const host = await createAgentHost({
      config,
      bus,
      store,
      log,
      metrics,
      agentsDir: fixtureAgents,
      ids: ['echo'],
      identity: runtime.identity,
      signed: runtime.signed,
    });
    await host.start();
    runtime.relay.start();
    // What a process hosting WowScaling adds in its setup: its recommendations' gauges (no
    // series here, with no table to read, but declared, as the alert rules read them).
    watchScalingMetrics(store, metrics);
    // Messages are signed on PostgreSQL: the request goes as Asker, which may send it.
    const asker = await signingAs('asker', { databaseUrl: database.url });
    await asker.close();
    const server = await createServer({ config, bus, store, log, metrics });
    try {
      await bus.request(createEvent({ type: 'test.echo.request', data: {}, source: asker.source }), {
        timeoutMs: 10_000,
      });
      await server.inject({ method: 'GET', url: '/support' });
      await server.inject({ method: 'POST', url: '/api/github/webhooks', payload: {} });
      const text = (await server.inject({ method: 'GET', url: '/metrics' })).body;
      return { text, names: seriesNames(text) };
    } finally {
      await server.close();
      await host.stop({ timeoutMs: 5000 });
    }
  } finally {
    await runtime.close();
    await database.drop();
  }
}

function seriesNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name = '', type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}

/**
 * The metric names a PromQL expression reads (selectors by name and by `__name__`), and
 * whether it parsed. Grafana's variables are given values first: `$__rate_interval` and
 * its kin a duration, any other `$var` a label value.
 */
export function metricsIn(expr: string): { names: string[]; parsed: boolean } {
  const query = expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m').replace(/\$\{?\w+\}?/g, 'x');
  const names: string[] = [];
  let parsed = true;
  parser.parse(query).iterate({
    enter: (node) => {
      if (node.type.isError) parsed = false;
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        names.push(query.slice(node.from, node.to));
      if (node.name === 'UnquotedLabelMatcher' && /^__name__\s*=/.test(query.slice(node.from, node.to)))
        names.push(
          query
            .slice(node.from, node.to)
            .replace(/^__name__\s*=\s*/, '')
            .replace(/^"|"$/g, ''),
        );
    },
  });
  return { names, parsed };
}
