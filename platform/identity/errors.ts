import { defineErrors, type CodesOf } from '../errors/define-errors.ts';

/** Identity's errors: the KMS port and its drivers, DIDs, keys and JWTs. docs/errors.md documents each code. */
export const errors = defineErrors({
  WOW_ERR_IDENTITY_MASTER_KEY: {
    message: 'The local KMS cannot use its master key: {problem}',
    retryable: false,
    status: 500,
  },
  WOW_ERR_KMS: {
    message: 'The {driver} KMS could not {operation} key {keyRef}: {problem}',
    retryable: true,
    status: 502,
  },
  WOW_ERR_KMS_KEY_UNUSABLE: {
    message: 'Key {keyRef} of the {driver} KMS cannot {operation}: {problem}',
    retryable: false,
    status: 409,
  },
  WOW_ERR_KMS_MESSAGE_SIZE: {
    message:
      'A KMS signs from 1 to {max} bytes (what AWS KMS signs with Ed25519); got {bytes}. Sign a small payload that holds a digest of large content.',
    retryable: false,
    status: 400,
  },
  WOW_ERR_IDENTITY_SUBJECT: {
    message:
      'No identity for "{subject}": expected "platform" or an agent id (lowercase letters, digits and hyphens), {problem}',
    retryable: false,
    status: 404,
  },
  WOW_ERR_IDENTITY_NO_KEY: {
    message: '{did} has no signing key. Deploy the agent (`wow deploy`) or start the platform, which creates one.',
    retryable: false,
    status: 409,
  },
  WOW_ERR_JWT_INVALID: { message: 'The JWT is refused ({reason}): {problem}', retryable: false, status: 401 },
  WOW_ERR_CREDENTIAL_INVALID: {
    message: 'The credential is refused ({reason}): {problem}',
    retryable: false,
    status: 401,
  },
  WOW_ERR_CAPABILITY_APPROVAL: {
    message: 'Cannot approve {capability} for {agent}: {problem}',
    retryable: false,
    status: 409,
  },
  WOW_ERR_LIFECYCLE: {
    message: 'Cannot {change} {agent}: {problem}.',
    retryable: false,
    status: 409,
  },
  WOW_ERR_ATTESTATION: {
    message:
      'Refusing to start {agent} version {treeHash}: {problem}. Redeploy it (`wow deploy {agent}`), which attests it again.',
    retryable: false,
    status: 409,
  },
  WOW_ERR_ATTESTATION_MISMATCH: {
    message:
      'Refusing to start {agent}: its files on disk hash to {actual}, not the attested {expected} ({files}). Someone or something changed the deployed copy; delete it under the releases folder and the runtime writes it again from the registry.',
    retryable: false,
    status: 409,
  },
});

export const { createError } = errors;

declare module '../errors/define-errors.ts' {
  interface WowErrorCodes extends CodesOf<typeof errors> {}
}
