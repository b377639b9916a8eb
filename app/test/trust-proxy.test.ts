import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../server/create-server.ts';
import {
  createBus,
  createLogger,
  createMetrics,
  loadConfig,
  readSharedSettings,
  type Bus,
  type Store,
} from '#platform';
import { supportSettings } from '#domains/support';
import { testBusDefaults } from '#platform/testing';
import { storeBackends } from '../../test/support/test-stores.ts';

const log = createLogger('silent');
const [postgres] = storeBackends('trust_proxy');

// Who "the client" is decides the web form's per-address limit: a stranger must not pick it
// with X-Forwarded-For, and behind a proxy the operator names, every client must not be the proxy.
describe('the client address behind a proxy', () => {
  let store: Store;
  let close: () => Promise<void>;
  let bus: Bus;
  const servers: FastifyInstance[] = [];
  beforeAll(async () => {
    if (postgres === undefined) throw new Error('storeBackends lists PostgreSQL first');
    ({ store, close } = await postgres.open());
    bus = await createBus({ streamMaxLen: 1000, defaults: testBusDefaults, log });
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await bus.close();
    await close();
  });
  const serve = async (env: Record<string, string>) => {
    const server = await createServer({
      config: loadConfig(env),
      support: readSharedSettings(supportSettings, { SUPPORT_FORM_PER_IP_PER_HOUR: '2' }),
      bus,
      store,
      log,
      metrics: createMetrics({ defaultMetrics: false }),
    });
    servers.push(server);
    return server;
  };
  const post = (server: FastifyInstance, remoteAddress: string, forwardedFor: string, n: number) =>
    server.inject({
      method: 'POST',
      url: '/support',
      remoteAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
      payload: `email=client${n}%40acme.example&subject=Login&message=It+fails`,
    });

  it('ignores X-Forwarded-For without TRUST_PROXY: a stranger cannot reset their own limit by naming another address', async () => {
    const server = await serve({});
    const codes = [];
    for (let n = 0; n < 3; n++) codes.push((await post(server, '198.51.100.7', `203.0.113.${n}`, n)).statusCode);
    expect(codes).toEqual([201, 201, 429]);
  });

  it('counts each client by the address the trusted proxy forwards', async () => {
    const server = await serve({ TRUST_PROXY: 'loopback' });
    const codes = [];
    for (let n = 0; n < 3; n++) codes.push((await post(server, '127.0.0.1', `192.0.2.${n}`, n + 10)).statusCode);
    expect(codes).toEqual([201, 201, 201]);
  });

  it('refuses a TRUST_PROXY that is not a list of addresses, naming the variable', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'everyone please' })).toThrow(/TRUST_PROXY/);
  });
});
