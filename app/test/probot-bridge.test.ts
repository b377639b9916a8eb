import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ApplicationFunction } from 'probot';
import { createProbotBridge, missingCredentialsMessage } from '../probot/create-probot-bridge.ts';
import { readAppEvents } from '../probot/read-app-events.ts';
import { acceptWebhook } from '../webhooks/accept-webhook.ts';
import { createBus } from '#platform';
import { eventually, quietLog, testBusDefaults } from '#platform/testing';
import { examplePayload, signedDelivery } from '../../test/support/github-webhooks.ts';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const credentials = { appId: '12345', privateKey, webhookSecret: 'bridge-secret', apiUrl: 'https://api.github.com' };

describe('Probot bridge', () => {
  it("runs Probot app functions off the bus for app.yml's events", async () => {
    const bus = await createBus({ streamMaxLen: 1000, defaults: testBusDefaults, log: quietLog });
    const seen: { name: string; action: unknown; id: string }[] = [];
    const appFn: ApplicationFunction = (app) => {
      app.on('issues.opened', async (context) => {
        seen.push({ name: context.name, action: context.payload.action, id: context.id });
        await Promise.resolve();
      });
    };
    const events = await readAppEvents();
    expect(events).toEqual(
      expect.arrayContaining(['pull_request', 'issues', 'check_suite', 'check_run', 'issue_comment']),
    );
    const bridge = await createProbotBridge({ credentials, bus, log: quietLog, appFn, events });
    const d = await signedDelivery(credentials.webhookSecret, 'issues', examplePayload('issues', 'opened'));
    await acceptWebhook(
      { headers: d.headers, body: Buffer.from(d.body) },
      { bus, secret: credentials.webhookSecret, dedupeTtlSeconds: 60 },
    );
    await eventually(() => seen.length === 1, 'the app function');
    expect(seen[0]).toEqual({ name: 'issues', action: 'opened', id: d.delivery });
    await bridge.stop({ timeoutMs: 1000 });
    await bus.close();
  });

  it('says which credentials are missing and where to find them', () => {
    const message = missingCredentialsMessage(['APP_ID', 'PRIVATE_KEY (or PRIVATE_KEY_PATH)']);
    expect(message).toContain('set APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH)');
    expect(message).toContain('App settings page');
    expect(message).toContain('app.yml');
  });
});
