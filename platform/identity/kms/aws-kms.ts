import {
  CreateKeyCommand,
  DisableKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  KMSServiceException,
  ScheduleKeyDeletionCommand,
  SignCommand,
  type KMSClientConfig,
} from '@aws-sdk/client-kms';
import { createError } from '../errors.ts';
import { maxSignBytes, type Kms } from './kms.ts';
import { publicKeyJwkOf } from './public-key-jwk.ts';

export interface AwsKmsOptions {
  region: string;
  /** A VPC endpoint, or a double in tests; unset: the region's public endpoint. */
  endpoint?: string;
  /** Unset: the SDK's default chain (environment, shared config, web identity, instance role). */
  credentials?: KMSClientConfig['credentials'];
  /** Days between retiring a key and AWS deleting it (AWS allows 7 to 30); it can be cancelled until then. */
  deletionWindowDays: number;
}

// What AWS answers about a key it will not use as asked: no retry mends these.
const unusable = new Set([
  'NotFoundException',
  'DisabledException',
  'KMSInvalidStateException',
  'InvalidKeyUsageException',
  'KeyUnavailableException',
  'AccessDeniedException',
]);

/**
 * The AWS KMS driver: asymmetric keys of spec ECC_NIST_EDWARDS25519, signed with
 * ED25519_SHA_512 over the raw message (pure Ed25519, which is JWS EdDSA; the _PH_ variant
 * would be Ed25519ph, which no JWS verifier accepts). The private key never leaves AWS.
 */
export function createAwsKms(opts: AwsKmsOptions): Kms {
  const client = new KMSClient({
    region: opts.region,
    ...(opts.endpoint === undefined ? {} : { endpoint: opts.endpoint }),
    ...(opts.credentials === undefined ? {} : { credentials: opts.credentials }),
  });

  const call = async <T>(operation: string, keyRef: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (err) {
      const name = err instanceof KMSServiceException ? err.name : undefined;
      const problem = `${name ?? (err as Error).name}: ${(err as Error).message}`;
      if (name !== undefined && unusable.has(name))
        throw createError('WOW_ERR_KMS_KEY_UNUSABLE', { driver: 'aws', keyRef, operation, problem }, { cause: err });
      throw createError('WOW_ERR_KMS', { driver: 'aws', keyRef, operation, problem }, { cause: err });
    }
  };

  const getPublicKey = async (keyRef: string) => {
    const answer = await call('give its public key', keyRef, () =>
      client.send(new GetPublicKeyCommand({ KeyId: keyRef })),
    );
    if (answer.KeySpec !== 'ECC_NIST_EDWARDS25519' || answer.PublicKey === undefined)
      throw createError('WOW_ERR_KMS_KEY_UNUSABLE', {
        driver: 'aws',
        keyRef,
        operation: 'give its public key',
        problem: `it is a ${answer.KeySpec ?? 'key of unknown spec'}, not ECC_NIST_EDWARDS25519`,
      });
    return publicKeyJwkOf(answer.PublicKey);
  };

  return {
    driver: 'aws',
    async createKey({ label }) {
      const created = await call('create', '(new)', () =>
        client.send(
          new CreateKeyCommand({
            KeySpec: 'ECC_NIST_EDWARDS25519',
            KeyUsage: 'SIGN_VERIFY',
            Description: `WAOOAW identity key: ${label}`,
            Tags: [{ TagKey: 'waooaw:identity', TagValue: label }],
          }),
        ),
      );
      const keyRef = created.KeyMetadata?.Arn ?? created.KeyMetadata?.KeyId;
      if (keyRef === undefined)
        throw createError('WOW_ERR_KMS', {
          driver: 'aws',
          keyRef: '(new)',
          operation: 'create',
          problem: 'CreateKey answered without KeyMetadata',
        });
      return { keyRef, publicKeyJwk: await getPublicKey(keyRef) };
    },
    getPublicKey,
    async sign(keyRef, message) {
      if (message.byteLength === 0 || message.byteLength > maxSignBytes)
        throw createError('WOW_ERR_KMS_MESSAGE_SIZE', { max: maxSignBytes, bytes: message.byteLength });
      const answer = await call('sign', keyRef, () =>
        client.send(
          new SignCommand({ KeyId: keyRef, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ED25519_SHA_512' }),
        ),
      );
      if (answer.Signature?.byteLength !== 64)
        throw createError('WOW_ERR_KMS', {
          driver: 'aws',
          keyRef,
          operation: 'sign',
          problem: `expected a 64-byte Ed25519 signature, got ${answer.Signature?.byteLength ?? 'none'}`,
        });
      return answer.Signature;
    },
    async retireKey(keyRef) {
      // Disabled at once (no more signatures); deleted after the window, which leaves time to undo a mistake.
      await call('retire', keyRef, () => client.send(new DisableKeyCommand({ KeyId: keyRef })));
      await call('retire', keyRef, () =>
        client.send(new ScheduleKeyDeletionCommand({ KeyId: keyRef, PendingWindowInDays: opts.deletionWindowDays })),
      );
    },
  };
}
