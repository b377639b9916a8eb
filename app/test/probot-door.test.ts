import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createProbotDoor } from '../probot/create-probot-door.ts';
import { createServer } from '../server/create-server.ts';
import { missingCredentialsMessage } from '../probot/missing-credentials-message.ts';
import { readAppEvents } from '../probot/read-app-events.ts';
import { acceptWebhook, type GitHubEventData } from '../webhooks/accept-webhook.ts';
import { githubEventType } from '../webhooks/github-event-type.ts';
import { createBus, createMetrics, createStore, loadConfig, type CloudEvent } from '#platform';
import { eventually, quietLog, testBusDefaults } from '#platform/testing';
import { githubAppEnv, testAppPrivateKey } from '../../test/support/github-app.ts';
import { examplePayload, signedDelivery } from '../../test/support/github-webhooks.ts';
import { testDatabaseUrl } from '../../test/support/servers.ts';

const credentials = {
  appId: '12345',
  privateKey: testAppPrivateKey(),
  webhookSecret: 'door-secret',
  apiUrl: 'https://api.github.com',
};
const catalogue = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: Record<string, unknown>[];
}[];

describe('the Probot door', () => {
  it("receives a verified delivery through Probot, and its app function queues it for app.yml's events", async () => {
    const bus = await createBus({ streamMaxLen: 1000, defaults: testBusDefaults, log: quietLog });
    const seen: CloudEvent<GitHubEventData>[] = [];
    const events = await readAppEvents();
    expect(events).toEqual(
      expect.arrayContaining(['pull_request', 'issues', 'check_suite', 'check_run', 'issue_comment']),
    );
    await bus.subscribe({
      group: 'agent',
      types: events.flatMap((e) => [`github.${e}`, `github.${e}.*`]),
      handler: async (e) => void seen.push(e as CloudEvent<GitHubEventData>),
    });
    const door = await createProbotDoor({ credentials, bus, dedupeTtlSeconds: 60, log: quietLog });
    const d = await signedDelivery(credentials.webhookSecret, 'issues', examplePayload('issues', 'opened'));
    const outcome = await acceptWebhook(
      { headers: d.headers, body: Buffer.from(d.body) },
      { secret: credentials.webhookSecret, receive: (delivery) => door.receive(delivery) },
    );
    expect(outcome).toMatchObject({ status: 202, body: { queued: true, type: 'github.issues.opened' } });
    await eventually(() => seen.length === 1, 'the event on the bus');
    expect(seen[0]).toMatchObject({ id: d.delivery, type: 'github.issues.opened', data: { name: 'issues' } });
    await bus.close();
  });

  it("replays every one of GitHub's published example payloads through the server's Probot door onto the bus, each once", async () => {
    const bus = await createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog });
    const store = await createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 2, log: quietLog });
    const server = await createServer({
      config: loadConfig(githubAppEnv(credentials.webhookSecret)),
      bus,
      store,
      log: quietLog,
      metrics: createMetrics({ defaultMetrics: false }),
    });
    const got = new Set<string>();
    const types = new Set(
      catalogue.flatMap(({ name, examples }) => examples.map((x) => githubEventType(name, x.action))),
    );
    await bus.subscribe({ group: 'replay', types: [...types], handler: async (e) => void got.add(e.id) });
    const sent: string[] = [];
    for (const { name, examples } of catalogue)
      for (const [index, payload] of examples.entries()) {
        const d = await signedDelivery(credentials.webhookSecret, name, payload);
        const res = await server.inject({
          method: 'POST',
          url: '/api/github/webhooks',
          headers: d.headers,
          payload: d.body,
        });
        expect(res.statusCode, `${name} example ${index}: ${res.body}`).toBe(202);
        expect(res.json()).toMatchObject({ queued: true, id: d.delivery });
        sent.push(d.delivery);
      }
    expect(sent).toHaveLength(329);
    await eventually(() => got.size === sent.length, 'every example on the bus');
    await server.close();
    await bus.close();
    await store.close();
  });

  it('says which credentials are missing and where to find them', () => {
    const message = missingCredentialsMessage(['APP_ID', 'PRIVATE_KEY (or PRIVATE_KEY_PATH)']);
    expect(message).toContain('set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH)');
    expect(message).toContain('App settings page');
    expect(message).toContain('app.yml');
  });
});
