import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../../../../app/server/create-server.ts';
import {
  createAgentHost,
  createBus,
  createLogger,
  createMetrics,
  createStore,
  loadConfig,
  migrate,
  type AgentHost,
  type Bus,
  type CloudEvent,
  type Store,
} from '#platform';
import { testBusDefaults } from '#platform/testing';
import { signedDelivery } from '../../../../test/support/github-webhooks.ts';
import { testDatabaseUrl, uniqueName } from '../../../../test/support/servers.ts';
import type { IssuePayload } from '../../src/index.ts';
import { startFactoryTarget, type FactoryTarget } from './factory-target.ts';

const agentsDir = fileURLToPath(new URL('../../..', import.meta.url));
const webhookSecret = 'factory-door-secret';
const log = createLogger('silent');

/**
 * The Factory as the App runs it: the HTTP door (webhook signatures checked), the bus, the
 * factory agent on the agent host, and acme/platform behind the GitHub double (a clone of
 * this repository, the people given holding those roles on it).
 */
export interface FactoryBehindDoor {
  target: FactoryTarget;
  /** Sends a webhook as GitHub does (signed, from installation 7) through the HTTP door; resolves with its status. */
  send(name: string, payload: IssuePayload): Promise<number>;
  /** What the Factory emitted so far: factory.questionnaire.checked and factory.pull_request.published. */
  readonly emitted: readonly CloudEvent[];
  stop(): Promise<void>;
}

export async function startFactoryBehindDoor(
  roles: Parameters<typeof startFactoryTarget>[0],
): Promise<FactoryBehindDoor> {
  const target = await startFactoryTarget(roles);
  const config = loadConfig({
    WEBHOOK_SECRET: webhookSecret,
    APP_ID: '1',
    PRIVATE_KEY: target.privateKey,
    AGENTS_DIR: agentsDir,
  });
  const schema = uniqueName('factory_door');
  const store: Store = await createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 4, schema, log });
  await migrate(store, { log });
  const bus: Bus = await createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log });
  const emitted: CloudEvent[] = [];
  await bus.subscribe({
    group: 'observer',
    types: ['factory.questionnaire.checked', 'factory.pull_request.published'],
    handler: async (event) => void emitted.push(event),
  });
  const metrics = createMetrics({ defaultMetrics: false });
  const host: AgentHost = await createAgentHost({
    config,
    bus,
    store,
    log,
    metrics,
    agentsDir,
    ids: ['factory'],
    github: target.port,
  });
  await host.start();
  const server: FastifyInstance = await createServer({ config, bus, store, log, metrics });
  return {
    target,
    emitted,
    async send(name, payload) {
      const d = await signedDelivery(webhookSecret, name, { ...payload, installation: { id: 7 } });
      return (await server.inject({ method: 'POST', url: '/api/github/webhooks', headers: d.headers, payload: d.body }))
        .statusCode;
    },
    async stop() {
      await host.stop({ timeoutMs: 5_000 });
      await server.close();
      await bus.close();
      await store.close();
      const db = new pg.Client({ connectionString: testDatabaseUrl });
      await db.connect();
      await db.query(`drop schema if exists ${schema} cascade`);
      await db.end();
      await target.dispose();
    },
  };
}
