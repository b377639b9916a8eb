import type { DIDDocument } from 'did-resolver';
import { keyStateAt, type IdentityKey } from '../identity-keys.ts';

const context = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'];

/**
 * The DID document of `did` at `now`: each key that is published, active or verifying as a
 * JsonWebKey2020 verification method. Keys that may sign (published, active) are listed
 * under authentication and assertionMethod; a rotated-out key under assertionMethod only,
 * so what it signed before still verifies while it can no longer authenticate; a retired
 * key not at all. Undefined when no key is left to list.
 */
export function buildDidDocument(did: string, keys: readonly IdentityKey[], now: Date): DIDDocument | undefined {
  const listed = keys
    .map((key) => ({ key, state: keyStateAt(key, now), id: `${did}#${key.fragment}` }))
    .filter((k) => k.state !== 'retired');
  if (listed.length === 0) return undefined;
  return {
    '@context': context,
    id: did,
    verificationMethod: listed.map(({ key, id }) => ({
      id,
      type: 'JsonWebKey2020',
      controller: did,
      publicKeyJwk: { ...key.publicKeyJwk },
    })),
    authentication: listed.filter((k) => k.state !== 'verifying').map((k) => k.id),
    assertionMethod: listed.map((k) => k.id),
  };
}
