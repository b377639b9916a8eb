import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus } from '../../bus/create-bus.ts';
import { createEvent } from '../../bus/envelope.ts';
import { loadConfig } from '../../config/load-config.ts';
import { createMetrics } from '../../metrics/metrics.ts';
import { quietLog, testBusDefaults } from '../../testing/index.ts';
import { createAgentHost } from '../../agent/create-agent-host.ts';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { startOtlpCollector, type OtlpCollector } from '../../../test/doubles/otlp-collector.ts';
import { noTracing, openTracing } from '../tracing.ts';
import { makeRequestCheckout } from './request-checkout.ts';

let checkout: string;
let collector: OtlpCollector;
beforeAll(async () => {
  checkout = await makeRequestCheckout();
  collector = await startOtlpCollector();
});
afterAll(async () => {
  await collector.close();
  await rm(checkout, { recursive: true, force: true });
});

const [consumer, producer, client] = [5, 4, 3];

describe('tracing without an endpoint', () => {
  it('records nothing and loads no SDK: the envelope derives its own trace context, as before', async () => {
    expect(loadConfig({}).otel).toBeUndefined();
    expect(await openTracing(undefined)).toBe(noTracing);
    const seen = await noTracing.send('emit', 'a.b.c', undefined, (traceparent) => Promise.resolve(traceparent));
    expect(seen).toBeUndefined();
  });
});

describe.each(storeBackends('tracing', { poolMax: 4 }))('spans of a request chain on $name', (backend) => {
  it('exports one trace over OTLP/HTTP: each run a consumer span under its message, each request and emit its client or producer span', async () => {
    const onRedis = backend.name === 'PostgreSQL';
    const keyPrefix = `${uniqueName('tracing')}:`;
    const db = await backend.open();
    const bus = await createBus({
      ...(onRedis ? { redisUrl: testRedisUrl, keyPrefix } : {}),
      streamMaxLen: 10_000,
      defaults: testBusDefaults,
      log: quietLog,
    });
    const config = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_SERVICE_NAME: 'wow-test' });
    const tracing = await openTracing(config.otel);
    const host = await createAgentHost({
      config,
      bus,
      store: db.store,
      log: quietLog,
      metrics: createMetrics({ defaultMetrics: false }),
      agentsDir: join(checkout, 'agents'),
      ids: ['asker', 'answerer'],
      tracing,
    });
    try {
      await host.start();
      const asked = createEvent({ type: 'test.ask.go', data: { word: 'ab' }, source: 'urn:wow:test' });
      expect(await bus.request(asked, { timeoutMs: 10_000 })).toEqual({ reply: 'AB' });
      await host.stop({ timeoutMs: 2000 });
      await tracing.shutdown(); // Exports what the batch holds.
      const [, traceId, parentId] = asked.traceparent.split('-');
      const trace = collector.spans.filter((s) => s.traceId === traceId);
      const span = (name: string) => {
        const found = trace.filter((s) => s.name === name);
        expect(found, name).toHaveLength(1);
        return found[0] as (typeof found)[number];
      };
      const ask = span('process test.ask.go');
      const request = span('request test.echo.asked');
      const answer = span('process test.echo.asked');
      const noted = span('send test.echo.noted');
      expect(ask).toMatchObject({ kind: consumer, parentSpanId: parentId, service: 'wow-test' });
      expect(ask.attributes).toMatchObject({
        'messaging.consumer.group.name': 'asker',
        'messaging.message.id': asked.id,
      });
      expect(request).toMatchObject({ kind: client, parentSpanId: ask.spanId });
      expect(answer).toMatchObject({ kind: consumer, parentSpanId: request.spanId });
      expect(noted).toMatchObject({ kind: producer, parentSpanId: answer.spanId });
    } finally {
      await host.stop({ timeoutMs: 2000 });
      await bus.close();
      await db.close();
      if (onRedis) await deleteRedisKeys(keyPrefix);
    }
  });
});
