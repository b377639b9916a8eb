// Helpers for tests of the support domain and of the agents that work on tickets, imported
// as '#domains/support/testing' (never by the product: nothing here is for a running desk).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudEvent, PgQueryable, Store } from '#platform';
import { verifyCustomerWebhook } from '../src/desk/post-customer-webhook.ts';
import { createReplyToken, replyAddress } from '../src/email/reply-address.ts';
import { slaClocks, type SlaClock, type SlaClockKind } from '../src/desk/sla.ts';
import { openTicket, type Priority } from '../src/desk/tickets.ts';

/** A ticket opened by API at `at`: its SLA clocks start then. */
export async function openTicketAt(store: Store, at: Date, priority: Priority = 'normal') {
  return store.transaction((tx) =>
    openTicket(tx, {
      subject: 'Webhooks stopped arriving',
      body: 'Since this morning no webhook reaches us.',
      channel: 'api',
      priority,
      requester: { email: 'ada@example.com' },
      at,
    }),
  );
}

/** The ticket's latest clock of `kind`. */
export async function latestClock(db: PgQueryable, ticketId: string, kind: SlaClockKind): Promise<SlaClock> {
  const clocks = (await slaClocks(db, ticketId)).filter((c) => c.kind === kind);
  const found = clocks.at(-1);
  if (found === undefined) throw new Error(`ticket ${ticketId} has no ${kind} clock`);
  return found;
}

/** The events of `type` about the ticket waiting in the outbox for the relay. */
export async function outboxed(db: PgQueryable, type: string, ticketId: string): Promise<CloudEvent[]> {
  const { rows } = await db.query<{ event: CloudEvent }>(
    "select event from outbox where event->>'type' = $1 and event->>'subject' = $2 order by id",
    [type, ticketId],
  );
  return rows.map((r) => r.event);
}

/** A customer's webhook endpoint on loopback: it verifies each post against the secret set for its path. */
export interface CustomerEndpoint {
  /** `http://127.0.0.1:<port>`: a webhook URL is `${base}/<path>`; a path under /fail answers 500. */
  readonly base: string;
  /** What it received, with whether each verified against the secret of its path. */
  readonly received: { path: string; verified: boolean; type: string }[];
  /** The secret each path verifies against. */
  readonly secrets: Map<string, string>;
  close(): Promise<void>;
}

export async function startCustomerEndpoint(): Promise<CustomerEndpoint> {
  const received: CustomerEndpoint['received'] = [];
  const secrets = new Map<string, string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path.startsWith('/fail')) return void res.writeHead(500).end();
      const body = Buffer.concat(chunks).toString('utf8');
      const verified = verifyCustomerWebhook({ secret: secrets.get(path) ?? '', body, headers: req.headers });
      received.push({ path, verified, type: (JSON.parse(body) as { type: string }).type });
      res.writeHead(verified ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    secrets,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** A customer's mail as raw RFC 5322 text, for the cases the fixtures do not cover; an empty header is left out. */
export function mailText(headers: Record<string, string>, body = 'Hello, it broke.'): string {
  const all = {
    From: 'Ada Lovelace <ada@customer.example>',
    To: 'support@waooaw.example',
    Subject: 'Help',
    Date: 'Tue, 01 Dec 2026 09:00:00 +0000',
    'Message-ID': `<m_${randomBytes(5).toString('hex')}@customer.example>`,
    ...headers,
  };
  return `${Object.entries(all)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${body}\r\n`;
}

/** A reply address of the ticket's, as the desk's mail on it carries one. */
export const replyAddressOf = async (store: Store, ticketId: string) =>
  replyAddress('support@waooaw.example', await createReplyToken(store, ticketId));
