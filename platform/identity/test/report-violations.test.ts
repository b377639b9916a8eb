import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBus,
  createMetrics,
  reportViolations,
  securityViolationSource,
  type Bus,
  type CloudEvent,
  type SecurityViolationData,
} from '#platform';
import { eventuallyPasses, quietLog, testBusDefaults } from '#platform/testing';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';

const unpublished = async (metrics: ReturnType<typeof createMetrics>, reason: string): Promise<number> => {
  const metric = await metrics.registry.getSingleMetric('wow_security_violations_unpublished_total')?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
};

describe('security.violation events on Redis', () => {
  const prefix = `${uniqueName('violations')}:`;
  let bus: Bus;
  const received: CloudEvent<SecurityViolationData>[] = [];

  beforeAll(async () => {
    bus = await createBus({
      redisUrl: testRedisUrl,
      keyPrefix: prefix,
      streamMaxLen: 10_000,
      defaults: testBusDefaults,
      log: quietLog,
    });
    await bus.subscribe({
      group: 'watcher',
      types: ['security.violation'],
      handler: async (event) => {
        received.push(event as CloudEvent<SecurityViolationData>);
      },
    });
  });

  afterAll(async () => {
    await bus.close();
    await deleteRedisKeys(prefix);
  });

  it('publishes each violation counted, at most 5 a second per agent, and counts the rest in /metrics', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const now = new Date('2026-12-05T10:00:00.100Z');
    const stop = reportViolations({ metrics, bus, log: quietLog, clock: () => now });
    for (let i = 0; i < 12; i += 1)
      metrics.securityViolation('undeclared_event', {
        agent: 'noisy',
        source: 'agent context',
        reason: `noisy does not declare x.y.z${i} in emits`,
        sample: { type: `x.y.z${i}` },
      });
    metrics.securityViolation('capability_missing', { agent: 'quiet', source: 'agent context' });
    stop();
    metrics.securityViolation('capability_missing', { agent: 'after-stop' });

    await eventuallyPasses(async () => expect(received).toHaveLength(6), 5_000);
    expect(received.filter((e) => e.data.agent === 'noisy')).toHaveLength(5);
    expect(received.map((e) => e.data.agent)).not.toContain('after-stop');
    expect(received[0]).toMatchObject({
      source: securityViolationSource,
      type: 'security.violation',
      subject: 'noisy',
      data: { kind: 'undeclared_event', agent: 'noisy', source: 'agent context', sample: { type: 'x.y.z0' } },
    });
    expect(await unpublished(metrics, 'rate_limited')).toBe(7);
    const text = await metrics.metricsText();
    expect(text).toContain('wow_security_violations_total{kind="undeclared_event"} 12');
    expect(text).toContain('wow_security_violations_unpublished_total{reason="rate_limited"} 7');
  });

  it('never publishes a violation about a security.violation event, nor one raised while publishing', async () => {
    received.length = 0;
    const metrics = createMetrics({ defaultMetrics: false });
    // A bus that itself refuses something while publishing, as a guard could.
    const refusing: Pick<Bus, 'publish'> = {
      publish: (event) => {
        metrics.securityViolation('message_refused', { agent: 'echo', sample: { type: 'other.thing.done' } });
        return bus.publish(event);
      },
    };
    const stop = reportViolations({ metrics, bus: refusing, log: quietLog });
    // A forged security.violation the guard refused: reporting it would feed itself.
    metrics.bus.refused('wowsecurity', 'security', 'unsigned', {
      type: 'security.violation',
      source: 'urn:wow:security',
    });
    metrics.securityViolation('undeclared_event', { agent: 'echo', sample: { type: 'security.violation' } });
    metrics.securityViolation('capability_missing', { agent: 'echo', source: 'agent context' });
    stop();

    await eventuallyPasses(async () => expect(received).toHaveLength(1), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toHaveLength(1);
    expect(received[0]?.data).toMatchObject({ kind: 'capability_missing', agent: 'echo' });
    expect(await unpublished(metrics, 'loop')).toBe(3);
  });

  it('names an agent only when the refusal proves it its own doing, and bounds what a stranger wrote', async () => {
    received.length = 0;
    const metrics = createMetrics({ defaultMetrics: false });
    const stop = reportViolations({ metrics, bus, log: quietLog });
    // An unsigned envelope claiming to be WowVision's: its source is a claim, not a sender.
    metrics.bus.refused('wowsupport', 'support', 'unsigned', {
      type: 'support.ticket.opened',
      source: `urn:wow:agent:wowvision\u202e${'x'.repeat(500)}`,
    });
    // A verified signature sending what its credential does not declare.
    metrics.bus.refused('wowsupport', 'support', 'undeclared', {
      type: 'support.ticket.opened',
      source: 'urn:wow:agent:echo',
      signedBy: 'echo',
    });
    metrics.securityViolation('webhook_signature', {
      source: 'webhook door',
      reason: `bad\u0000${'r'.repeat(1000)}`,
      sample: { 'Bad-Key': 'dropped', one: '1', two: '2', three: '3', four: '4', five: '5' },
    });
    stop();

    await eventuallyPasses(async () => expect(received).toHaveLength(3), 5_000);
    const byKind = (kind: string, agent?: string) =>
      received.find((e) => e.data.kind === kind && e.data.agent === agent)?.data;
    const unsigned = byKind('message_refused');
    expect(unsigned?.agent).toBeUndefined();
    expect(unsigned?.reason).toBe('unsigned');
    expect(unsigned?.sample.source).toHaveLength(120);
    expect(unsigned?.sample.source).not.toMatch(/\u202e/);
    expect(byKind('message_refused', 'echo')).toMatchObject({ source: 'wowsupport', reason: 'undeclared' });
    const door = byKind('webhook_signature');
    expect(door?.reason).toHaveLength(300);
    expect(door?.reason).not.toContain('\u0000');
    expect(Object.keys(door?.sample ?? {})).toEqual(['one', 'two', 'three']);
  });

  it('counts a violation it could not publish, and the refusal still stands', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const broken: Pick<Bus, 'publish'> = { publish: () => Promise.reject(new Error('Redis is gone')) };
    const stop = reportViolations({ metrics, bus: broken, log: quietLog });
    expect(() => metrics.securityViolation('api_key', { source: 'ticket api' })).not.toThrow();
    stop();
    await eventuallyPasses(async () => expect(await unpublished(metrics, 'publish_failed')).toBe(1), 2_000);
  });
});
