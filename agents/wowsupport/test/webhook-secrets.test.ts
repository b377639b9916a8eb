import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWowError, type Store } from '#platform';
import { createCustomerChannels, deliverOutbound } from '../../wownotification/src/index.ts';
import { createCustomer, openTicket, recordDeskMessage, sealPlainWebhookSecrets } from '#domains/support';
import { uniqueName } from '../../../test/support/servers.ts';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { startCustomerEndpoint, type CustomerEndpoint } from '#domains/support/testing';

// Customers' webhook secrets at rest: sealed with SUPPORT_SECRETS_KEY (AES-256-GCM), so a
// copy of the database (a backup, another agent's access, a leaked dump) signs nothing;
// and a webhook URL's query string (where customers often put a token) is never written
// into an error or a delivery error (incident notices' logs: WowAnalytics' notice-secrets test).
const key = randomBytes(32);

describe.each(storeBackends('secrets'))("customers' webhook secrets on $name", (backend) => {
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
  const columns = async (id: string) =>
    (
      await store.query<{ row: string; webhook_secret: string | null; webhook_secret_key_id: string | null }>(
        'select row_to_json(c)::text as row, webhook_secret, webhook_secret_key_id from support_customers c where id = $1',
        [id],
      )
    ).rows[0];
  /** An answer on a new API ticket of the customer's, delivered with these channels. */
  const answer = async (customerId: string, secretsKey: Buffer | undefined) => {
    const ticket = await store.transaction((tx) =>
      openTicket(tx, { subject: 'Hooks', body: 'Do they arrive?', channel: 'api', customerId, requester: {} }),
    );
    const { messageId } = await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        direction: 'outbound',
        author: { kind: 'agent', id: 'wowsupport' },
        body: 'They do.',
        autoSubmitted: true,
        action: 'ask_customer',
      }),
    );
    return deliverOutbound(
      store,
      await createCustomerChannels({ smtpUrl: undefined, emailFrom: 'support@waooaw.example', secretsKey }),
      messageId,
    );
  };

  it("stores a webhook secret sealed, with the key's id beside it: no column holds it, and answers are still signed with it", async () => {
    const customer = await createCustomer(
      store,
      { slug: slug(), name: 'Acme', webhookUrl: `${endpoint.base}/hooks/sealed` },
      { secretsKey: key },
    );
    const secret = customer.webhookSecret ?? '';
    endpoint.secrets.set('/hooks/sealed', secret);
    expect(secret).toMatch(/^whsec_/);
    const stored = await columns(customer.id);
    expect(stored?.webhook_secret).toBeNull();
    expect(stored?.webhook_secret_key_id).toMatch(/^[0-9a-f]{16}$/);
    for (const form of [secret, Buffer.from(secret).toString('hex'), Buffer.from(secret).toString('base64')])
      expect(stored?.row).not.toContain(form);

    expect(await answer(customer.id, key)).toEqual({ did: 'delivered', channel: 'webhook' });
    expect(endpoint.received.at(-1)).toEqual({
      path: '/hooks/sealed',
      verified: true,
      type: 'support.message.outbound',
    });
  });

  it('refuses to store a webhook secret without SUPPORT_SECRETS_KEY, saying how to set one; a customer without a webhook needs none', async () => {
    const refused: unknown = await createCustomer(store, {
      slug: slug(),
      name: 'Plain',
      webhookUrl: `${endpoint.base}/hooks/plain`,
      webhookSecret: 'a-secret-of-sixteen-chars',
    }).catch((e: unknown) => e);
    expect(isWowError(refused, 'WOW_ERR_SECRETS_KEY_MISSING')).toBe(true);
    expect((refused as Error).message).toContain('openssl rand -base64 32');
    expect(
      (await store.query('select 1 from support_customers where webhook_url = $1', [`${endpoint.base}/hooks/plain`]))
        .rows,
    ).toHaveLength(0);
    expect((await createCustomer(store, { slug: slug(), name: 'No hooks' })).webhookSecret).toBeNull();
  });

  it('cannot open a sealed secret without the key that sealed it, and says which key that is', async () => {
    const customer = await createCustomer(
      store,
      { slug: slug(), name: 'Acme', webhookUrl: `${endpoint.base}/hooks/other-key` },
      { secretsKey: key },
    );
    for (const wrong of [undefined, randomBytes(32)]) {
      const err: unknown = await answer(customer.id, wrong).catch((e: unknown) => e);
      expect(isWowError(err, 'WOW_ERR_SECRETS_KEY_WRONG')).toBe(true);
      expect((err as Error).message).toContain((await columns(customer.id))?.webhook_secret_key_id ?? 'the key id');
    }
  });

  it('moves secrets stored in plain text before into sealed ones, and answers are still signed with them', async () => {
    const id = randomUUID();
    endpoint.secrets.set('/hooks/legacy', 'a-secret-from-before-sealing');
    await store.query(
      'insert into support_customers (id, slug, name, webhook_url, webhook_secret) values ($1, $2, $3, $4, $5)',
      [id, slug(), 'Legacy', `${endpoint.base}/hooks/legacy`, 'a-secret-from-before-sealing'],
    );
    // Until it is sealed, it still works.
    expect(await answer(id, undefined)).toEqual({ did: 'delivered', channel: 'webhook' });
    expect(await sealPlainWebhookSecrets(store, key)).toBeGreaterThanOrEqual(1);
    expect(await sealPlainWebhookSecrets(store, key)).toBe(0);
    const stored = await columns(id);
    expect(stored?.webhook_secret).toBeNull();
    expect(stored?.row).not.toContain('a-secret-from-before-sealing');
    expect(await answer(id, key)).toEqual({ did: 'delivered', channel: 'webhook' });
    expect(endpoint.received.at(-1)).toEqual({
      path: '/hooks/legacy',
      verified: true,
      type: 'support.message.outbound',
    });
  });

  it("never writes a webhook URL's path or query into an error or a delivery error: its origin only", async () => {
    // Slack, Discord and Teams put the webhook's secret in the path; others in the query.
    const token = 'query-token-1234';
    const inPath = 'XXXXpathsecret5678';
    for (const [url, code] of [
      [`${endpoint.base}/fail/services/T000/B000/${inPath}?token=${token}`, 'WOW_ERR_CUSTOMER_WEBHOOK'],
      [`http://127.0.0.1:9/api/webhooks/1/${inPath}?token=${token}`, 'WOW_ERR_CUSTOMER_WEBHOOK_UNREACHABLE'],
    ] as const) {
      const customer = await createCustomer(
        store,
        { slug: slug(), name: 'Leaky', webhookUrl: url },
        { secretsKey: key },
      );
      const err: unknown = await answer(customer.id, key).catch((e: unknown) => e);
      expect(isWowError(err, code)).toBe(true);
      expect((err as Error).message).toContain(`${new URL(url).origin}/…`);
      for (const secret of [token, inPath]) {
        expect((err as Error).message).not.toContain(secret);
        expect(JSON.stringify(err)).not.toContain(secret);
      }
      const failed = (
        await store.query<{ delivery_error: string }>(
          "select m.delivery_error from support_messages m join support_tickets t on t.id = m.ticket_id where t.customer_id = $1 and m.direction = 'outbound'",
          [customer.id],
        )
      ).rows;
      expect(failed.map((f) => f.delivery_error.includes(token) || f.delivery_error.includes(inPath))).toEqual([false]);
    }
  });
});
