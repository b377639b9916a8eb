import type { Connector } from '../connectors/connector.ts';
import type { IntegrationDeps } from '../integration-deps.ts';
import { deliver } from './deliver.ts';
import { failedDeliveries } from './deliveries.ts';

/** Sends a connector's kept deliveries again, the oldest first, up to `batch`: how many were tried and went through. */
export async function retryFailed(
  deps: IntegrationDeps,
  connector: Connector,
  batch: number,
): Promise<{ retried: number; succeeded: number }> {
  let succeeded = 0;
  const waiting = await failedDeliveries(deps.db, connector.name, batch);
  for (const d of waiting) {
    const request = { method: d.method, path: d.path, body: d.body };
    const result = await deliver(deps, connector, {
      eventId: d.eventId,
      eventType: d.eventType,
      source: d.source,
      request,
    });
    if (result === 'delivered') succeeded += 1;
  }
  return { retried: waiting.length, succeeded };
}
