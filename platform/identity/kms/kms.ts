/** An Ed25519 public key as a JSON Web Key (RFC 8037): what a DID document publishes. */
export interface PublicKeyJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  /** The 32-byte public key, base64url. */
  x: string;
}

export interface KmsKey {
  /** The key in its KMS (a local id, an AWS key ARN): a name, never key material. */
  keyRef: string;
  publicKeyJwk: PublicKeyJwk;
}

export type KmsDriver = 'local' | 'aws';

/**
 * The KMS port: everything the platform does with a private key, and nothing that would
 * let the key out. Keys are Ed25519 (JWS `EdDSA`); a signature is the 64 raw bytes of
 * pure Ed25519 over the message. Both drivers sign from 1 to `maxSignBytes` bytes, what
 * AWS KMS signs with Ed25519, so that no caller comes to depend on one driver.
 */
export interface Kms {
  readonly driver: KmsDriver;
  /** `label` says whose key it is, where the KMS keeps a description (an AWS key's tags). */
  createKey(opts: { label: string }): Promise<KmsKey>;
  getPublicKey(keyRef: string): Promise<PublicKeyJwk>;
  sign(keyRef: string, message: Uint8Array): Promise<Uint8Array>;
  /** Takes the key out of use for good: the local driver destroys it, AWS disables it and schedules its deletion. */
  retireKey(keyRef: string): Promise<void>;
}

export const maxSignBytes = 4096;
