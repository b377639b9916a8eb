import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config.ts';
import { activateVersion, recordDraft } from '../../deploy/version-registry.ts';
import { isWowError } from '../../errors/define-errors.ts';
import { createIdentity, type Identity } from '../../identity/create-identity.ts';
import { createLogger } from '../../log/logger.ts';
import { createMetrics, type SecurityViolation } from '../../metrics/metrics.ts';
import { grantIdentity } from '../grant-identity.ts';
import { manifestSchema, type AgentManifest } from '../manifest-schema.ts';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';

const manifest = (id: string, capabilities: string[]): AgentManifest =>
  manifestSchema.parse({ id, name: id, version: '1.0.0', description: 'x', wakesOn: ['a.b.c'], capabilities });

// The refusals come before any store is read: one backend, the real server, is enough.
describe.each(storeBackends('grant-identity').slice(0, 1))('ctx.identity on $name', (backend) => {
  let test: TestStore;
  let identity: Identity;

  beforeAll(async () => {
    test = await backend.open();
    const settings = loadConfig({
      PUBLIC_URL: 'https://waooaw.example.com',
      IDENTITY_MASTER_KEY: Buffer.alloc(32, 4).toString('base64'),
    }).identity;
    identity = await createIdentity({ settings, store: test.store, log: createLogger('silent') });
    const target = manifest('target', ['github:contents:write']);
    await recordDraft(test.store, {
      agentId: 'target',
      treeHash: 'f'.repeat(40),
      commit: 'c'.repeat(40),
      manifest: target,
      files: [],
    });
    await activateVersion(test.store, 'target', 'f'.repeat(40), 'test');
    await identity.ensure('target', { actor: 'test' });
  }, 60_000);
  afterAll(async () => test.close());

  it('refuses every change without the capability, with WOW_ERR_CAPABILITY_MISSING counted as a violation of that agent', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const seen: SecurityViolation[] = [];
    metrics.onSecurityViolation((v) => seen.push(v));
    const facade = grantIdentity(manifest('plain', ['store:write']), identity, metrics);
    expect(await facade?.lifecycleOf('target')).toBe('active');
    const refusal = (promise: Promise<unknown> | undefined) =>
      (promise ?? Promise.resolve()).then(
        () => 'allowed',
        (err: unknown) => (isWowError(err, 'WOW_ERR_CAPABILITY_MISSING') ? err.message : String(err)),
      );
    expect(await refusal(facade?.changeLifecycle('target', 'suspend', { by: 'plain', reason: 'why not' }))).toBe(
      'Agent "plain" used agent lifecycle changes without the capability: add "identity:lifecycle:write" to `capabilities` in its agent.yml.',
    );
    expect(
      await refusal(facade?.approveCapability('target', 'github:contents:write', { by: 'ann', via: 'test' })),
    ).toContain('"identity:approvals:write"');
    expect(seen).toEqual([
      expect.objectContaining({
        kind: 'capability_missing',
        agent: 'plain',
        sample: { capability: 'identity:lifecycle:write' },
      }),
      expect.objectContaining({
        kind: 'capability_missing',
        agent: 'plain',
        sample: { capability: 'identity:approvals:write' },
      }),
    ]);
    expect(await identity.lifecycle.of('target')).toBe('active');
    expect((await identity.show('target'))?.approvals).toEqual([]);
  });

  it('changes the lifecycle and records approvals with them, naming the person and the agent in the audit trail', async () => {
    const facade = grantIdentity(
      manifest('keeper', ['identity:lifecycle:write', 'identity:approvals:write']),
      identity,
      createMetrics({ defaultMetrics: false }),
    );
    await facade?.changeLifecycle('target', 'suspend', { by: 'keeper', reason: 'too many violations' });
    await facade?.changeLifecycle('target', 'resume', { by: 'ann', reason: 'fixed' });
    expect((await identity.show('target'))?.lifecycle.history.map((e) => [e.event, e.actor])).toEqual([
      ['suspended', 'keeper'],
      ['resumed', 'ann via keeper'],
    ]);
    const approval = await facade?.approveCapability('target', 'github:contents:write', { by: 'ann', via: '/approve' });
    expect(approval).toMatchObject({ approvedBy: 'ann', via: '/approve (keeper)' });
  });

  it('is absent on a host with no identity, as GitHub is without the App', () => {
    expect(grantIdentity(manifest('keeper', ['identity:lifecycle:write']), undefined, createMetrics())).toBeUndefined();
  });

  it('is declared in agent.yml like every capability; other identity forms are refused', () => {
    expect(manifest('keeper', ['identity:lifecycle:write', 'identity:approvals:write']).capabilities).toHaveLength(2);
    expect(() => manifest('keeper', ['identity:keys:write'])).toThrow(/identity:lifecycle\|approvals:write/);
  });
});
