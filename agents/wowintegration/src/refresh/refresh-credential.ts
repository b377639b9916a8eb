import { z } from 'zod';
import { defineProtocol, isWowError } from '#platform';
import type { Connector } from '../connectors/connector.ts';
import { refreshToken } from '../credentials/token-for.ts';
import { retryFailed } from '../delivery/retry-failed.ts';
import type { IntegrationDeps } from '../integration-deps.ts';

export const credentialRefreshRequest = z.strictObject({
  integration: z
    .string()
    .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'expected a connector name, e.g. "salesforce"' })
    .max(64),
});

export const credentialRefreshProtocol = defineProtocol({
  type: 'integration.credential.refresh',
  input: credentialRefreshRequest,
  output: z.strictObject({
    integration: z.string(),
    refreshed: z.boolean(),
    /** The new token's expiry; null when the server gave none or nothing was refreshed. */
    expiresAt: z.string().nullable(),
    /** Why it did not refresh (the token endpoint's refusal), when it did not. */
    problem: z.string().nullable(),
    retried: z.int(),
    succeeded: z.int(),
  }),
});
export type CredentialRefreshReply = z.input<(typeof credentialRefreshProtocol)['output']>;

/**
 * Takes a new token for the connector, then retries its failed deliveries, the oldest
 * first, up to `retryBatch`. A token endpoint that refuses is answered (refreshed: false,
 * with its reason), not thrown: the caller (a playbook) decides what comes next.
 */
export async function refreshCredential(
  deps: IntegrationDeps,
  connector: Connector,
  opts: { retryBatch: number },
): Promise<CredentialRefreshReply> {
  const base = { integration: connector.name, retried: 0, succeeded: 0 };
  let expiresAt: Date | null;
  try {
    ({ expiresAt } = await refreshToken(deps, connector));
  } catch (err) {
    if (!isWowError(err)) throw err;
    return { ...base, refreshed: false, expiresAt: null, problem: err.message.slice(0, 300) };
  }
  const { retried, succeeded } = await retryFailed(deps, connector, opts.retryBatch);
  deps.log.info({ integration: connector.name, retried, succeeded }, 'integration credential refreshed');
  return {
    ...base,
    refreshed: true,
    expiresAt: expiresAt?.toISOString() ?? null,
    problem: null,
    retried,
    succeeded,
  };
}
