import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpsServer, globalAgent, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Resolver, type ResolverRegistry } from 'did-resolver';
import type { FastifyInstance } from 'fastify';
import { getResolver } from 'web-did-resolver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createIdentity, createLogger, createMetrics, loadConfig, type Bus, type Identity } from '#platform';
import { testBusDefaults } from '#platform/testing';
import { storeBackends, type TestStore } from '../../test/support/test-stores.ts';
import { createServer } from '../server/create-server.ts';

const log = createLogger('silent');

/**
 * web-did-resolver, the resolver other parties use, fetches https://<host>/…/did.json and
 * nothing else. So the server is reached as a deployment reaches it: through TLS in front
 * (here a self-signed certificate for localhost that this process trusts), whose handler
 * passes each request to the server as a reverse proxy does.
 */
describe.each(storeBackends('did_documents'))('DID documents served on $name', (backend) => {
  let test: TestStore;
  let bus: Bus;
  let server: FastifyInstance;
  let front: Server;
  let identity: Identity;
  let certDir: string;
  let host: string;
  let now = new Date();
  const previousCa = globalAgent.options.ca;

  beforeAll(async () => {
    test = await backend.open();
    bus = await createBus({ streamMaxLen: 1000, defaults: testBusDefaults, log });
    certDir = await mkdtemp(join(tmpdir(), 'wow-did-tls-'));
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ]);
    const cert = await readFile(join(certDir, 'cert.pem'));
    front = createHttpsServer({ key: await readFile(join(certDir, 'key.pem')), cert }, (req, res) => {
      void server
        .inject({ method: 'GET', url: req.url ?? '/', headers: { accept: req.headers.accept ?? '*/*' } })
        .then((answer) => {
          res.writeHead(answer.statusCode, answer.headers as Record<string, string>);
          res.end(answer.rawPayload);
        });
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    globalAgent.options.ca = cert;
    const publicUrl = `https://localhost:${(front.address() as AddressInfo).port}`;
    host = `localhost%3A${(front.address() as AddressInfo).port}`;
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
    globalAgent.options.ca = previousCa;
    await new Promise((resolve) => front.close(resolve));
    await server.close();
    await bus.close();
    await test.close();
    await rm(certDir, { recursive: true, force: true });
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
