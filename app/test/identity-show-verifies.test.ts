import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resolver, type ResolverRegistry } from 'did-resolver';
import { verifyCredential } from 'did-jwt-vc';
import type { FastifyInstance } from 'fastify';
import { getResolver } from 'web-did-resolver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBus,
  createIdentity,
  createLogger,
  createMetrics,
  createStore,
  deployAgents,
  loadConfig,
  migrate,
  type Bus,
  type CredentialView,
  type Store,
} from '#platform';
import { testBusDefaults } from '#platform/testing';
import { wow } from '../../test/support/run-wow.ts';
import { createTestDatabase } from '../../test/support/servers.ts';
import { startTlsFront, type TlsFront } from '../../test/support/tls-front.ts';
import { createServer } from '../server/create-server.ts';

const log = createLogger('silent');
type VcResolver = Parameters<typeof verifyCredential>[1];
const root = fileURLToPath(new URL('../../', import.meta.url));

// The identity issue's done-when check, as an outsider makes it: deploy WowVision from this
// repository, ask `wow identity show wowvision --json`, and verify each live credential with
// did-jwt-vc against the DID documents the platform serves, fetched over HTTPS by
// web-did-resolver, the resolver any other party would use.
describe('wow identity show wowvision --json', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let bus: Bus;
  let server: FastifyInstance;
  let front: TlsFront;
  let scratch: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('identity_show');
    scratch = await mkdtemp(join(tmpdir(), 'wow-identity-show-'));
    front = await startTlsFront(() => server);
    env = {
      DATABASE_URL: database.url,
      DATA_DIR: scratch,
      PUBLIC_URL: front.origin,
      IDENTITY_MASTER_KEY: Buffer.alloc(32, 11).toString('base64'),
    };
    const config = loadConfig(env);
    store = await createStore({ url: database.url, dataDir: scratch, poolMax: 3, log });
    await migrate(store, { log });
    bus = await createBus({ streamMaxLen: 1000, defaults: testBusDefaults, log });
    server = await createServer({ config, bus, store, log, metrics: createMetrics({ defaultMetrics: false }) });
    const [outcome] = await deployAgents({
      store,
      repoRoot: root,
      agentsDir: join(root, 'agents'),
      ids: ['wowvision'],
      log,
      identity: await createIdentity({ settings: config.identity, store, log }),
    });
    expect(outcome).toMatchObject({ agentId: 'wowvision', outcome: 'activated' });
  }, 120_000);
  afterAll(async () => {
    await front.close();
    await server.close();
    await bus.close();
    await store.close();
    await database.drop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('prints a DID and live credentials whose JWTs verify against the served DID documents with did-jwt-vc', async () => {
    const run = await wow(['identity', 'show', 'wowvision', '--json'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const shown = JSON.parse(run.stdout) as { did: string; credentials: CredentialView[]; attestation: CredentialView };
    const did = `did:web:${front.didHost}:agents:wowvision`;
    expect(shown.did).toBe(did);
    const live = shown.credentials.filter((c) => c.status === 'active');
    expect(live.map((c) => c.kind).sort()).toEqual(['attestation', 'capability']);
    expect(shown.attestation).toMatchObject({ status: 'active', kind: 'attestation' });

    // web-did-resolver and did-jwt-vc are typed against did-resolver 4; the shapes are the same in 6.
    const resolver = new Resolver(getResolver() as unknown as ResolverRegistry) as unknown as VcResolver;
    for (const credential of live) {
      const verified = await verifyCredential(credential.jwt, resolver, { proofPurpose: 'assertionMethod' });
      expect(verified.issuer).toBe(`did:web:${front.didHost}`);
      expect(verified.verifiableCredential.credentialSubject.id).toBe(did);
    }
    const capability = await verifyCredential(live.find((c) => c.kind === 'capability')?.jwt ?? '', resolver);
    expect(capability.verifiableCredential.credentialSubject).toMatchObject({
      agentId: 'wowvision',
      tier: 'Platform CoE',
      capabilities: [
        'github:checks:write',
        'github:contents:read',
        'github:issues:write',
        'github:pull_requests:write',
        'llm:complete',
      ],
      emits: ['vision.review.completed'],
    });
    const attestation = await verifyCredential(shown.attestation.jwt, resolver);
    expect(attestation.verifiableCredential.credentialSubject).toMatchObject({
      agentId: 'wowvision',
      treeHash: shown.attestation.treeHash,
    });
  }, 60_000);
});
