import type { FastifyPluginAsync } from 'fastify';
import { createEvent, isWowError, type Bus, type Metrics, type SecretBox, type Store } from '#platform';
import { loadConnectors, receiveWebhook } from '../../agents/wowintegration/src/index.ts';
import { createError } from '../errors.ts';

export interface IntegrationWebhooksOptions {
  store: Store;
  bus: Bus;
  metrics: Metrics;
  /** The platform's secret box (identity.kms.secrets), which opens WowIntegration's sealed webhook secrets. */
  secrets: SecretBox;
  /** WOWINTEGRATION_DIR: the connectors. */
  dir: string;
  dedupeTtlSeconds: number;
  clock: () => Date;
}

const name = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * `POST /api/integrations/:name/webhook`: an outside API's webhook, verified by WowIntegration
 * as its connector declares, then published as `integration.webhook.received` once per
 * signature. A bad signature is 401 and a security violation; nothing else is said of why.
 */
export const integrationWebhooks: FastifyPluginAsync<IntegrationWebhooksOptions> = async (app, opts) => {
  const connectors = await loadConnectors(opts.dir);
  // The largest any connector takes; each connector's own limit is checked per request.
  const bodyLimit = Math.max(1024, ...connectors.map((c) => c.webhook?.maxBodyBytes ?? 0));
  app.post<{ Params: { name: string } }>('/api/integrations/:name/webhook', { bodyLimit }, async (req, reply) => {
    const body = req.body;
    if (!Buffer.isBuffer(body)) throw createError('WOW_ERR_WEBHOOK_INVALID', { problem: 'expected a JSON body' });
    if (!name.test(req.params.name) || req.params.name.length > 64)
      throw createError('WOW_ERR_WEBHOOK_INVALID', { problem: 'the connector name is not a kebab-case name' });
    let verified;
    try {
      verified = await receiveWebhook({
        db: opts.store,
        secrets: opts.secrets,
        connectors,
        dir: opts.dir,
        name: req.params.name,
        inbound: { body, headers: req.headers },
        now: opts.clock(),
      });
    } catch (err) {
      if (isWowError(err, 'WOW_ERR_INTEGRATION_WEBHOOK'))
        opts.metrics.securityViolation('webhook_signature', {
          source: 'integration webhook door',
          reason: `integration ${req.params.name}: ${err.message.slice(0, 200)}`,
          sample: { integration: req.params.name },
        });
      throw err;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      throw createError('WOW_ERR_WEBHOOK_INVALID', { problem: 'the body is not JSON' });
    }
    if (typeof payload !== 'object' || payload === null)
      throw createError('WOW_ERR_WEBHOOK_INVALID', { problem: 'expected a JSON object or array' });
    const event = createEvent({
      type: verified.type,
      source: `urn:wow:integration:${verified.subject}`,
      subject: verified.subject,
      data: { integration: verified.subject, payload },
    });
    const result = await opts.bus.publish(event, {
      dedupeKey: verified.dedupeKey,
      dedupeTtlSeconds: opts.dedupeTtlSeconds,
    });
    return reply.code(202).send({ queued: !result.duplicate, duplicate: result.duplicate, id: event.id });
  });
};
