import { randomUUID } from 'node:crypto';

// nginx's $request_id is 32 hex digits; other proxies send UUIDs or similar tokens. Only
// such tokens are kept: the id is written into every log line of the request.
const proxyRequestId = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The id a request is logged and answered under: the X-Request-Id the proxy in front sent
 * (so one id finds the request in the proxy's log and ours), or a new UUID when there is
 * none or it is not a plain token.
 */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && proxyRequestId.test(header) ? header : randomUUID();
}
