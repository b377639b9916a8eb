import * as oauth from 'oauth4webapi';
import { createGitHubClient } from '#platform';
import { createError } from '../errors.ts';
import type { OperatorSignIn } from '../settings/commerce-settings.ts';

type GitHubSignIn = Exclude<OperatorSignIn, { missing: string[] }>;

/**
 * Where the browser goes to sign in with GitHub: the App's web flow
 * (`<github>/login/oauth/authorize`) with its client id, our callback and the `state` the
 * callback must bring back. GitHub Apps take no scopes: the user's token can do what both
 * the user and the App may.
 */
export function operatorAuthorizeUrl(
  github: GitHubSignIn,
  opts: { state: string; codeVerifier: string; redirectUri: string },
): Promise<string> {
  const url = new URL('/login/oauth/authorize', github.webUrl);
  url.searchParams.set('client_id', github.clientId);
  url.searchParams.set('redirect_uri', opts.redirectUri);
  url.searchParams.set('state', opts.state);
  url.searchParams.set('allow_signup', 'false');
  // PKCE (RFC 7636): a code stolen on its way back is useless without this browser's verifier.
  return oauth.calculatePKCECodeChallenge(opts.codeVerifier).then((challenge) => {
    url.searchParams.set('code_challenge', challenge);
    url.searchParams.set('code_challenge_method', 'S256');
    return url.href;
  });
}

/** A new PKCE code verifier, kept beside the state in the browser's sign-in cookie. */
export const newCodeVerifier = (): string => oauth.generateRandomCodeVerifier();

/**
 * The GitHub login of the operator coming back from GitHub's authorisation page: the
 * `state` checked against the one this browser was sent with (a forged callback fails
 * here), the code exchanged for the user's token (oauth4webapi, the App's client id and
 * secret in the body as GitHub takes them), `GET /user`, and the person's membership of
 * the operators' team, which must be active (WOW_ERR_OPERATOR_NOT_IN_TEAM otherwise).
 */
export async function signInOperator(
  github: GitHubSignIn,
  opts: {
    callback: URLSearchParams;
    expectedState: string | undefined;
    codeVerifier: string | undefined;
    redirectUri: string;
    fetch?: typeof fetch;
  },
): Promise<{ login: string }> {
  const server: oauth.AuthorizationServer = {
    issuer: github.webUrl,
    authorization_endpoint: `${github.webUrl}/login/oauth/authorize`,
    token_endpoint: `${github.webUrl}/login/oauth/access_token`,
  };
  const client: oauth.Client = { client_id: github.clientId };
  const requestOptions = {
    signal: AbortSignal.timeout(10_000),
    ...(opts.fetch === undefined ? {} : { [oauth.customFetch]: opts.fetch }),
  };
  let accessToken: string;
  try {
    if (opts.expectedState === undefined || opts.expectedState === '' || opts.codeVerifier === undefined)
      throw createError('WOW_ERR_OPERATOR_SIGN_IN', {
        problem: 'this browser holds no sign-in in progress (cookies off, or it took over 10 minutes)',
      });
    const params = oauth.validateAuthResponse(server, client, opts.callback, opts.expectedState);
    const response = await oauth.authorizationCodeGrantRequest(
      server,
      client,
      oauth.ClientSecretPost(github.clientSecret),
      params,
      opts.redirectUri,
      opts.codeVerifier,
      requestOptions,
    );
    // GitHub answers a refused code with 200 and an `error` field, which oauth4webapi would
    // report as a missing access_token: read it first, to say what GitHub said.
    const body = (await response
      .clone()
      .json()
      .catch(() => undefined)) as { error?: unknown } | undefined;
    if (typeof body?.error === 'string')
      throw createError('WOW_ERR_OPERATOR_SIGN_IN', {
        problem: `GitHub refused the code (${body.error.slice(0, 60)})`,
      });
    accessToken = (await oauth.processAuthorizationCodeResponse(server, client, response)).access_token;
  } catch (err) {
    if (err instanceof oauth.AuthorizationResponseError)
      throw createError('WOW_ERR_OPERATOR_SIGN_IN', { problem: `GitHub answered ${err.error.slice(0, 60)}` });
    if (err instanceof oauth.OperationProcessingError || err instanceof oauth.ResponseBodyError)
      throw createError('WOW_ERR_OPERATOR_SIGN_IN', {
        problem:
          (err as { code?: string }).code === oauth.INVALID_RESPONSE && /state/i.test(err.message)
            ? 'the state GitHub sent back is not the one this browser was sent with'
            : `the answer from GitHub could not be used (${err.message.slice(0, 120)})`,
      });
    throw err;
  }
  const user = createGitHubClient({ auth: accessToken, baseUrl: github.apiUrl, fetch: opts.fetch });
  const { data: me } = await user.request('GET /user');
  const team = `${github.team.org}/${github.team.slug}`;
  try {
    const { data } = await user.request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', {
      org: github.team.org,
      team_slug: github.team.slug,
      username: me.login,
    });
    // A pending membership is an invitation not yet accepted: not a member.
    if (data.state !== 'active') throw createError('WOW_ERR_OPERATOR_NOT_IN_TEAM', { login: me.login, team });
  } catch (err) {
    const status = (err as { status?: number }).status;
    // 404: not in the team, or the team is hidden from this person: either way not an operator.
    if (status === 404 || status === 403) throw createError('WOW_ERR_OPERATOR_NOT_IN_TEAM', { login: me.login, team });
    throw err;
  }
  return { login: me.login };
}
