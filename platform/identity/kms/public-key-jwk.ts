import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { PublicKeyJwk } from './kms.ts';

/** The public half of an Ed25519 key as its JWK, whatever form it came in (a KeyObject, SPKI DER). */
export function publicKeyJwkOf(key: KeyObject | Uint8Array): PublicKeyJwk {
  const publicKey =
    key instanceof Uint8Array ? createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' }) : key;
  if (publicKey.asymmetricKeyType !== 'ed25519')
    throw new TypeError(`expected an Ed25519 key, got ${publicKey.asymmetricKeyType ?? 'a symmetric key'}`);
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new TypeError('the Ed25519 key has no public part');
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
}

/** The key's RFC 7638 thumbprint (SHA-256, base64url): a name that changes with the key, used as its DID fragment. */
export function jwkThumbprint(jwk: PublicKeyJwk): string {
  // RFC 7638: the required members, in lexicographic order, with no whitespace.
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(canonical).digest('base64url');
}
