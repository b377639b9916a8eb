import type { Connector } from '../connectors/connector.ts';
import { CallFailed } from './connector-gates.ts';

/** One request to a connector's API, as stored for a retry. */
export interface ApiRequest {
  method: 'POST' | 'PUT' | 'PATCH';
  path: string;
  body: unknown;
}

const errorCode = /^[A-Za-z][A-Za-z0-9_.-]{0,59}$/;

/**
 * The API's own error code from its JSON error body, when it names one in a common shape
 * (Salesforce's `[{ errorCode }]`, OAuth's `{ error }`, `{ code }`): a word, never free text,
 * which could echo what was sent.
 */
async function errorCodeOf(response: Response): Promise<string | undefined> {
  const text = await response.text().catch(() => '');
  if (text.length > 64 * 1024) return undefined;
  try {
    const body: unknown = JSON.parse(text);
    const first: unknown = Array.isArray(body) ? body[0] : body;
    if (typeof first !== 'object' || first === null) return undefined;
    const record = first as Record<string, unknown>;
    const code = record['errorCode'] ?? record['error'] ?? record['code'];
    return typeof code === 'string' && errorCode.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/** Sends the request with the bearer token; a response other than 2xx, or none, is CallFailed. */
export async function sendRequest(connector: Connector, request: ApiRequest, accessToken: string): Promise<void> {
  const url = new URL(connector.baseUrl);
  url.pathname = `${url.pathname.replace(/\/$/, '')}${request.path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(request.body),
      redirect: 'error',
      signal: AbortSignal.timeout(connector.retries.timeoutMs),
    });
  } catch (err) {
    const name = err instanceof Error ? err.name : 'Error';
    throw new CallFailed(undefined, name === 'TimeoutError' ? 'timeout' : 'no response (network)');
  }
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const code = await errorCodeOf(response);
  throw new CallFailed(response.status, `HTTP ${response.status}${code === undefined ? '' : ` ${code}`}`);
}
