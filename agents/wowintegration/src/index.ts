// WowIntegration: connects the platform to outside APIs through declared connectors
// (integrations/<name>/connector.yml), keeps their OAuth2 credentials sealed and healthy,
// and verifies their inbound webhooks (the server's door calls verifyWebhook). It delivers
// the events each connector names, through retries and a circuit breaker, keeping every
// failed delivery for a retry; it answers integration.credentials.health and
// integration.credential.refresh (WowSupport's playbooks ask both).
import { answering, defineAgent, type HandlerContext, type SetupContext } from '#platform';
import { getConnector } from './connectors/load-connectors.ts';
import { createIntegrationState, type IntegrationState } from './create-integration-state.ts';
import { credentialTiming } from './credentials/token-for.ts';
import { deliver } from './delivery/deliver.ts';
import { createError } from './errors.ts';
import { isDeliveredOrRetrying } from './delivery/deliveries.ts';
import { requestForEvent } from './delivery/request-for-event.ts';
import { retryFailed } from './delivery/retry-failed.ts';
import { credentialsHealthProtocol, readCredentialsHealth } from './health/credentials-health.ts';
import type { IntegrationDeps } from './integration-deps.ts';
import { integrationSettings, type IntegrationSettings } from './integration-settings.ts';
import { credentialRefreshProtocol, refreshCredential } from './refresh/refresh-credential.ts';

export { connectorSchema, type Connector } from './connectors/connector.ts';
export { getConnector, loadConnectors } from './connectors/load-connectors.ts';
export { credentialSecrets, saveCredential, type CredentialSecrets } from './credentials/credential-store.ts';
export { failedDeliveries, type FailedDelivery } from './delivery/deliveries.ts';
// The protocols callers ask with (`ctx.request(credentialsHealthProtocol, {})`); agent.yml `answers` them.
export {
  credentialsHealthProtocol,
  readCredentialsHealth,
  type CredentialHealth,
  type CredentialState,
} from './health/credentials-health.ts';
export { integrationSettings, type IntegrationSettings } from './integration-settings.ts';
export { credentialRefreshProtocol, type CredentialRefreshReply } from './refresh/refresh-credential.ts';
export { receiveWebhook, type VerifiedWebhook } from './webhooks/receive-webhook.ts';
export { verifyWebhook, type InboundWebhook } from './webhooks/verify-webhook.ts';

// The events connectors may deliver: each needs a handler here and a line in agent.yml's wakesOn.
const deliverable = ['support.ticket.opened'] as const;

type Ctx = HandlerContext<IntegrationSettings, IntegrationState>;

const depsOf = (ctx: Pick<Ctx, 'store' | 'state' | 'log' | 'clock'>): IntegrationDeps => ({
  db: ctx.store,
  secrets: ctx.state.secrets,
  log: ctx.log,
  now: ctx.clock,
  gateOf: ctx.state.gateOf,
});

/**
 * Sends the event to every connector that declares it, once each, even when the bus
 * delivers it twice. A connector with no credential stored is not configured yet (the
 * shipped examples, until `wow integrations credential`): it receives nothing, and
 * nothing is kept for it. When an API refused its token (401), every connector is still
 * served first, then WOW_ERR_INTEGRATION_UNAUTHORIZED is thrown: not retryable, the event
 * is dead-lettered and the platform publishes `error.occurred`, which WowSupport's
 * playbook answers with integration.credential.refresh (that re-sends what was kept).
 * Deliveries after the refusal are kept unsent and not raised again: one refusal, one
 * error, one refresh.
 */
async function deliverToConnectors(ctx: Ctx): Promise<{ delivered: number; failed: number; unconfigured: number }> {
  const { event } = ctx;
  const counts = { delivered: 0, failed: 0, unconfigured: 0 };
  const refused: string[] = [];
  for (const connector of ctx.state.connectors)
    for (const declared of connector.deliver.filter((d) => d.event === event.type)) {
      if ((await credentialTiming(depsOf(ctx), connector.name)) === undefined) {
        counts.unconfigured += 1;
        continue;
      }
      if (await isDeliveredOrRetrying(ctx.store, connector.name, event.id, ctx.clock())) continue;
      const request = requestForEvent(declared, event);
      const result = await deliver(depsOf(ctx), connector, {
        eventId: event.id,
        eventType: event.type,
        source: event.source,
        request,
      });
      counts[result === 'delivered' ? 'delivered' : 'failed'] += 1;
      if (result === 'token-refused') refused.push(connector.name);
    }
  const [first] = refused;
  if (first !== undefined)
    throw createError('WOW_ERR_INTEGRATION_UNAUTHORIZED', {
      name: first,
      eventType: event.type,
      eventId: event.id,
    });
  return counts;
}

export default defineAgent({
  settings: integrationSettings,
  setup: (ctx: SetupContext<IntegrationSettings>): Promise<IntegrationState> =>
    createIntegrationState(ctx, [...deliverable]),
  on: {
    'integration.credentials.health': answering(credentialsHealthProtocol, (ctx: Ctx, request) =>
      readCredentialsHealth(ctx.store, ctx.state.connectors, request, ctx.clock()),
    ),
    'integration.credential.refresh': answering(credentialRefreshProtocol, (ctx: Ctx, request) =>
      refreshCredential(depsOf(ctx), getConnector(ctx.state.connectors, request.integration, ctx.state.dir), {
        retryBatch: ctx.settings.retryBatch,
      }),
    ),
    'support.ticket.opened': { handle: deliverToConnectors },
  },
  every: {
    // Deliveries kept through an outage go out once the API is back; an expired credential's wait for its refresh.
    retry: {
      interval: (settings) => settings.retryIntervalMs,
      async handle(ctx) {
        const health = await readCredentialsHealth(ctx.store, ctx.state.connectors, {}, ctx.clock());
        for (const connector of ctx.state.connectors) {
          const credential = health.credentials.find((c) => c.integration === connector.name);
          if (credential === undefined || credential.failedDeliveries === 0) continue;
          if (credential.state === 'expired' || credential.state === 'missing') continue;
          const { retried, succeeded } = await retryFailed(depsOf(ctx), connector, ctx.settings.retryBatch);
          ctx.log.info({ integration: connector.name, retried, succeeded }, 'kept deliveries retried');
        }
      },
    },
  },
});
