import { createError } from '../errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The request body as JSON. The server keeps application/json bodies as raw bytes (the
 * webhook signature covers them), so each JSON route parses its own; a body that is not
 * JSON is WOW_ERR_JSON_MALFORMED, with where the parser stopped.
 */
export function readJsonBody(body: unknown, contentType: string | undefined): unknown {
  if (body === undefined || body === null || (Buffer.isBuffer(body) && body.length === 0) || body === '')
    throw createError('WOW_ERR_JSON_MALFORMED', { problem: 'the body is empty' });
  // Fastify reads text/plain for itself; anything but application/json is not JSON here.
  if (!Buffer.isBuffer(body))
    throw createError('WOW_ERR_JSON_MALFORMED', { problem: `the body is sent as ${contentType ?? 'an unknown type'}` });
  let text: string;
  try {
    // Strict: bytes that are not UTF-8 would otherwise become U+FFFD in the customer's text.
    text = utf8.decode(body);
  } catch (err) {
    throw createError(
      'WOW_ERR_JSON_MALFORMED',
      { problem: 'the body is not UTF-8; send JSON encoded as UTF-8' },
      { cause: err },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw createError('WOW_ERR_JSON_MALFORMED', { problem: (err as Error).message }, { cause: err });
  }
}
