import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A double of an OAuth 2.0 token endpoint (RFC 6749) on a loopback port: the
 * client-credentials grant (4.4) and the refresh-token grant (6), the client authenticated
 * by HTTP Basic or in the body (2.3.1, never both), requests form-encoded (3.2), answers
 * JSON with `Cache-Control: no-store` (5.1), errors as 5.2 names them (invalid_request,
 * invalid_client with 401 and WWW-Authenticate, invalid_grant, unsupported_grant_type,
 * invalid_scope). Anything a conforming client would not send is kept in `violations`.
 * Salesforce's token endpoint gives no `expires_in`: `expiresIn: undefined` does the same.
 */
export interface OAuth2Double {
  readonly url: string;
  readonly tokenEndpoint: string;
  readonly violations: string[];
  /** Every grant asked for, in order: its type and how the client authenticated. */
  readonly grants: { grantType: string; clientAuth: 'basic' | 'post'; scope: string | undefined }[];
  /** Whether an access token it issued is still good (the API double asks). */
  isValid(accessToken: string): boolean;
  /** Ends every access token's session, as a Salesforce session timeout does. */
  expireAccessTokens(): void;
  /** Revokes the refresh token: the next refresh grant is invalid_grant. */
  revokeRefreshToken(token: string): void;
  /** Answers 503 to the next `n` requests (the endpoint down). */
  failNext(n: number): void;
  close(): Promise<void>;
}

export interface OAuth2DoubleOptions {
  clientId: string;
  clientSecret: string;
  /** Refresh tokens it honours. */
  refreshTokens?: string[];
  /** Scopes a client may ask for; others are invalid_scope. */
  scopes?: string[];
  /** Seconds an access token lives, as `expires_in`; undefined: no `expires_in` (Salesforce). */
  expiresIn?: number | undefined;
  /** Rotates the refresh token on each refresh grant (RFC 6749, 6: "MAY issue a new refresh token"). */
  rotateRefreshTokens?: boolean;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export async function startOAuth2Double(opts: OAuth2DoubleOptions): Promise<OAuth2Double> {
  const valid = new Set<string>();
  const refreshTokens = new Set(opts.refreshTokens ?? []);
  const violations: string[] = [];
  const grants: OAuth2Double['grants'] = [];
  let failing = 0;
  const expiresIn = 'expiresIn' in opts ? opts.expiresIn : 3600;

  const answer = (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'application/json;charset=UTF-8',
      'cache-control': 'no-store',
      pragma: 'no-cache',
      ...headers,
    });
    return res.end(JSON.stringify(body));
  };
  const error = (
    res: ServerResponse,
    status: number,
    code: string,
    description: string,
    headers?: Record<string, string>,
  ) => answer(res, status, { error: code, error_description: description }, headers);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    if (req.method !== 'POST' || req.url !== '/services/oauth2/token') {
      violations.push(`${req.method} ${req.url}: not the token endpoint`);
      return error(res, 404, 'invalid_request', 'not found');
    }
    if (failing > 0) {
      failing -= 1;
      return error(res, 503, 'temporarily_unavailable', 'the server is down');
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      violations.push(
        `content-type ${req.headers['content-type']}: RFC 6749 3.2 asks for application/x-www-form-urlencoded`,
      );
      return error(res, 400, 'invalid_request', 'form-encoded body required');
    }
    const form = new URLSearchParams(body);
    for (const [k] of form) if (form.getAll(k).length > 1) violations.push(`parameter ${k} sent twice (RFC 6749 3.2)`);
    // Client authentication (2.3.1): Basic, with the id and secret form-urlencoded first, or both in the body.
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    let client: { id: string; secret: string; how: 'basic' | 'post' } | undefined;
    if (basic !== undefined) {
      const decoded = Buffer.from(basic, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      // Each half was application/x-www-form-urlencoded before it was joined (RFC 6749 2.3.1).
      const formDecode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
      client = { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)), how: 'basic' };
      if (form.has('client_secret'))
        violations.push('client authenticated twice (Basic and client_secret), RFC 6749 2.3');
    } else if (form.has('client_secret')) {
      client = { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '', how: 'post' };
    }
    if (client === undefined || client.id !== opts.clientId || client.secret !== opts.clientSecret)
      return error(res, 401, 'invalid_client', 'client authentication failed', {
        'www-authenticate': 'Basic realm="token"',
      });
    const grantType = form.get('grant_type');
    const scope = form.get('scope') ?? undefined;
    grants.push({ grantType: grantType ?? '', clientAuth: client.how, scope });
    if (scope !== undefined && opts.scopes !== undefined && !scope.split(' ').every((s) => opts.scopes?.includes(s)))
      return error(res, 400, 'invalid_scope', 'a scope asked for is not granted to this client');
    let refreshToken: string | undefined;
    if (grantType === 'refresh_token') {
      const presented = form.get('refresh_token');
      if (presented === null) return error(res, 400, 'invalid_request', 'refresh_token missing');
      if (!refreshTokens.has(presented)) return error(res, 400, 'invalid_grant', 'expired access/refresh token');
      if (opts.rotateRefreshTokens === true) {
        refreshTokens.delete(presented);
        refreshToken = `rt-${randomBytes(12).toString('hex')}`;
        refreshTokens.add(refreshToken);
      }
    } else if (grantType !== 'client_credentials') {
      return error(res, 400, 'unsupported_grant_type', `grant_type ${grantType ?? '(none)'} is not supported`);
    }
    const accessToken = `at-${randomBytes(16).toString('hex')}`;
    valid.add(accessToken);
    return answer(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      ...(expiresIn === undefined ? {} : { expires_in: expiresIn }),
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
      ...(scope === undefined ? {} : { scope }),
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      violations.push(`double failed: ${String(err)}`);
      void res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    tokenEndpoint: `${url}/services/oauth2/token`,
    violations,
    grants,
    isValid: (token) => valid.has(token),
    expireAccessTokens: () => valid.clear(),
    revokeRefreshToken: (token) => {
      refreshTokens.delete(token);
    },
    failNext: (n) => {
      failing = n;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
