import { createHash } from 'node:crypto';
import { agentSecretBox, type PgQueryable, type SecretBox } from '#platform';
import type { Connector } from '../connectors/connector.ts';
import { getConnector } from '../connectors/load-connectors.ts';
import { openCredential } from '../credentials/credential-store.ts';
import { createError } from '../errors.ts';
import { verifyWebhook, type InboundWebhook } from './verify-webhook.ts';

/** What the door publishes for a verified webhook: its type, and a key that makes a redelivery one event. */
export interface VerifiedWebhook {
  type: 'integration.webhook.received';
  subject: string;
  /** The same signature is the same delivery (providers sign each one afresh, with its time). */
  dedupeKey: string;
}

/**
 * The server's door for an outside API's webhook: the connector by name, the body within
 * its size, the signature checked with the webhook secret sealed in the connector's
 * credential (opened with the platform's secret box, as WowIntegration's own). Throws
 * WOW_ERR_CONNECTOR_NOT_FOUND, WOW_ERR_INTEGRATION_WEBHOOK_TOO_LARGE or WOW_ERR_INTEGRATION_WEBHOOK.
 */
export async function receiveWebhook(opts: {
  db: PgQueryable;
  /** The platform's secret box (identity.kms.secrets): this binds WowIntegration's id as its own context does. */
  secrets: SecretBox;
  connectors: readonly Connector[];
  dir: string;
  name: string;
  inbound: InboundWebhook;
  now: Date;
}): Promise<VerifiedWebhook> {
  const connector = getConnector(opts.connectors, opts.name, opts.dir);
  const config = connector.webhook;
  if (config === undefined)
    throw createError('WOW_ERR_INTEGRATION_WEBHOOK', {
      name: connector.name,
      problem: 'the connector declares no webhook',
    });
  if (opts.inbound.body.length > config.maxBodyBytes)
    throw createError('WOW_ERR_INTEGRATION_WEBHOOK_TOO_LARGE', {
      name: connector.name,
      limit: String(config.maxBodyBytes),
    });
  const secrets = await openCredential(opts.db, agentSecretBox(opts.secrets, 'wowintegration'), connector.name).catch(
    () => undefined,
  );
  if (secrets?.webhookSecret === undefined)
    throw createError('WOW_ERR_INTEGRATION_WEBHOOK', {
      name: connector.name,
      problem: 'no webhook secret is stored for it (`wow integrations credential` with a webhook secret)',
    });
  verifyWebhook(connector, secrets.webhookSecret, opts.inbound, opts.now);
  const signature = String(opts.inbound.headers[config.header.toLowerCase()]);
  return {
    type: 'integration.webhook.received',
    subject: connector.name,
    dedupeKey: `integration:${connector.name}:${createHash('sha256').update(signature).digest('hex')}`,
  };
}
