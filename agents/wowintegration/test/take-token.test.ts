import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOAuth2Double, type OAuth2Double } from '../../../test/doubles/oauth2-token-endpoint.ts';
import { connectorSchema } from '../src/index.ts';
import { takeToken } from '../src/credentials/take-token.ts';

// oauth4webapi's grants against the token-endpoint double, which refuses what RFC 6749 does.
const client = { clientId: 'app id:with/specials', clientSecret: 's3cret+/=&value' };
let oauth: OAuth2Double;
beforeAll(async () => {
  oauth = await startOAuth2Double({ ...client, refreshTokens: ['rt-1'], rotateRefreshTokens: true, expiresIn: 900 });
});
afterAll(async () => {
  await oauth.close();
});

const connector = (auth: Record<string, unknown>) =>
  connectorSchema.parse({
    name: 'crm',
    description: 'A CRM.',
    baseUrl: 'https://crm.example.com',
    auth: { tokenEndpoint: oauth.tokenEndpoint, ...auth },
  });
const now = new Date('2026-12-06T00:00:00Z');

describe('taking a token', () => {
  it('client credentials with HTTP Basic (id and secret form-urlencoded first) and the scopes, expiry from expires_in', async () => {
    const token = await takeToken(
      connector({ kind: 'oauth2-client-credentials', scopes: ['a.read', 'b.write'] }),
      client,
      { now },
    );
    expect(token.accessToken).toMatch(/^at-/);
    expect(token.refreshToken).toBeUndefined();
    expect(token.expiresAt?.toISOString()).toBe('2026-12-06T00:15:00.000Z');
    expect(oauth.grants.at(-1)).toEqual({
      grantType: 'client_credentials',
      clientAuth: 'basic',
      scope: 'a.read b.write',
    });
    expect(oauth.violations).toEqual([]);
  });

  it('a refresh token with the client in the body, keeping the rotated refresh token; the old one is then invalid_grant', async () => {
    const refresh = connector({ kind: 'oauth2-refresh-token', clientAuth: 'client_secret_post' });
    const token = await takeToken(refresh, { ...client, refreshToken: 'rt-1' }, { now });
    expect(token.refreshToken).toMatch(/^rt-/);
    expect(oauth.grants.at(-1)).toEqual({ grantType: 'refresh_token', clientAuth: 'post', scope: undefined });
    await expect(takeToken(refresh, { ...client, refreshToken: 'rt-1' }, { now })).rejects.toMatchObject({
      code: 'WOW_ERR_TOKEN_REFUSED',
      message: expect.stringContaining('refused the refresh_token grant: HTTP 400 invalid_grant') as unknown,
    });
    expect(
      (await takeToken(refresh, { ...client, refreshToken: token.refreshToken ?? '' }, { now })).accessToken,
    ).toMatch(/^at-/);
    expect(oauth.violations).toEqual([]);
  });

  it('says why when the endpoint is down, never with the secret, and that a refresh token is missing', async () => {
    oauth.failNext(1);
    const err = await takeToken(connector({ kind: 'oauth2-client-credentials' }), client, { now }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'WOW_ERR_TOKEN_REFUSED' });
    expect((err as Error).message).toContain('HTTP 503, not a token response');
    expect((err as Error).message).not.toContain(client.clientSecret);
    const noRefresh = takeToken(connector({ kind: 'oauth2-refresh-token' }), client, { now });
    await expect(noRefresh).rejects.toThrow(/no refresh token is stored/);
  });
});
