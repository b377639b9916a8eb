import type { Signer } from 'did-jwt';
import type { Kms } from '../kms/kms.ts';

/**
 * did-jwt's `Signer` over the KMS port: did-jwt hands it the JWS signing input and expects
 * the signature base64url-encoded; the KMS signs pure Ed25519 (EdDSA) and the key never
 * leaves it.
 */
export function kmsSigner(kms: Kms, keyRef: string): Signer {
  return async (data) => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return Buffer.from(await kms.sign(keyRef, bytes)).toString('base64url');
  };
}
