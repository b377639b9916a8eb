import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether `header` (X-Hub-Signature-256) is GitHub's HMAC-SHA256 of exactly these bytes.
 * Written here rather than with @octokit/webhooks-methods' `verify`, which takes the body
 * as a string: decoding first maps different bytes (an invalid UTF-8 sequence and U+FFFD)
 * to one text, so bytes GitHub never signed would pass, and bytes it did sign would fail.
 */
export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (header === undefined || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
