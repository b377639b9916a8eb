import { decodeJWT, type JWTPayload } from 'did-jwt';
import { verifyCredential, type VerifyCredentialOptions } from 'did-jwt-vc';
import type { DIDResolutionResult, Resolvable, VerificationMethod } from 'did-resolver';
import { createError } from '../errors.ts';
import type { CredentialKind } from './credential-records.ts';
import { credentialTyp } from './credential-format.ts';
import { credentialTypes } from './issue-credentials.ts';

/** Why a credential was refused. */
export type CredentialRefusal =
  | 'malformed'
  | 'alg'
  | 'typ'
  | 'kid'
  | 'issuer'
  | 'subject'
  | 'type'
  | 'claims'
  | 'signature'
  | 'expired'
  | 'not_yet_valid';

export interface VerifyCredentialJwtOptions {
  resolver: Resolvable;
  /** The platform's DID: the only issuer accepted. */
  issuer: string;
  /** The agent's DID: the credential must be about it. */
  subject: string;
  kind: CredentialKind;
  now: Date;
}

const maxJwtLength = 16 * 1024;
const skewSeconds = 60;

const refuse = (reason: CredentialRefusal, problem: string) =>
  createError('WOW_ERR_CREDENTIAL_INVALID', { reason, problem }, { data: { reason } });

/**
 * Verifies a credential the platform issued, with did-jwt-vc and every check on: the
 * algorithm must be EdDSA and `typ` vc+jwt; `iss` the platform, `sub` the agent, `exp`
 * present; the header's `kid` must be an assertionMethod key of the issuer's document, and
 * only that key is tried; the credential's type must be the kind asked for. Returns the
 * credential subject. A refusal is WOW_ERR_CREDENTIAL_INVALID with `data.reason`.
 */
export async function verifyCredentialJwt(
  jwt: string,
  opts: VerifyCredentialJwtOptions,
): Promise<{ payload: JWTPayload; credentialSubject: Record<string, unknown> }> {
  if (typeof jwt !== 'string' || jwt.length > maxJwtLength) throw refuse('malformed', 'not a JWT of at most 16 KiB');
  let decoded: ReturnType<typeof decodeJWT>;
  try {
    decoded = decodeJWT(jwt, false);
  } catch {
    throw refuse('malformed', 'not three base64url parts holding JSON');
  }
  const { header, payload } = decoded;
  if (header.alg !== 'EdDSA') throw refuse('alg', `alg must be EdDSA, got ${JSON.stringify(header.alg)?.slice(0, 40)}`);
  if ((header.typ as string | undefined) !== credentialTyp) throw refuse('typ', `typ must be ${credentialTyp}`);
  if (payload.iss !== opts.issuer) throw refuse('issuer', `iss must be ${opts.issuer}`);
  if (payload.sub !== opts.subject) throw refuse('subject', `sub must be ${opts.subject}`);
  if (typeof payload.exp !== 'number') throw refuse('claims', 'exp is required');
  const kid: unknown = header.kid;
  if (typeof kid !== 'string' || !kid.startsWith(`${opts.issuer}#`))
    throw refuse('kid', 'the header must name the signing key as kid, a key of the issuer');

  let resolution: DIDResolutionResult;
  try {
    resolution = await opts.resolver.resolve(opts.issuer);
  } catch (err) {
    throw refuse('issuer', `its DID could not be resolved: ${(err as Error).message}`);
  }
  const document = resolution.didDocument;
  if (document === null || resolution.didResolutionMetadata.error !== undefined)
    throw refuse(
      'issuer',
      `its DID could not be resolved (${resolution.didResolutionMetadata.error ?? 'no document'})`,
    );
  const method = document.verificationMethod?.find((m: VerificationMethod) => m.id === kid);
  const listed = (document.assertionMethod ?? []).some((e) => (typeof e === 'string' ? e : e.id) === kid);
  if (method === undefined || !listed || method.controller !== opts.issuer)
    throw refuse('kid', `${kid} is not an assertion key of ${opts.issuer}`);

  let verified: Awaited<ReturnType<typeof verifyCredential>>;
  try {
    verified = await verifyCredential(jwt, opts.resolver as VerifyCredentialOptions['resolver'] & Resolvable, {
      proofPurpose: 'assertionMethod',
      skewTime: skewSeconds,
      policies: { now: Math.floor(opts.now.getTime() / 1000) },
      // Only the key the header names is tried, against the document resolved above.
      didAuthenticator: {
        authenticators: [method],
        issuer: opts.issuer,
        didResolutionResult: resolution,
      } as NonNullable<VerifyCredentialOptions['didAuthenticator']>,
    });
  } catch (err) {
    const message = (err as Error).message;
    if (message.includes('has expired')) throw refuse('expired', `exp ${payload.exp} is past`);
    if (message.includes('not valid before') || message.includes('not valid yet'))
      throw refuse('not_yet_valid', 'nbf or iat is in the future');
    if (message.startsWith('invalid_signature')) throw refuse('signature', `the signature does not verify with ${kid}`);
    throw refuse('malformed', message.slice(0, 200));
  }
  const vc = verified.verifiableCredential;
  const types = Array.isArray(vc.type) ? vc.type : [vc.type];
  if (!types.includes(credentialTypes[opts.kind])) throw refuse('type', `it is not an ${credentialTypes[opts.kind]}`);
  return { payload: verified.payload, credentialSubject: vc.credentialSubject };
}
