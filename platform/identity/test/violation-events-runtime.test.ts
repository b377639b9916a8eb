import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLogger,
  loadConfig,
  openRuntime,
  securityViolationSource,
  type CloudEvent,
  type Runtime,
  type SecurityViolationData,
} from '#platform';
import { eventuallyPasses } from '#platform/testing';
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';

// The runtime `wow start` and `wow agents run` open: what its metrics count reaches the bus
// as `security.violation`, signed as the platform and accepted by the guard on delivery.
describe('security.violation from an open runtime, its bus signing and verifying', () => {
  const keyPrefix = `${uniqueName('violation-runtime')}:`;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataDir: string;
  let runtime: Runtime;
  const received: CloudEvent<SecurityViolationData>[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('violation_runtime');
    dataDir = await mkdtemp(join(tmpdir(), 'wow-violation-runtime-'));
    const config = loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl,
      BUS_KEY_PREFIX: keyPrefix,
      BUS_SIGNING: 'on',
      DATA_DIR: dataDir,
      IDENTITY_MASTER_KEY: Buffer.alloc(32, 6).toString('base64'),
      LOG_LEVEL: 'silent',
    });
    runtime = await openRuntime(config, createLogger('silent'));
    await runtime.bus.subscribe({
      group: 'watcher',
      types: ['security.violation'],
      handler: async (event) => {
        received.push(event as CloudEvent<SecurityViolationData>);
      },
    });
  }, 60_000);

  afterAll(async () => {
    await runtime.close();
    await database.drop();
    await deleteRedisKeys(keyPrefix);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('publishes each violation the runtime counts, signed as the platform and accepted on delivery', async () => {
    runtime.metrics.securityViolation('capability_missing', {
      agent: 'echo',
      source: 'agent context',
      reason: 'echo used the model without llm:complete',
      sample: { capability: 'llm:complete' },
    });
    await eventuallyPasses(async () => expect(received).toHaveLength(1), 10_000);
    expect(received[0]).toMatchObject({
      source: securityViolationSource,
      type: 'security.violation',
      subject: 'echo',
      data: { kind: 'capability_missing', agent: 'echo', reason: 'echo used the model without llm:complete' },
    });
    expect(received[0]?.signature).toBeDefined();
    // Delivered because the guard verified it: the platform may send the type.
    expect(await runtime.metrics.metricsText()).toContain('wow_security_violations_total{kind="message_refused"} 0');
  });
});
