import { isBrokenCircuitError } from 'cockatiel';
import { isWowError } from '#platform';
import type { Connector } from '../connectors/connector.ts';
import { recordFailure, recordSuccess } from '../credentials/credential-store.ts';
import { credentialTiming, tokenFor } from '../credentials/token-for.ts';
import type { IntegrationDeps } from '../integration-deps.ts';
import { CallFailed } from './connector-gates.ts';
import { recordDelivery } from './deliveries.ts';
import { sendRequest, type ApiRequest } from './send-request.ts';

/**
 * How one delivery ended: delivered; kept for a later retry; or kept because the API
 * refused the access token just now (401), which the caller raises when it handles the
 * event itself, so that its refusal reaches the playbooks as `error.occurred`.
 */
export type DeliveryResult = 'delivered' | 'kept' | 'token-refused';

/**
 * Sends one request to the connector's API through its gate (retries with backoff, the
 * circuit breaker) and records the outcome: the delivery delivered, or failed with its
 * attempts and reason for a later retry; the credential's last success or failure. A
 * failure is recorded, not thrown: the retry is the connector's.
 */
export async function deliver(
  deps: IntegrationDeps,
  connector: Connector,
  delivery: { eventId: string; eventType: string; source: string; request: ApiRequest },
): Promise<DeliveryResult> {
  let attempts = 0;
  const outcome = { integration: connector.name, ...delivery };
  const fail = async (failure: { status: number | undefined; reason: string }) => {
    await recordDelivery(deps.db, { ...outcome, attempts, failure, now: deps.now() });
    deps.log.warn(
      { integration: connector.name, event: delivery.eventId, reason: failure.reason },
      'integration delivery failed',
    );
    return 'kept' as const;
  };
  const timing = await credentialTiming(deps, connector.name);
  if (timing === undefined) return fail({ status: undefined, reason: 'no credential stored' });
  let token: string | undefined;
  try {
    token = await tokenFor(deps, connector, timing);
  } catch (err) {
    if (!isWowError(err)) throw err;
    return fail({ status: undefined, reason: err.message.slice(0, 300) });
  }
  if (token === undefined)
    return fail({ status: 401, reason: 'token refused by the API; waiting for integration.credential.refresh' });
  const bearer = token;
  try {
    await deps.gateOf(connector).execute(async () => {
      attempts += 1;
      await sendRequest(connector, delivery.request, bearer);
    });
  } catch (err) {
    const now = deps.now();
    if (isBrokenCircuitError(err)) return fail({ status: undefined, reason: 'circuit open: the API failed too often' });
    if (!(err instanceof CallFailed)) throw err;
    await recordFailure(deps.db, connector.name, { error: err.reason, tokenRejected: err.status === 401, now });
    await fail({ status: err.status, reason: err.reason });
    return err.status === 401 ? 'token-refused' : 'kept';
  }
  // The credential's success first: whoever sees the delivery recorded sees its credential's state too.
  const now = deps.now();
  await recordSuccess(deps.db, connector.name, now);
  await recordDelivery(deps.db, { ...outcome, attempts, now });
  return 'delivered';
}
