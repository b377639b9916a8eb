import { afterAll, describe, expect, it } from 'vitest';
import { createBus } from '../create-bus.ts';
import { createEvent, type CloudEvent } from '../envelope.ts';
import { reportDeadLetters, sampleLine } from '../report-dead-letters.ts';
import { loadConfig } from '../../config/load-config.ts';
import { createMetrics } from '../../metrics/metrics.ts';
import { openEventSchemaCheck } from '../../open-event-schema-check.ts';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { eventually, quietLog, testBusDefaults } from '../../testing/index.ts';

const keyPrefix = `${uniqueName('deadletters')}:`;
afterAll(() => deleteRedisKeys(keyPrefix));

describe('error.occurred from dead letters', () => {
  it('publishes one model-valid error.occurred per dead letter, with agent, type, code and a bounded sample, and never for itself', async () => {
    const metrics = createMetrics();
    const bus = await createBus({
      redisUrl: testRedisUrl,
      keyPrefix,
      streamMaxLen: 10_000,
      defaults: { ...testBusDefaults, maxAttempts: 1 },
      log: quietLog,
      observer: metrics.bus,
      claimIntervalMs: 50,
      schemaCheck: await openEventSchemaCheck(loadConfig({ EVENT_SCHEMA_CHECK: 'strict' }), quietLog),
    });
    const stop = reportDeadLetters({ metrics, bus, log: quietLog });
    try {
      const errors: CloudEvent[] = [];
      await bus.subscribe({
        group: 'wowsupport',
        types: ['error.occurred'],
        handler: async (e) => {
          errors.push(e);
          // A failing error.occurred is dead-lettered too, but never reported again.
          throw new Error('support is down');
        },
      });
      await bus.subscribe({
        group: 'mailer-agent',
        types: ['test.mail.*'],
        handler: async () => {
          throw new Error('smtp refused: password=hunter2 for https://user:pw@mail.example');
        },
      });
      await bus.publish(
        createEvent({ type: 'test.mail.send', subject: 'order-1', data: { to: 'x@y.z' }, source: 'urn:wow:test' }),
      );
      await eventually(() => errors.length === 1, 'the error.occurred');
      await new Promise((r) => setTimeout(r, 300));
      expect(errors).toHaveLength(1);
      const data = errors[0]?.data as Record<string, unknown>;
      expect(errors[0]?.source).toBe('urn:wow:platform');
      expect(data).toMatchObject({
        kind: 'dead_letter',
        agent: 'mailer-agent',
        eventType: 'test.mail.send',
        attempts: 1,
      });
      const sample = data.sample as Record<string, string>;
      expect(sample.subject).toBe('order-1');
      expect(sample.message).not.toContain('hunter2');
      expect(sample.message).not.toContain('user:pw');
      expect(JSON.stringify(data)).not.toContain('x@y.z');
    } finally {
      stop();
      await bus.close();
    }
  });

  it('cuts a sample line short and hides control characters', () => {
    expect(sampleLine('a\u202eb' + 'c'.repeat(300), 20)).toHaveLength(20);
    expect(sampleLine('a\u202eb', 20)).toBe('a\uFFFDb');
    expect(sampleLine('Authorization: Bearer abc.def', 80)).toBe('Authorization: Bearer ***');
  });
});
