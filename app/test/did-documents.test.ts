import { Resolver, type ResolverRegistry } from 'did-resolver';
import type { FastifyInstance } from 'fastify';
import { getResolver } from 'web-did-resolver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createIdentity, createLogger, createMetrics, loadConfig, type Bus, type Identity } from '#platform';
import { testBusDefaults } from '#platform/testing';
import { storeBackends, type TestStore } from '../../test/support/test-stores.ts';
import { startTlsFront, type TlsFront } from '../../test/support/tls-front.ts';
import { createServer } from '../server/create-server.ts';

const log = createLogger('silent');

// web-did-resolver fetches https only: the server is reached through TLS in front, as a deployment reaches it.
describe.each(storeBackends('did_documents'))('DID documents served on $name', (backend) => {
  let test: TestStore;
  let bus: Bus;
  let server: FastifyInstance;
  let front: TlsFront;
  let identity: Identity;
  let host: string;
  let now = new Date();

  beforeAll(async () => {
    test = await backend.open();
    bus = await createBus({ streamMaxLen: 1000, defaults: testBusDefaults, log });
    front = await startTlsFront(() => server);
    const publicUrl = front.origin;
    host = front.didHost;
    const config = loadConfig({
      PUBLIC_URL: publicUrl,
      IDENTITY_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
      IDENTITY_KEY_PUBLISH_SECONDS: '0',
      IDENTITY_KEY_GRACE_SECONDS: '600',
    });
    identity = await createIdentity({ settings: config.identity, store: test.store, log, clock: () => now });
    server = await createServer({
      config,
      bus,
      store: test.store,
      log,
      metrics: createMetrics({ defaultMetrics: false }),
      clock: () => now,
    });
    await identity.ensure('platform', { actor: 'test' });
    await identity.ensure('wowvision', { actor: 'test' });
  });
  afterAll(async () => {
    await front.close();
    await server.close();
    await bus.close();
    await test.close();
  });

  it('serves the status lists once signed, public and cached for a minute; names the two that exist otherwise', async () => {
    const before = await server.inject({ url: '/identity/status/suspension' });
    expect(before.statusCode).toBe(404);
    expect(before.json()).toMatchObject({ code: 'WOW_ERR_STATUS_LIST_NOT_FOUND' });
    await identity.credentials.renewDue({ actor: 'test' });
    const list = await server.inject({ url: '/identity/status/suspension' });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-type']).toBe('application/vc+jwt');
    expect(list.headers['cache-control']).toBe('max-age=60');
    expect(list.body).toBe(await identity.lifecycle.statusList('suspension'));
    const odd = await server.inject({ url: '/identity/status/%3Cscript%3E' });
    expect(odd.statusCode).toBe(404);
    expect(odd.body).not.toContain('<script>');
  });

  it('serves the platform document at /.well-known/did.json and an agent document at /agents/<id>/did.json, public and cacheable for the publish period', async () => {
    const platform = await server.inject({ url: '/.well-known/did.json' });
    expect(platform.statusCode).toBe(200);
    expect(platform.headers['content-type']).toBe('application/did+ld+json; charset=utf-8');
    expect(platform.headers['cache-control']).toBe('no-cache');
    expect(platform.headers['access-control-allow-origin']).toBe('*');
    expect(platform.json()).toEqual(await identity.document('platform'));
    const agent = await server.inject({ url: '/agents/wowvision/did.json' });
    expect(agent.json()).toMatchObject({ id: `did:web:${host}:agents:wowvision` });
  });

  it('answers 404 for agents without a DID and for paths that are no agent id, echoing nothing long', async () => {
    for (const id of ['nosuch', 'platform', 'WowVision', '..%2F..%2Fetc', 'a%3Ab', 'x'.repeat(90)]) {
      const answer = await server.inject({ url: `/agents/${id}/did.json` });
      expect({ id: id.slice(0, 20), status: answer.statusCode, code: answer.json<{ code: string }>().code }).toEqual({
        id: id.slice(0, 20),
        status: 404,
        code: 'WOW_ERR_DID_NOT_FOUND',
      });
      expect(answer.body.length).toBeLessThan(400);
    }
  });

  it('resolves with the real web-did-resolver over HTTPS, and JWTs verify against what it fetched until the key is rotated out past its grace', async () => {
    // web-did-resolver is typed against did-resolver 4; the registry's shape is the same in 6.
    const web = new Resolver(getResolver() as unknown as ResolverRegistry);
    const resolved = await web.resolve(`did:web:${host}:agents:wowvision`);
    expect(resolved.didResolutionMetadata).toEqual({ contentType: 'application/did+ld+json' });
    expect(resolved.didDocument).toEqual(await identity.document('wowvision'));
    expect((await web.resolve(`did:web:${host}`)).didDocument?.id).toBe(`did:web:${host}`);
    expect((await web.resolve(`did:web:${host}:agents:nosuch`)).didResolutionMetadata.error).toBe('notFound');

    const audience = `did:web:${host}`;
    const jwt = await identity.signJwt('wowvision', { jti: 'a' }, { audience, expiresInSeconds: 3600 });
    expect(await identity.verifyJwt(jwt, { audience, resolver: web })).toMatchObject({
      issuer: `did:web:${host}:agents:wowvision`,
    });
    await identity.rotate('wowvision', { actor: 'test', reason: 'test' });
    now = new Date(now.getTime() + 601_000);
    await expect(identity.verifyJwt(jwt, { audience, resolver: web })).rejects.toMatchObject({
      data: { reason: 'kid' },
    });
  });
});
