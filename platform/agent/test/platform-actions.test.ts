import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../bus/bus.ts';
import { createBus } from '../../bus/create-bus.ts';
import { createEvent, type CloudEvent } from '../../bus/envelope.ts';
import { loadConfig } from '../../config/load-config.ts';
import { activateVersion, activeVersionOf, recordDraft } from '../../deploy/version-registry.ts';
import { isWowError } from '../../errors/define-errors.ts';
import { createIdentity, type Identity } from '../../identity/create-identity.ts';
import { grantFor } from '../../identity/credentials/capability-grant.ts';
import { createMemoryReplayCache } from '../../identity/messages/replay-cache.ts';
import type { MessageGuard } from '../../bus/bus.ts';
import { createMetrics, type SecurityViolation } from '../../metrics/metrics.ts';
import { registerAgent } from '../../registry/registry.ts';
import { eventually, quietLog, testBusDefaults } from '../../testing/index.ts';
import { grantPlatformActions, type PlatformActions } from '../grant-platform-actions.ts';
import { loadManifests } from '../load-manifests.ts';
import { manifestSchema, type AgentManifest } from '../manifest-schema.ts';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';
import { testRelease } from '../../../test/support/test-release.ts';

const agentsDir = fileURLToPath(new URL('../../../agents', import.meta.url));
const keyPrefix = `${uniqueName('platformactions')}:`;
const [postgres] = storeBackends('platform_actions');
const plain = manifestSchema.parse({
  id: 'plain',
  name: 'Plain',
  version: '1.0.0',
  description: 'Holds no platform capability.',
  wakesOn: ['test.plain.done'],
  capabilities: ['store:write', 'identity:lifecycle:write'],
});
const v1 = testRelease('target', { emits: ['test.target.sent'], tier: 'Platform CoE' }, 'a'.repeat(40));
const v2 = testRelease(
  'target',
  { emits: ['test.target.sent'], tier: 'Platform CoE', version: '1.1.0' },
  'b'.repeat(40),
);
const why = { reason: 'playbook test: the cause is gone', incident: '4b1d5c1e-0000-4000-8000-000000000001' };

// ctx.platform against the real parts: PostgreSQL (registry, lifecycle, audit) and the Redis bus (dead letters).
describe('ctx.platform, the operator runtime’s remedies for agents', () => {
  let test: TestStore;
  let identity: Identity;
  let bus: Bus;
  let support: AgentManifest;
  let guard: MessageGuard;
  let broken = true;
  const handled: CloudEvent[] = [];
  const audit = async () =>
    (
      await test.store.query<{ agent_id: string; action: string; target: string; outcome: string; incident: string }>(
        'select agent_id, action, target, outcome, incident from platform_actions order by id',
      )
    ).rows;
  const verdict = async () => {
    const event = await guard.sign(createEvent({ type: 'test.target.sent', data: {}, source: 'urn:wow:agent:target' }));
    try {
      await guard.verify(event, { group: 'reader', entryId: `${event.id}-0`, publishedAt: Date.now() });
      return 'accepted';
    } catch (err) {
      if (isWowError(err, 'WOW_ERR_MESSAGE_REFUSED')) return String(err.data?.reason);
      throw err;
    }
  };
  const facade = (manifest: AgentManifest, withheld: readonly string[] = [], metrics = createMetrics()) =>
    grantPlatformActions(manifest, { deadLetters: bus.deadLetters, store: test.store, identity, metrics }, withheld);

  beforeAll(async () => {
    if (postgres === undefined) throw new Error('no PostgreSQL backend');
    test = await postgres.open();
    const settings = loadConfig({
      PUBLIC_URL: 'https://waooaw.example.com',
      IDENTITY_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
    }).identity;
    identity = await createIdentity({ settings, store: test.store, log: quietLog });
    await identity.ensure('target', { actor: 'test' });
    await registerAgent(test.store, v1.manifest);
    for (const release of [v1, v2]) {
      await recordDraft(test.store, release);
      await activateVersion(test.store, 'target', release.treeHash, 'test');
    }
    await identity.credentials.ensure('target', { actor: 'test', force: true });
    guard = identity.messageGuard({ platformTypes: [], replay: createMemoryReplayCache(), cacheMs: 1 });
    const found = (await loadManifests(agentsDir)).find((m) => m.manifest.id === 'wowsupport')?.manifest;
    if (found === undefined) throw new Error('no wowsupport manifest');
    support = found;
    bus = await createBus({
      redisUrl: testRedisUrl,
      keyPrefix,
      streamMaxLen: 10_000,
      defaults: { ...testBusDefaults, maxAttempts: 1 },
      log: quietLog,
      claimIntervalMs: 50,
    });
    // An agent that fails until its cause is fixed: every message it gets is dead-lettered meanwhile.
    await bus.subscribe({
      group: 'target',
      types: ['test.job.*'],
      handler: async (event) => {
        if (broken) throw new Error('the upstream API is down');
        handled.push(event);
      },
    });
    for (const [type, n] of [
      ['test.job.sync', 1],
      ['test.job.sync', 2],
      ['test.job.sync', 3],
      ['test.job.report', 4],
    ] as const)
      await bus.publish(createEvent({ type, data: { n }, source: 'urn:wow:test' }));
    await eventually(
      async () => (await bus.deadLetters.list({ group: 'target' })).length === 4,
      'four dead letters',
      20_000,
    );
  }, 60_000);

  afterAll(async () => {
    await bus.close();
    await test.close();
    await deleteRedisKeys(keyPrefix);
  });

  it('declares the three capabilities for WowSupport, beyond its tier: issued only once an approver approves each', () => {
    const platform = ['platform:agents:suspend', 'platform:bus:redrive', 'platform:deploy:rollback'];
    expect(support.capabilities).toEqual(expect.arrayContaining(platform));
    expect(grantFor(support, new Set()).withheld).toEqual(platform);
    expect(grantFor(support, new Set(platform)).withheld).toEqual([]);
  });

  it('refuses each action to an agent without its capability, naming it, counting and auditing the attempt, changing nothing', async () => {
    const seen: SecurityViolation[] = [];
    const metrics = createMetrics();
    metrics.onSecurityViolation((v) => seen.push(v));
    const actions = facade(plain, [], metrics);
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => 'allowed',
        (err: unknown) => (isWowError(err, 'WOW_ERR_CAPABILITY_MISSING') ? err.message : String(err)),
      );
    expect(await refusal(actions.redrive('target', why))).toBe(
      'Agent "plain" used redriving an agent\'s dead letters without the capability: add "platform:bus:redrive" to `capabilities` in its agent.yml.',
    );
    expect(await refusal(actions.rollback('target', why))).toContain('"platform:deploy:rollback"');
    expect(await refusal(actions.rollForward('target', v2.treeHash, why))).toContain('"platform:deploy:rollback"');
    expect(await refusal(actions.suspend('target', why))).toContain('"platform:agents:suspend"');
    expect(await refusal(actions.resume('target', why))).toContain('"platform:agents:suspend"');
    expect(seen.map((v) => v.sample)).toEqual([
      { capability: 'platform:bus:redrive' },
      { capability: 'platform:deploy:rollback' },
      { capability: 'platform:deploy:rollback' },
      { capability: 'platform:agents:suspend' },
      { capability: 'platform:agents:suspend' },
    ]);
    // WowSupport's own manifest, before an approver approved: withheld, by name.
    const waiting = facade(support, ['platform:deploy:rollback']);
    const withheld: unknown = await waiting.rollback('target', why).catch((e: unknown) => e);
    expect(isWowError(withheld, 'WOW_ERR_CAPABILITY_WITHHELD')).toBe(true);
    expect((await activeVersionOf(test.store, 'target'))?.treeHash).toBe(v2.treeHash);
    expect(await identity.lifecycle.of('target')).toBe('active');
    expect(await bus.deadLetters.list({ group: 'target' })).toHaveLength(4);
    expect((await audit()).map((r) => `${r.agent_id} ${r.action} ${r.outcome}`)).toEqual([
      'plain redrive refused',
      'plain rollback refused',
      'plain roll_forward refused',
      'plain suspend refused',
      'plain resume refused',
      'wowsupport rollback refused',
    ]);
  });

  it("redrives, once the cause is gone, the agent's dead letters of the event type concerned, bounded, on the Redis bus", async () => {
    const actions: PlatformActions = facade(support);
    broken = false;
    const bad: unknown = await actions.redrive('target', { ...why, limit: 1000 }).catch((e: unknown) => e);
    expect(isWowError(bad, 'WOW_ERR_PLATFORM_ACTION')).toBe(true);
    const first = await actions.redrive('target', { ...why, eventType: 'test.job.sync', limit: 2 });
    expect(first.redriven).toBe(2);
    await eventually(() => handled.length === 2, 'two redelivered');
    expect(handled.every((e) => e.type === 'test.job.sync')).toBe(true);
    const left = await bus.deadLetters.list({ group: 'target' });
    expect(left.map((l) => l.event.type).sort()).toEqual(['test.job.report', 'test.job.sync']);
    expect((await actions.redrive('target', { ...why, eventType: 'test.job.sync' })).redriven).toBe(1);
    await eventually(() => handled.length === 3, 'the third redelivered');
    expect(await bus.deadLetters.list({ group: 'target' })).toHaveLength(1);
  });

  it('rolls the Active version back as `wow deploy --rollback` does, and forward again to the version it retired', async () => {
    const actions = facade(support);
    const back = await actions.rollback('target', { ...why, approvedBy: 'ada' });
    expect(back).toMatchObject({
      agentId: 'target',
      treeHash: v1.treeHash,
      previousTreeHash: v2.treeHash,
      rollback: true,
    });
    expect((await activeVersionOf(test.store, 'target'))?.treeHash).toBe(v1.treeHash);
    // Only a version a rollback retired comes back this way.
    const other: unknown = await actions.rollForward('target', 'c'.repeat(40), why).catch((e: unknown) => e);
    expect(isWowError(other, 'WOW_ERR_PLATFORM_ACTION')).toBe(true);
    await actions.rollForward('target', v2.treeHash, why);
    expect((await activeVersionOf(test.store, 'target'))?.treeHash).toBe(v2.treeHash);
    const deployed = await test.store.query<{ event: { type: string; source: string; data: { rollback: boolean } } }>(
      "select event from outbox where event->>'type' = 'agent.deployed' order by id desc limit 2",
    );
    expect(deployed.rows.map((r) => [r.event.source, r.event.data.rollback])).toEqual([
      ['wow/platform-actions', false],
      ['wow/platform-actions', true],
    ]);
  });

  it('suspends the agent: its messages are refused as suspended, the history names the approver; resuming lifts it', async () => {
    const actions = facade(support);
    expect(await verdict()).toBe('accepted');
    expect(await actions.suspend('target', { ...why, approvedBy: 'ada' })).toEqual({
      state: 'suspended',
      previous: 'active',
    });
    expect(await verdict()).toBe('suspended');
    const own: unknown = await actions.suspend('wowsupport', why).catch((e: unknown) => e);
    expect(isWowError(own, 'WOW_ERR_PLATFORM_ACTION')).toBe(true);
    await actions.resume('target', why);
    expect(await verdict()).toBe('accepted');
    const history = await test.store.query<{ event: string; actor: string; reason: string }>(
      "select event, actor, reason from agent_lifecycle_events where agent_id = 'target' order by id",
    );
    expect(history.rows).toEqual([
      { event: 'suspended', actor: 'ada via wowsupport', reason: `${why.reason} (incident ${why.incident})` },
      { event: 'resumed', actor: 'wowsupport', reason: `${why.reason} (incident ${why.incident})` },
    ]);
    const rows = (await audit()).filter((r) => r.agent_id === 'wowsupport' && r.outcome !== 'refused');
    expect(rows.map((r) => `${r.action} ${r.target} ${r.outcome}`)).toEqual([
      'redrive target failed',
      'redrive target done',
      'redrive target done',
      'rollback target done',
      'roll_forward target failed',
      'roll_forward target done',
      'suspend target done',
      'suspend wowsupport failed',
      'resume target done',
    ]);
    expect(rows.every((r) => r.incident === why.incident)).toBe(true);
  });
});
