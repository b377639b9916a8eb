import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricsIn, scrapePlatformMetrics, type PlatformMetrics } from '../../test/platform-metrics.ts';

// Debian's promtool on the scrape config, the rules, their unit tests and the platform's
// real /metrics; then what promtool cannot know: that each alert is tested both ways,
// has a runbook, and reads only metrics the platform exports.
const run = promisify(execFile);
const dir = new URL('../', import.meta.url).pathname;
const root = join(dir, '../..');
const ruleFiles = readdirSync(join(dir, 'rules')).map((f) => join(dir, 'rules', f));
const unitTests = readdirSync(join(dir, 'test'))
  .filter((f) => f.endsWith('.promtool.yml'))
  .map((f) => join(dir, 'test', f));

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules = ruleFiles
  .flatMap((f) => (parse(readFileSync(f, 'utf8')) as { groups: { rules: Rule[] }[] }).groups)
  .flatMap((g) => g.rules);
const alerts = rules.filter((r) => r.alert !== undefined);
const recorded = new Set(rules.flatMap((r) => (r.record === undefined ? [] : [r.record])));

async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT')
      throw new Error(
        'promtool is not installed: run .ci/services.sh (it installs nginx, promtool and openssl when missing)',
        { cause: err },
      );
    return { code: Number(e.code), output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('Prometheus (infra/prometheus)', () => {
  it('has a scrape config promtool accepts, with its rules', async () => {
    const { code, output } = await promtool('check', 'config', 'prometheus.yml');
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });

  it('has rules promtool accepts', async () => {
    const { code, output } = await promtool('check', 'rules', ...ruleFiles);
    expect(output).not.toContain('FAILED');
    expect(code).toBe(0);
  });

  it("passes its rules' unit tests", async () => {
    const { code, output } = await promtool('test', 'rules', ...unitTests);
    expect(output).not.toContain('FAILED');
    expect(code).toBe(0);
  });

  it('tests every alert firing and not firing', () => {
    const cases = unitTests
      .flatMap(
        (f) =>
          (
            parse(readFileSync(f, 'utf8')) as {
              tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
            }
          ).tests,
      )
      .flatMap((t) => t.alert_rule_test ?? []);
    for (const { alert } of alerts) {
      const own = cases.filter((c) => c.alertname === alert);
      expect(
        own.some((c) => c.exp_alerts.length > 0),
        `${alert} firing`,
      ).toBe(true);
      expect(
        own.some((c) => c.exp_alerts.length === 0),
        `${alert} not firing`,
      ).toBe(true);
    }
  });

  it('gives every alert a severity, a summary, a description and a runbook that exists', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(8);
    for (const a of alerts) {
      expect(a.labels?.severity, a.alert).toMatch(/^(warning|critical)$/);
      expect(a.annotations?.summary, a.alert).toBeTruthy();
      expect(a.annotations?.description, a.alert).toBeTruthy();
      expect(a.annotations?.runbook_url, a.alert).toBe(
        `https://github.com/waooaw/waooaw/blob/main/docs/runbooks/${a.alert}.md`,
      );
      const runbook = join(root, 'docs/runbooks', `${a.alert}.md`);
      expect(existsSync(runbook), runbook).toBe(true);
      expect(readFileSync(runbook, 'utf8')).toMatch(new RegExp(`^# ${a.alert}\\b`));
    }
  });

  describe("against the platform's real /metrics", () => {
    let platform: PlatformMetrics;
    beforeAll(async () => {
      platform = await scrapePlatformMetrics();
    });

    it('finds no naming problems (promtool check metrics)', async () => {
      const child = execFile('promtool', ['check', 'metrics']);
      let output = '';
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      child.stdin?.end(platform.text);
      const code = await new Promise<number | null>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', resolve);
      });
      expect(output).toBe('');
      expect(code).toBe(0);
      expect(platform.text).toContain('wow_bus_handler_duration_seconds_bucket{');
    });

    it('reads only metrics the platform exports or the recording rules define', () => {
      const read = new Set<string>();
      for (const rule of rules) {
        const { names, parsed } = metricsIn(rule.expr);
        expect(parsed, rule.expr).toBe(true);
        for (const name of names) {
          read.add(name);
          expect(platform.names.has(name) || recorded.has(name) || name === 'up', `${name} in ${rule.expr}`).toBe(true);
        }
      }
      for (const name of ['wow_bus_handler_duration_seconds_bucket', 'wow:agent_status:max', 'wow_incidents_open'])
        expect(read).toContain(name);
      expect(metricsIn('rate(wow_no_such_metric_total[5m])').names).toEqual(['wow_no_such_metric_total']);
      expect(platform.names.has('wow_no_such_metric_total')).toBe(false);
    });
  });
});
