import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricsIn, scrapePlatformMetrics, type PlatformMetrics } from '../../test/platform-metrics.ts';

// Grafana is not run here: its provisioning is checked against the Compose stack it is
// mounted into, and every panel's PromQL is parsed and read for the metrics it names,
// each of which the platform must export (or infra/prometheus record).
const dir = new URL('../', import.meta.url).pathname;
const infra = join(dir, '..');

interface Target {
  expr: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  title: string;
  type: string;
  datasource: { type: string; uid: string };
  targets: Target[];
}
interface Variable {
  name: string;
  type: string;
  query: { query: string };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

const dashboards = readdirSync(join(dir, 'dashboards'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, ...(JSON.parse(readFileSync(join(dir, 'dashboards', f), 'utf8')) as Dashboard) }));
const dashboard = (uid: string) => {
  const found = dashboards.find((d) => d.uid === uid);
  if (found === undefined) throw new Error(`no dashboard ${uid}`);
  return found;
};
const datasources = parse(readFileSync(join(dir, 'provisioning/datasources/prometheus.yml'), 'utf8')) as {
  datasources: { uid: string; type: string; url: string }[];
};
const providers = parse(readFileSync(join(dir, 'provisioning/dashboards/waooaw.yml'), 'utf8')) as {
  providers: { options: { path: string } }[];
};
const compose = parse(readFileSync(join(infra, 'compose/compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { volumes?: string[] }>;
};
const recorded = new Set(
  (
    parse(readFileSync(join(infra, 'prometheus/rules/recording.yml'), 'utf8')) as {
      groups: { rules: { record: string }[] }[];
    }
  ).groups
    .flatMap((g) => g.rules)
    .map((r) => r.record),
);
/** Every query of a dashboard: its panels' and its variables' (`label_values(metric, label)`). */
const queries = (d: Dashboard) => [
  ...d.panels.flatMap((p) => p.targets.map((t) => ({ where: `${d.title} / ${p.title}`, expr: t.expr }))),
  ...d.templating.list.map((v) => ({
    where: `${d.title} / $${v.name}`,
    expr: /^label_values\((\w+),\s*\w+\)$/.exec(v.query.query)?.[1] ?? v.query.query,
  })),
];

describe('Grafana (infra/grafana)', () => {
  it("provisions the Compose stack's Prometheus, and the dashboards from where Compose mounts them", () => {
    const [prometheus, ...others] = datasources.datasources;
    expect(others).toEqual([]);
    expect(prometheus).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    expect(compose.services.prometheus).toBeDefined();
    const mounts = compose.services.grafana?.volumes ?? [];
    expect(mounts).toContain(`../grafana/dashboards:${providers.providers[0]?.options.path ?? ''}:ro`);
    expect(mounts).toContain('../grafana/provisioning:/etc/grafana/provisioning:ro');
    for (const d of dashboards)
      for (const p of d.panels) {
        expect(p.datasource.uid, `${d.title} / ${p.title}`).toBe(prometheus?.uid);
        for (const t of p.targets) expect(t.datasource.uid).toBe(prometheus?.uid);
      }
  });

  it('has the overview, the bus, each agent (chosen by a variable) and the support desk, each once', () => {
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    expect(dashboards.map((d) => d.uid).sort()).toEqual(['wow-agent', 'wow-bus', 'wow-overview', 'wow-support']);
    expect(dashboard('wow-agent').templating.list.map((v) => v.name)).toEqual(['agent']);
    for (const p of dashboard('wow-agent').panels)
      for (const t of p.targets) expect(t.expr, p.title).toMatch(/\$agent\b/);
    expect(dashboard('wow-bus').templating.list.map((v) => v.name)).toEqual(['topic', 'group']);
  });

  it('gives every panel a title and at least one query', () => {
    for (const d of dashboards)
      for (const p of d.panels) {
        expect(p.title, d.file).toBeTruthy();
        expect(p.targets.length, `${d.title} / ${p.title}`).toBeGreaterThan(0);
      }
  });

  describe("against the platform's real /metrics", () => {
    let platform: PlatformMetrics;
    beforeAll(async () => {
      platform = await scrapePlatformMetrics();
    });

    it('parses every query, and each names only metrics the platform exports or Prometheus records', () => {
      let named = 0;
      for (const d of dashboards)
        for (const { where, expr } of queries(d)) {
          const { names, parsed } = metricsIn(expr);
          expect(parsed, `${where}: ${expr}`).toBe(true);
          expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
          for (const name of names) {
            named++;
            expect(platform.names.has(name) || recorded.has(name), `${where}: ${name}`).toBe(true);
          }
        }
      expect(named).toBeGreaterThan(40);
    });
  });
});
