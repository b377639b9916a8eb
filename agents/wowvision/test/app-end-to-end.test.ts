import { generateKeyPairSync } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createServer } from '../../../app/server/create-server.ts';
import {
  createAgentHost,
  createBus,
  createGitHubPort,
  createMetrics,
  createStore,
  loadConfig,
  migrate,
  type AgentHost,
  type Bus,
  type CloudEvent,
  type Store,
} from '#platform';
import { eventually, quietLog, testBusDefaults, testGitHubPolicy } from '#platform/testing';
import { createGitHubDouble } from '../../../test/doubles/github-api.ts';
import { examplePayload, signedDelivery } from '../../../test/support/github-webhooks.ts';
import { testDatabaseUrl, uniqueName } from '../../../test/support/servers.ts';
import { tempRepo, type TempRepo } from './support/temp-repo.ts';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const secret = 'end-to-end-secret';
const config = loadConfig({ WEBHOOK_SECRET: secret, APP_ID: '1', PRIVATE_KEY: privateKey });
const agentsDir = new URL('../../', import.meta.url).pathname;
const schema = uniqueName('vision_e2e');

let repo: TempRepo;
let server: FastifyInstance;
let host: AgentHost;
let bus: Bus;
let store: Store;

afterEach(async () => {
  await host.stop({ timeoutMs: 2000 });
  await server.close();
  await bus.close();
  await store.close();
  await repo.dispose();
});
afterAll(async () => {
  const c = new pg.Client({ connectionString: testDatabaseUrl });
  await c.connect();
  await c.query(`drop schema if exists ${schema} cascade`);
  await c.end();
});

describe('WowVision through the platform', () => {
  it('webhook → bus → the wowvision agent → a failing check run with annotations, once, and vision.review.completed', async () => {
    repo = await tempRepo({
      '.github/wowvision.yml':
        'rules:\n  - name: no-lib\n    kind: dependency\n    from: src/**\n    to: lib/**\n    fix: import from core instead\n',
      'lib/x.ts': 'export const x = 1;\n',
    });
    await repo.git('checkout', '-q', '-b', 'feature');
    await repo.write({ 'src/a.ts': "import { x } from '../lib/x.ts';\nexport const a = x;\n" });
    const head = await repo.commit('breaks a rule');
    await repo.git('checkout', '-q', 'main');
    const github = createGitHubDouble();
    github.addRepo({ owner: 'acme', repo: 'shop', dir: repo.dir, pulls: [{ number: 7, head, base: 'main' }] });

    store = await createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 4, schema, log: quietLog });
    await migrate(store, { log: quietLog });
    bus = await createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog });
    const metrics = createMetrics({ defaultMetrics: false });
    const completed: CloudEvent[] = [];
    await bus.subscribe({
      group: 'observer',
      types: ['vision.review.completed'],
      handler: async (e) => void completed.push(e),
    });
    host = await createAgentHost({
      config,
      bus,
      store,
      log: quietLog,
      metrics,
      agentsDir,
      ids: ['wowvision'],
      github: createGitHubPort({
        credentials: { appId: '1', privateKey, apiUrl: 'https://api.github.com' },
        fetch: github.fetch,
        policy: testGitHubPolicy,
      }),
    });
    await host.start();
    server = await createServer({ config, bus, store, log: quietLog, metrics });

    const payload = examplePayload('pull_request', 'opened') as Record<string, Record<string, unknown>>;
    payload.repository = {
      ...payload.repository,
      name: 'shop',
      owner: { ...(payload.repository?.owner as object), login: 'acme' },
    };
    payload.installation = { id: 99 };
    Object.assign(payload.pull_request ?? {}, {
      number: 7,
      head: { ...(payload.pull_request?.head as object), sha: head },
      base: { ...(payload.pull_request?.base as object), ref: 'main' },
    });
    const send = async (delivery: string) => {
      const d = await signedDelivery(secret, 'pull_request', payload, delivery);
      return server.inject({ method: 'POST', url: '/api/github/webhooks', headers: d.headers, payload: d.body });
    };

    expect((await send('delivery-1')).statusCode).toBe(202);
    await eventually(() => completed.length === 1, 'vision.review.completed');
    expect(github.violations).toEqual([]);
    expect(github.checkRuns).toMatchObject([
      {
        head_sha: head,
        name: 'WowVision',
        status: 'completed',
        conclusion: 'failure',
        output: { annotations_count: 1 },
      },
    ]);
    expect(github.checkRuns[0]?.annotations[0]).toMatchObject({
      path: 'src/a.ts',
      start_line: 1,
      annotation_level: 'failure',
      message: expect.stringContaining('Fix: import from core instead') as string,
    });
    expect(completed[0]?.data).toMatchObject({ pull: 7, conclusion: 'failure', errors: 1 });

    // GitHub redelivers (same id: dropped at the door) and sends the event again (new id: the
    // agent finds the run it made for this head and rules).
    expect((await send('delivery-1')).json()).toMatchObject({ duplicate: true });
    await send('delivery-2');
    await eventually(
      () => github.callsTo('GET /repos/{owner}/{repo}/commits/{ref}/check-runs').length === 2,
      'the second delivery',
    );
    await host.stop({ timeoutMs: 2000 });
    expect(github.checkRuns).toHaveLength(1);
    expect(completed).toHaveLength(1);
  });
});
