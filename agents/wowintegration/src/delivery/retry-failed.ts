import type { Connector } from '../connectors/connector.ts';
import type { IntegrationDeps } from '../integration-deps.ts';
import { deliver } from './deliver.ts';
import { claimFailed } from './deliveries.ts';

/**
 * Sends a connector's kept deliveries again, the oldest first, up to `batch`: how many were
 * tried and went through. Each is claimed first for as long as its tries can take, so a
 * retry running at the same time elsewhere sends the others; each outcome is recorded
 * (delivered, or kept with its attempts added up) and releases the claim.
 */
export async function retryFailed(
  deps: IntegrationDeps,
  connector: Connector,
  batch: number,
): Promise<{ retried: number; succeeded: number }> {
  let succeeded = 0;
  const { retries } = connector;
  const now = deps.now();
  const leaseMs = retries.maxAttempts * (retries.timeoutMs + retries.maxDelayMs);
  const waiting = await claimFailed(deps.db, connector.name, {
    limit: batch,
    now,
    until: new Date(now.getTime() + leaseMs),
  });
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
