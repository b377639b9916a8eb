import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAgentHost,
  createBus,
  createEvent,
  createMetrics,
  loadConfig,
  type AgentHost,
  type Bus,
  type CloudEvent,
} from '#platform';
import { eventuallyPasses, quietLog, testBusDefaults } from '#platform/testing';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import type { ProtocolMap } from '../src/index.ts';

const agentsDir = fileURLToPath(new URL('../..', import.meta.url));

// WowCommunication on the real PostgreSQL with the Redis bus, and on PGlite with the in-process bus.
describe.each(storeBackends('wowcommunication', { poolMax: 4 }))('circuits recorded on $name', (backend) => {
  const keyPrefix = `${uniqueName('wowcomm')}:`;
  let db: TestStore;
  let bus: Bus;
  let host: AgentHost;
  const change = (data: Record<string, unknown>): CloudEvent =>
    createEvent({ type: 'communication.circuit.changed', data, source: `urn:wow:runtime:${host.instanceId}` });
  const map = () =>
    bus.request<ProtocolMap>(createEvent({ type: 'communication.protocols.map', data: {}, source: 'urn:wow:test' }), {
      timeoutMs: 10_000,
    });

  beforeAll(async () => {
    db = await backend.open();
    bus = await createBus({
      ...(backend.name === 'PostgreSQL' ? { redisUrl: testRedisUrl, keyPrefix } : {}),
      streamMaxLen: 10_000,
      defaults: { ...testBusDefaults, maxAttempts: 1 },
      log: quietLog,
    });
    host = await createAgentHost({
      config: loadConfig({}),
      bus,
      store: db.store,
      log: quietLog,
      metrics: createMetrics({ defaultMetrics: false }),
      agentsDir,
      ids: ['wowcommunication'],
    });
    await host.start();
  });
  afterAll(async () => {
    await host.stop({ timeoutMs: 2000 });
    await bus.close();
    await db.close();
    await deleteRedisKeys(keyPrefix);
  });

  it("keeps each live runtime's last word on a circuit, an older change never over a newer one, and names an open one as a finding", async () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
    const type = 'communication.protocols.map';
    await bus.publish(
      change({ type, state: 'open', reason: 'WOW_ERR_REQUEST_TIMEOUT', instance: host.instanceId, at: at(10) }),
    );
    await bus.publish(change({ type, state: 'closed', instance: host.instanceId, at: at(5) }));
    // A runtime the registry does not know as running: not on the map.
    await bus.publish(change({ type, state: 'open', instance: 'gone:1:abc', at: at(11) }));
    await eventuallyPasses(async () => {
      const { protocols, findings } = await map();
      expect(protocols.find((p) => p.type === type)?.circuits).toEqual([
        { instance: host.instanceId, state: 'open', since: at(10), reason: 'WOW_ERR_REQUEST_TIMEOUT', openings: 1 },
      ]);
      expect(findings).toContainEqual({
        type,
        problem: 'circuit_open',
        message: `requests to ${type} fail fast in runtime ${host.instanceId}: its circuit is open since ${at(10)} (WOW_ERR_REQUEST_TIMEOUT)`,
      });
    });
    await bus.publish(change({ type, state: 'closed', instance: host.instanceId, at: at(20) }));
    await eventuallyPasses(async () => {
      const { protocols, findings } = await map();
      expect(protocols.find((p) => p.type === type)?.circuits).toEqual([
        { instance: host.instanceId, state: 'closed', since: at(20), reason: null, openings: 1 },
      ]);
      expect(findings.filter((f) => f.problem === 'circuit_open')).toEqual([]);
    });
  });

  it('dead-letters a change that is not one, keeping nothing of it', async () => {
    await bus.publish(change({ type: 'Not A Type', state: 'melted', instance: host.instanceId, at: 'yesterday' }));
    await eventuallyPasses(async () => {
      const dead = await bus.deadLetters.list({ group: 'wowcommunication' });
      expect(dead.map((d) => d.error.code)).toContain('WOW_ERR_EVENT_INVALID');
    });
    const { rows } = await db.store.query<{ n: number }>(
      "select count(*)::int as n from communication_circuits where type = 'Not A Type'",
    );
    expect(rows[0]?.n).toBe(0);
  });
});
