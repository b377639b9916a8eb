import * as oauth from 'oauth4webapi';
import type { Connector } from '../connectors/connector.ts';
import { isLoopback } from '../connectors/connector.ts';
import { createError } from '../errors.ts';
import type { CredentialSecrets } from './credential-store.ts';

export interface TakenToken {
  accessToken: string;
  /** A refresh token the server rotated in, to keep instead of the old one. */
  refreshToken: string | undefined;
  /** Null when the server gave no `expires_in` (Salesforce does not). */
  expiresAt: Date | null;
}

/**
 * A new access token from the connector's token endpoint (RFC 6749): the client-credentials
 * grant (4.4) or the refresh-token grant (6), the client authenticated as the connector
 * says (2.3.1). oauth4webapi builds the form-encoded request and checks the response;
 * an OAuth error (invalid_grant, invalid_client …) becomes WOW_ERR_TOKEN_REFUSED with its
 * code and status, never its body.
 */
export async function takeToken(
  connector: Connector,
  secrets: CredentialSecrets,
  opts: { now: Date; signal?: AbortSignal },
): Promise<TakenToken> {
  const { auth } = connector;
  const server: oauth.AuthorizationServer = {
    issuer: new URL(auth.tokenEndpoint).origin,
    token_endpoint: auth.tokenEndpoint,
  };
  const client: oauth.Client = { client_id: secrets.clientId };
  const clientAuth =
    auth.clientAuth === 'client_secret_post'
      ? oauth.ClientSecretPost(secrets.clientSecret)
      : oauth.ClientSecretBasic(secrets.clientSecret);
  const grant = auth.kind === 'oauth2-refresh-token' ? 'refresh_token' : 'client_credentials';
  const options = {
    signal: opts.signal ?? AbortSignal.timeout(connector.retries.timeoutMs),
    // Plain HTTP only to a loopback host, which the connector's schema alone allows.
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the library marks the option so that it stands out; it does here
    ...(isLoopback(auth.tokenEndpoint) ? { [oauth.allowInsecureRequests]: true } : {}),
  };
  const scope: Record<string, string> = auth.scopes.length > 0 ? { scope: auth.scopes.join(' ') } : {};
  try {
    let result: oauth.TokenEndpointResponse;
    if (grant === 'refresh_token') {
      if (secrets.refreshToken === undefined)
        throw createError('WOW_ERR_TOKEN_REFUSED', {
          name: connector.name,
          grant,
          problem: 'no refresh token is stored; store one with `wow integrations credential`',
        });
      const response = await oauth.refreshTokenGrantRequest(server, client, clientAuth, secrets.refreshToken, {
        ...options,
        additionalParameters: scope,
      });
      result = await oauth.processRefreshTokenResponse(server, client, response);
    } else {
      const response = await oauth.clientCredentialsGrantRequest(server, client, clientAuth, scope, options);
      result = await oauth.processClientCredentialsResponse(server, client, response);
    }
    return {
      accessToken: result.access_token,
      refreshToken: result.refresh_token,
      expiresAt: result.expires_in === undefined ? null : new Date(opts.now.getTime() + result.expires_in * 1000),
    };
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError)
      throw createError('WOW_ERR_TOKEN_REFUSED', {
        name: connector.name,
        grant,
        problem: `HTTP ${err.status} ${err.error}`,
      });
    if (err instanceof oauth.WWWAuthenticateChallengeError) {
      // A 401 with a challenge (invalid_client, RFC 6749 5.2): its error code is in the body, still unread.
      const body: unknown = await err.response.json().catch(() => undefined);
      const code = (body as { error?: unknown } | undefined)?.error;
      throw createError('WOW_ERR_TOKEN_REFUSED', {
        name: connector.name,
        grant,
        problem: `HTTP ${err.status} ${typeof code === 'string' && /^[a-z_]{1,60}$/.test(code) ? code : 'unauthorized'}`,
      });
    }
    // A response that is no token response (a 503 from a proxy, say) comes as the cause; its status says most.
    if (err instanceof oauth.OperationProcessingError && err.cause instanceof Response)
      throw createError('WOW_ERR_TOKEN_REFUSED', {
        name: connector.name,
        grant,
        problem: `HTTP ${err.cause.status}, not a token response`,
      });
    if (err instanceof oauth.OperationProcessingError || err instanceof oauth.UnsupportedOperationError)
      throw createError('WOW_ERR_TOKEN_REFUSED', { name: connector.name, grant, problem: err.message.slice(0, 200) });
    throw err;
  }
}
