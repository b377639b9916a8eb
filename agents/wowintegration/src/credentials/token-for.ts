import type { Connector } from '../connectors/connector.ts';
import type { IntegrationDeps } from '../integration-deps.ts';
import { openCredential, recordFailure, recordRefresh, recordSuccess } from './credential-store.ts';
import { takeToken } from './take-token.ts';

// A token this close to its expiry is taken anew rather than sent to fail on the way.
const expirySkewMs = 30_000;

/**
 * Takes a new access token for the connector and seals it in place of the old one (a
 * rotated refresh token too). A refusal counts as a failure of the credential, with the
 * OAuth error code as its last error.
 */
export async function refreshToken(deps: IntegrationDeps, connector: Connector): Promise<{ expiresAt: Date | null }> {
  const secrets = await openCredential(deps.db, deps.secrets, connector.name);
  const now = deps.now();
  try {
    const token = await takeToken(connector, secrets, { now });
    await recordRefresh(
      deps.db,
      deps.secrets,
      connector.name,
      { ...secrets, accessToken: token.accessToken, refreshToken: token.refreshToken ?? secrets.refreshToken },
      { expiresAt: token.expiresAt, now },
    );
    await recordSuccess(deps.db, connector.name, now);
    deps.log.info(
      { integration: connector.name, expiresAt: token.expiresAt?.toISOString() ?? null },
      'integration token taken',
    );
    return { expiresAt: token.expiresAt };
  } catch (err) {
    const reason = err instanceof Error ? err.message.slice(0, 300) : 'token request failed';
    await recordFailure(deps.db, connector.name, { error: reason, tokenRejected: false, now });
    throw err;
  }
}

/**
 * The access token to send: the stored one while it is good, else a new one when the
 * connector's token endpoint can be asked without a person (before the first use, or past
 * the expiry the server gave). Undefined when the API refused the stored token since its
 * last refresh: sending it again would only fail, and taking a new one is the remedy
 * (integration.credential.refresh), which playbooks decide on.
 */
export async function tokenFor(
  deps: IntegrationDeps,
  connector: Connector,
  state: CredentialTiming,
): Promise<string | undefined> {
  if (state.tokenRejectedAt !== null) return undefined;
  const secrets = await openCredential(deps.db, deps.secrets, connector.name);
  const due = state.expiresAt !== null && state.expiresAt.getTime() - expirySkewMs <= deps.now().getTime();
  if (secrets.accessToken !== undefined && !due) return secrets.accessToken;
  await refreshToken(deps, connector);
  return (await openCredential(deps.db, deps.secrets, connector.name)).accessToken;
}

export interface CredentialTiming {
  expiresAt: Date | null;
  tokenRejectedAt: Date | null;
}

export async function credentialTiming(
  deps: IntegrationDeps,
  integration: string,
): Promise<CredentialTiming | undefined> {
  const { rows } = await deps.db.query<{ expires_at: Date | null; token_rejected_at: Date | null }>(
    'select expires_at, token_rejected_at from integration_credentials where integration = $1',
    [integration],
  );
  const [row] = rows;
  return row === undefined ? undefined : { expiresAt: row.expires_at, tokenRejectedAt: row.token_rejected_at };
}
