import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { CloudEvent } from '../../bus/envelope.ts';

/**
 * The SHA-256 of the envelope's canonical JSON (RFC 8785, JCS), signature left out: the
 * leaf a message's signature covers. Canonical, so the same envelope hashes the same after
 * any trip through JSON (key order, number forms, a Redis stream and back).
 */
export function eventDigest(event: CloudEvent): Buffer {
  const { signature: _signature, ...signed } = event;
  return createHash('sha256')
    .update(canonicalize(signed) ?? '')
    .digest();
}
