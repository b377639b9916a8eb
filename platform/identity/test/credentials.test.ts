import { decodeJWT } from 'did-jwt';
import { verifyCredential } from 'did-jwt-vc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdentity, createLogger, isWowError, loadConfig, type AgentRelease, type Identity } from '#platform';
import { eventually } from '#platform/testing';
import { activateVersion, recordDraft } from '../../deploy/version-registry.ts';
import { scheduleIdentityUpkeep } from '../schedule-identity-upkeep.ts';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';

const ttl = 3600;
const settings = loadConfig({
  PUBLIC_URL: 'https://waooaw.example.com',
  IDENTITY_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'),
  IDENTITY_KEY_PUBLISH_SECONDS: '60',
  IDENTITY_KEY_GRACE_SECONDS: '86400',
  IDENTITY_CREDENTIAL_TTL_SECONDS: String(ttl),
}).identity;
const platformDid = 'did:web:waooaw.example.com';

/** A version of an agent as a deploy records it; `n` makes its tree hash its own. */
function release(
  agentId: string,
  n: number,
  manifest: { tier?: AgentRelease['manifest']['tier']; capabilities?: string[]; emits?: string[]; stores?: string[] },
): AgentRelease {
  return {
    agentId,
    treeHash: n.toString(16).padStart(40, '0'),
    commit: 'c'.repeat(40),
    manifest: {
      id: agentId,
      name: agentId,
      version: `1.0.${n}`,
      description: 'A test agent.',
      wakesOn: ['test.thing.happened'],
      emits: manifest.emits ?? [],
      capabilities: manifest.capabilities ?? [],
      stores: manifest.stores ?? [],
      uses: [],
      ordered: false,
      ...(manifest.tier === undefined ? {} : { tier: manifest.tier }),
    },
    files: [],
  };
}

/** Why the active capability credential of `agentId` is refused, or 'verified'. */
async function refusal(identity: Identity, jwt: string, agentId: string, now: Date): Promise<string> {
  const { verifyCredentialJwt } = await import('#platform');
  try {
    await verifyCredentialJwt(jwt, {
      resolver: identity.resolver,
      issuer: platformDid,
      subject: identity.didOf(agentId),
      kind: 'capability',
      now,
    });
    return 'verified';
  } catch (err) {
    if (isWowError(err, 'WOW_ERR_CREDENTIAL_INVALID')) return String(err.data?.reason);
    throw err;
  }
}

const tamper = (jwt: string, change: (payload: Record<string, unknown>) => void) => {
  const parts = jwt.split('.');
  const payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  change(payload);
  parts[1] = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return parts.join('.');
};

describe.each(storeBackends('credentials'))('capability credentials on $name', (backend) => {
  let test: TestStore;
  let identity: Identity;
  let now = new Date('2026-05-01T08:00:00Z');
  const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));

  const deploy = async (r: AgentRelease) => {
    await recordDraft(test.store, r);
    await activateVersion(test.store, r.agentId, r.treeHash, 'test');
    return identity.credentials.ensure(r.agentId, { actor: 'test', force: true });
  };
  const activeJwt = async (agentId: string, kind: 'capability' | 'attestation') =>
    (await identity.show(agentId))?.credentials.find((c) => c.kind === kind && c.status === 'active')?.jwt ?? '';

  beforeAll(async () => {
    test = await backend.open();
    identity = await createIdentity({ settings, store: test.store, log: createLogger('silent'), clock: () => now });
  });
  afterAll(async () => test.close());

  it('issues a Platform CoE version what its manifest declares, as a did-jwt-vc credential from the platform DID', async () => {
    const r = release('reviewer', 1, {
      tier: 'Platform CoE',
      capabilities: ['github:checks:write', 'llm:complete'],
      emits: ['review.thing.done'],
      stores: ['reviews'],
    });
    expect(await deploy(r)).toEqual({ withheld: [] });
    const held = await identity.capabilitiesOf('reviewer');
    expect(held).toMatchObject({
      did: `${platformDid}:agents:reviewer`,
      treeHash: r.treeHash,
      capabilities: ['github:checks:write', 'llm:complete'],
      emits: ['review.thing.done'],
      stores: ['reviews'],
      expiresAt: new Date(now.getTime() + ttl * 1000),
    });
    for (const capability of ['github:checks:write', 'llm:complete', 'emit:review.thing.done', 'store:table:reviews'])
      expect(await identity.holdsCapability('reviewer', capability)).toBe(true);
    for (const capability of ['store:write', 'emit:other.thing.done', 'store:table:others', 'github:checks'])
      expect(await identity.holdsCapability('reviewer', capability)).toBe(false);
    expect(await identity.capabilitiesOf('nobody')).toBeUndefined();

    const jwt = await activeJwt('reviewer', 'capability');
    const { header, payload } = decodeJWT(jwt);
    const kid = (await identity.document('platform'))?.assertionMethod?.[0];
    expect(header).toEqual({ alg: 'EdDSA', typ: 'vc+jwt', kid });
    // did-jwt-vc itself, with only the platform's resolver, accepts it.
    // did-jwt-vc is typed against did-resolver 4; the resolver's shape is the same in 6.
    const verified = await verifyCredential(
      jwt,
      identity.resolver as unknown as Parameters<typeof verifyCredential>[1],
      {
        policies: { now: Math.floor(now.getTime() / 1000) },
      },
    );
    expect(verified.issuer).toBe(platformDid);
    expect(payload).toMatchObject({ sub: `${platformDid}:agents:reviewer`, exp: (payload.nbf ?? 0) + ttl });
    expect(verified.verifiableCredential).toMatchObject({
      type: ['VerifiableCredential', 'AgentCapabilityCredential'],
      credentialSubject: { agentId: 'reviewer', tier: 'Platform CoE', version: '1.0.1' },
    });
  });

  it('withholds what the tier does not allow until someone approves it, and keeps who, when and why', async () => {
    expect(
      await deploy(
        release('marketer', 2, { tier: 'Marketing', capabilities: ['github:contents:write', 'llm:complete'] }),
      ),
    ).toEqual({ withheld: ['github:contents:write'] });
    expect((await identity.capabilitiesOf('marketer'))?.capabilities).toEqual(['llm:complete']);
    expect(await identity.holdsCapability('marketer', 'github:contents:write')).toBe(false);
    const shown = await identity.show('marketer');
    expect(shown?.credentials.find((c) => c.kind === 'capability')).toMatchObject({
      status: 'active',
      withheld: ['github:contents:write'],
    });

    const refused = async (capability: string, by = 'octocat') =>
      identity.credentials.approve('marketer', capability, { by, via: 'test' }).then(
        () => 'approved',
        (err: unknown) => (isWowError(err, 'WOW_ERR_CAPABILITY_APPROVAL') ? err.message : String(err)),
      );
    expect(await refused('github:checks:write')).toMatch(/does not declare it in agent\.yml/);
    expect(await refused('llm:complete')).toMatch(/its tier \(Marketing\) allows it already/);
    expect(await refused('github:contents:write', 'not a login!')).toMatch(/--by must be/);
    expect(await refused('GITHUB WRITE')).toMatch(/expected a capability/);
    await expect(
      identity.credentials.approve('nobody', 'llm:complete', { by: 'octocat', via: 'test' }),
    ).rejects.toThrow(/no Active version/);

    later(10);
    const { approval, issued } = await identity.credentials.approve('marketer', 'github:contents:write', {
      by: 'octocat',
      reason: 'publishes the blog',
      via: 'wow identity approve',
    });
    expect(approval).toEqual({
      capability: 'github:contents:write',
      approvedBy: 'octocat',
      approvedAt: now,
      reason: 'publishes the blog',
      via: 'wow identity approve',
    });
    expect(issued.capability.withheld).toEqual([]);
    expect(await identity.holdsCapability('marketer', 'github:contents:write')).toBe(true);
    const after = await identity.show('marketer');
    expect(after?.approvals).toEqual([approval]);
    expect(after?.credentials.filter((c) => c.kind === 'capability').map((c) => c.status)).toEqual([
      'active',
      'superseded',
    ]);
    // The approval holds for the next version that still declares it.
    await deploy(
      release('marketer', 3, { tier: 'Marketing', capabilities: ['github:contents:write', 'llm:complete'] }),
    );
    expect(await identity.holdsCapability('marketer', 'github:contents:write')).toBe(true);
  });

  it('treats a manifest without a tier as Custom, the least trusted', async () => {
    await deploy(release('untiered', 4, { capabilities: ['github:issues:write', 'store:write'] }));
    expect((await identity.capabilitiesOf('untiered'))?.capabilities).toEqual(['store:write']);
  });

  it('grants nothing once a credential expires, and renews at half its life, not before', async () => {
    const expiring = await identity.capabilitiesOf('reviewer');
    later(ttl / 2 - 60);
    expect((await identity.credentials.renewDue({ actor: 'test' })).renewed).toEqual([]);
    later(120);
    expect((await identity.credentials.renewDue({ actor: 'test' })).renewed.sort()).toEqual([
      'marketer',
      'reviewer',
      'untiered',
    ]);
    expect((await identity.capabilitiesOf('reviewer'))?.jti).not.toBe(expiring?.jti);

    // Nobody renewed it in time: the agent holds nothing, and a renewal gives it back.
    later(ttl + 1);
    expect(await identity.capabilitiesOf('reviewer')).toBeUndefined();
    expect(await identity.holdsCapability('reviewer', 'llm:complete')).toBe(false);
    expect((await identity.show('reviewer'))?.credentials[0]?.status).toBe('expired');
    await identity.credentials.renewDue({ actor: 'test' });
    expect(await identity.holdsCapability('reviewer', 'llm:complete')).toBe(true);
  });

  it("renews what the platform's old key signed once a rotation switches signing to the new key", async () => {
    const before = await activeJwt('reviewer', 'capability');
    await identity.rotate('platform', { actor: 'test', reason: 'test' });
    expect((await identity.credentials.renewDue({ actor: 'test' })).renewed).toEqual([]);
    later(61);
    expect((await identity.credentials.renewDue({ actor: 'test' })).renewed).toContain('reviewer');
    const after = await activeJwt('reviewer', 'capability');
    expect(decodeJWT(after).header.kid).not.toBe(decodeJWT(before).header.kid);
    expect(await refusal(identity, before, 'reviewer', now)).toBe('verified');
  });

  it('refuses a tampered, misaddressed or expired credential, each for its reason, and a tampered stored one grants nothing', async () => {
    const jwt = await activeJwt('reviewer', 'capability');
    expect(await refusal(identity, jwt, 'reviewer', now)).toBe('verified');
    expect(await refusal(identity, jwt, 'marketer', now)).toBe('subject');
    expect(
      await refusal(
        identity,
        tamper(jwt, (p) => ((p.vc as { credentialSubject: object }).credentialSubject = { capabilities: ['*'] })),
        'reviewer',
        now,
      ),
    ).toBe('signature');
    expect(
      await refusal(
        identity,
        tamper(jwt, (p) => delete p.exp),
        'reviewer',
        now,
      ),
    ).toBe('claims');
    expect(
      await refusal(
        identity,
        tamper(jwt, (p) => (p.iss = `${platformDid}:agents:reviewer`)),
        'reviewer',
        now,
      ),
    ).toBe('issuer');
    expect(await refusal(identity, jwt, 'reviewer', new Date(now.getTime() + (ttl + 61) * 1000))).toBe('expired');
    expect(await refusal(identity, jwt, 'reviewer', new Date(now.getTime() - 3600_000))).toBe('not_yet_valid');
    expect(await refusal(identity, await activeJwt('reviewer', 'attestation'), 'reviewer', now)).toBe('type');
    expect(await refusal(identity, 'not.a.jwt', 'reviewer', now)).toBe('malformed');

    // Someone with the database but not the key widens the stored grant: it grants nothing.
    const widened = tamper(jwt, (p) => {
      (p.vc as { credentialSubject: { capabilities: string[] } }).credentialSubject.capabilities.push('github:admin');
    });
    await test.store.query(`update identity_credentials set jwt = $1 where jwt = $2`, [widened, jwt]);
    const fresh = await createIdentity({ settings, store: test.store, log: createLogger('silent'), clock: () => now });
    expect(await fresh.capabilitiesOf('reviewer')).toBeUndefined();
    expect(await fresh.holdsCapability('reviewer', 'github:admin')).toBe(false);
  });

  it('announces identity.approval.waiting when a capability starts to wait, once, and not for an agent run from its folder', async () => {
    const waiting = async (agentId: string) =>
      (
        await test.store.query<{ event: { source: string; data: { capabilities: string[]; version: string } } }>(
          "select event from outbox where event->>'type' = 'identity.approval.waiting' and event->>'subject' = $1 order by id",
          [agentId],
        )
      ).rows.map((r) => r.event);
    const seller = (n: number, capabilities: string[]) => release('seller', n, { tier: 'Sales', capabilities });
    await deploy(seller(20, ['github:pull_requests:write', 'llm:complete']));
    expect(await waiting('seller')).toEqual([
      expect.objectContaining({
        source: 'urn:wow:identity',
        data: {
          agentId: 'seller',
          version: '1.0.20',
          treeHash: seller(20, []).treeHash,
          tier: 'Sales',
          capabilities: ['github:pull_requests:write'],
          at: now.toISOString(),
        },
      }),
    ]);
    // Issued again (a renewal, a redeploy of the same version) withholding the same: nothing new waits.
    await identity.credentials.ensure('seller', { actor: 'test', force: true });
    expect(await waiting('seller')).toHaveLength(1);
    // A version declaring one more: announced again, with everything that waits.
    await deploy(seller(21, ['github:pull_requests:write', 'github:issues:write', 'llm:complete']));
    expect((await waiting('seller')).map((e) => e.data.capabilities)).toEqual([
      ['github:pull_requests:write'],
      ['github:issues:write', 'github:pull_requests:write'],
    ]);
    // Nothing can be approved before a deploy: an agent run from its folder is not announced.
    const drafter = release('drafter', 22, { tier: 'Sales', capabilities: ['github:contents:write'] }).manifest;
    expect(await identity.credentials.ensureWorkingTree(drafter, { actor: 'test' })).toEqual({
      withheld: ['github:contents:write'],
    });
    expect(await waiting('drafter')).toEqual([]);
  });
});

describe.each(storeBackends('credentials_upkeep'))('the identity upkeep on $name', (backend) => {
  let test: TestStore;
  afterAll(async () => test.close());

  it('issues credentials to an Active version that has none, as soon as a runtime starts it', async () => {
    test = await backend.open();
    const log = createLogger('silent');
    const identity = await createIdentity({ settings, store: test.store, log });
    const r = release('silent', 9, { tier: 'Sales', capabilities: ['llm:complete'] });
    await recordDraft(test.store, r);
    await activateVersion(test.store, r.agentId, r.treeHash, 'test');
    expect(await identity.capabilitiesOf('silent')).toBeUndefined();
    const upkeep = await scheduleIdentityUpkeep({ identity, store: test.store, log, credentialTtlSeconds: ttl });
    try {
      await eventually(() => identity.holdsCapability('silent', 'llm:complete'), 'renewed');
      expect((await identity.show('silent'))?.credentials.map((c) => [c.kind, c.issuedBy]).sort()).toEqual([
        ['attestation', 'schedule'],
        ['capability', 'schedule'],
      ]);
    } finally {
      await upkeep.stop({ timeoutMs: 1000 });
    }
  });
});
