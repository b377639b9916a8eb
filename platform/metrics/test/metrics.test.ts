import { afterEach, describe, expect, it } from 'vitest';
import type { Bus } from '../../bus/bus.ts';
import { createBus } from '../../bus/create-bus.ts';
import { createEvent } from '../../bus/envelope.ts';
import { eventually, quietLog, testBusDefaults } from '../../testing/index.ts';
import { createMetrics } from '../metrics.ts';

const buses: Bus[] = [];
afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
});

describe('metrics', () => {
  it('leaves out the gauges prom-client names with a counter\'s "_total" suffix, keeping their figures by type', async () => {
    const text = await createMetrics().metricsText();
    expect(text).not.toMatch(/^# TYPE \S+_total gauge$/m);
    expect(text).toContain('# TYPE wow_nodejs_active_handles gauge');
    expect(text).toContain('# TYPE wow_process_cpu_seconds_total counter');
  });

  it('shows how long the oldest unacked entry of each group has waited', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const bus = await createBus({ streamMaxLen: 100, defaults: testBusDefaults, log: quietLog });
    buses.push(bus);
    metrics.watchBus(() => bus.stats());
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await bus.subscribe({ group: 'slow', types: ['test.metrics.held'], handler: () => held });
    await bus.publish(createEvent({ type: 'test.metrics.held', data: {}, source: 'urn:wow:test' }));
    const waited = async () =>
      Number(
        /^wow_bus_oldest_pending_seconds\{topic="test.metrics",group="slow"\} ([\d.e-]+)$/m.exec(
          await metrics.metricsText(),
        )?.[1],
      );
    await eventually(async () => (await waited()) > 0, 'the held entry shows as waiting');
    release();
  });

  it("sets every agent's three statuses, 1 for the one it has, and its live instances", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.watchRegistry(async () => [
      { id: 'wowvision', status: 'Working', liveInstances: 2 },
      { id: 'factory', status: 'Offline', liveInstances: 0 },
    ]);
    const text = await metrics.metricsText();
    expect(text).toContain('wow_agent_status{agent="wowvision",status="Working"} 1');
    expect(text).toContain('wow_agent_status{agent="wowvision",status="Offline"} 0');
    expect(text).toContain('wow_agent_status{agent="factory",status="Offline"} 1');
    expect(text).toContain('wow_agent_live_instances{agent="factory"} 0');
  });

  it('reads a watched gauge at each scrape; watching its name again replaces the reader, and a failing one leaves it empty', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const gauge = { name: 'wow_test_things', help: 'Things.', labelNames: ['kind'] as const };
    metrics.watchGauge({ ...gauge, read: async () => [{ labels: { kind: 'a' }, value: 1 }] });
    expect(await metrics.metricsText()).toContain('wow_test_things{kind="a"} 1');
    metrics.watchGauge({ ...gauge, read: async () => [{ labels: { kind: 'b' }, value: 2 }] });
    const replaced = await metrics.metricsText();
    expect(replaced).toContain('wow_test_things{kind="b"} 2');
    expect(replaced).not.toContain('kind="a"');
    metrics.watchGauge<'kind'>({ ...gauge, read: () => Promise.reject(new Error('database down')) });
    const failed = await metrics.metricsText();
    expect(failed).toContain('# TYPE wow_test_things gauge');
    expect(failed).not.toContain('wow_test_things{');
  });
});
