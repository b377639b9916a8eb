import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '#platform';
import { createCustomer } from '#domains/support';
import { createNoticeSender } from '../src/incidents/create-notice-sender.ts';
import { addCustomerAgent, insertIncident, queueIncidentNotices } from '../src/incidents/incident-store.ts';
import { sendIncidentNotices } from '../src/incidents/send-incident-notices.ts';
import { uniqueName } from '../../../test/support/servers.ts';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { startCustomerEndpoint, type CustomerEndpoint } from '#domains/support/testing';

// Incident notices to customers whose webhook secret is sealed with SUPPORT_SECRETS_KEY:
// signed with that secret, and a webhook URL's path or query (where Slack, Discord and
// Teams keep their secret) is never written into the log of a notice that failed.
const key = randomBytes(32);
const figures = (agentId: string) => ({
  agentId,
  current: { handled: 100, meanMs: 400, errorRate: 0.2 },
  baseline: { handled: 1000, meanMs: 50, errorRate: 0.005 },
});

describe.each(storeBackends('notices'))('incident notices to sealed webhook secrets on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let endpoint: CustomerEndpoint;
  beforeAll(async () => {
    ({ store, close } = await backend.open());
    endpoint = await startCustomerEndpoint();
  });
  afterAll(async () => {
    await endpoint.close();
    await close();
  });

  const slug = () => uniqueName('acme').replace(/_/g, '-');
  /** An incident on a new agent the customer uses, with its notice queued. */
  const incidentFor = async (customerId: string) => {
    const agentId = uniqueName('agent');
    await addCustomerAgent(store, customerId, agentId);
    const incident = await insertIncident(store, {
      id: randomUUID(),
      agentId,
      signals: ['errors'],
      figures: figures(agentId),
      now: new Date(),
      repo: undefined,
    });
    if (incident === undefined) throw new Error('an incident of a new agent opens');
    await queueIncidentNotices(store, incident, 'opened');
  };

  it('tells a customer whose secret is sealed of an incident, signed with that secret', async () => {
    const customer = await createCustomer(
      store,
      { slug: slug(), name: 'Initech', webhookUrl: `${endpoint.base}/hooks/incidents` },
      { secretsKey: key },
    );
    endpoint.secrets.set('/hooks/incidents', customer.webhookSecret ?? '');
    await incidentFor(customer.id);
    const sent = await sendIncidentNotices(store, createNoticeSender(key), new Date(), pino({ level: 'silent' }));
    expect(sent).toBe(1);
    expect(endpoint.received.at(-1)).toEqual({
      path: '/hooks/incidents',
      verified: true,
      type: 'support.incident.opened',
    });
  });

  it("logs a notice that failed with the webhook URL's origin only, never its path or query", async () => {
    const token = 'query-token-1234';
    const inPath = 'XXXXpathsecret5678';
    for (const url of [
      `${endpoint.base}/fail/services/T000/B000/${inPath}?token=${token}`,
      `http://127.0.0.1:9/api/webhooks/1/${inPath}?token=${token}`,
    ]) {
      const customer = await createCustomer(
        store,
        { slug: slug(), name: 'Leaky', webhookUrl: url },
        { secretsKey: key },
      );
      await incidentFor(customer.id);
      const lines: string[] = [];
      const capture = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      });
      expect(
        await sendIncidentNotices(store, createNoticeSender(key), new Date(), pino({ level: 'trace' }, capture)),
      ).toBe(0);
      expect(lines.join('')).toContain('incident notice not delivered');
      expect(lines.join('')).toContain(`${new URL(url).origin}/…`);
      expect(lines.join('')).not.toContain(token);
      expect(lines.join('')).not.toContain(inPath);
    }
  });
});
