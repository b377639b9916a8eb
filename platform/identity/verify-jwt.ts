import { decodeJWT, JWT_ERROR, verifyJWT, type JWTPayload } from 'did-jwt';
import type { DIDResolutionResult, Resolvable, VerificationMethod } from 'did-resolver';
import { createError } from './errors.ts';

/** Why a token was refused: each check has its own, for the caller to count and the log to say. */
export type JwtRefusal =
  'malformed' | 'alg' | 'typ' | 'kid' | 'claims' | 'issuer' | 'signature' | 'expired' | 'not_yet_valid' | 'audience';

export interface VerifyJwtOptions {
  resolver: Resolvable;
  /** Who the verifier is: the token's `aud` must name it. */
  audience: string;
  /** The header `typ` expected; unset: any. */
  typ?: string;
  /** The relationship the key must have in the issuer's DID document (default assertionMethod). */
  proofPurpose?: 'assertionMethod' | 'authentication';
  /** Default now; tests and replays pin it. */
  now?: Date;
}

export interface VerifiedJwt {
  issuer: string;
  kid: string;
  payload: JWTPayload;
}

// Far above any token we sign; a stranger's longer string is refused before it is parsed.
const maxJwtLength = 16 * 1024;
const skewSeconds = 60;

const refuse = (reason: JwtRefusal, problem: string) =>
  createError('WOW_ERR_JWT_INVALID', { reason, problem }, { data: { reason } });

/**
 * Verifies a JWT signed by a DID, with every check on. did-jwt checks the signature, and
 * `exp` and `aud` only when the token has them, and tries every key of the issuer; here
 * `exp`, `iat` and `aud` are required, the algorithm must be EdDSA, and the header's `kid`
 * must name a verification method of the issuer's DID document, controlled by the issuer
 * and listed under `proofPurpose`: only that key is tried. Clock skew is 60 s. A refusal
 * is WOW_ERR_JWT_INVALID with `data.reason`.
 */
export async function verifyJwt(jwt: string, opts: VerifyJwtOptions): Promise<VerifiedJwt> {
  if (typeof jwt !== 'string' || jwt.length > maxJwtLength) throw refuse('malformed', 'not a JWT of at most 16 KiB');
  let decoded: ReturnType<typeof decodeJWT>;
  try {
    decoded = decodeJWT(jwt, false);
  } catch {
    throw refuse('malformed', 'not three base64url parts holding JSON');
  }
  const { header, payload } = decoded;
  if (header.alg !== 'EdDSA') throw refuse('alg', `alg must be EdDSA, got ${JSON.stringify(header.alg)?.slice(0, 40)}`);
  if (opts.typ !== undefined && header.typ !== opts.typ)
    throw refuse('typ', `typ must be ${opts.typ}, got ${JSON.stringify(header.typ)?.slice(0, 60)}`);
  const issuer = payload.iss;
  if (typeof issuer !== 'string' || !issuer.startsWith('did:')) throw refuse('claims', 'iss must be a DID');
  const kid: unknown = header.kid;
  if (typeof kid !== 'string' || !kid.startsWith(`${issuer}#`))
    throw refuse('kid', 'the header must name the signing key as kid, a key of the issuer (<iss>#<key>)');
  if (typeof payload.exp !== 'number') throw refuse('claims', 'exp is required');
  if (typeof payload.iat !== 'number') throw refuse('claims', 'iat is required');
  const aud = payload.aud;
  if (typeof aud !== 'string' && !(Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string')))
    throw refuse('claims', 'aud is required');

  let resolution: DIDResolutionResult;
  try {
    resolution = await opts.resolver.resolve(issuer);
  } catch (err) {
    throw refuse('issuer', `its DID could not be resolved: ${(err as Error).message}`);
  }
  const document = resolution.didDocument;
  if (document === null || resolution.didResolutionMetadata.error !== undefined)
    throw refuse(
      'issuer',
      `its DID could not be resolved (${resolution.didResolutionMetadata.error ?? 'no document'})`,
    );
  const purpose = opts.proofPurpose ?? 'assertionMethod';
  const method = document.verificationMethod?.find((m: VerificationMethod) => m.id === kid);
  const listed = (document[purpose] ?? []).some((entry) => (typeof entry === 'string' ? entry : entry.id) === kid);
  if (method === undefined || !listed || method.controller !== issuer)
    throw refuse('kid', `${kid} is not a key of ${issuer} for ${purpose}`);

  const nowSeconds = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  try {
    await verifyJWT(jwt, {
      resolver: opts.resolver,
      audience: opts.audience,
      skewTime: skewSeconds,
      policies: { now: nowSeconds },
      // Only the key the header names is tried, with the document already resolved.
      didAuthenticator: { authenticators: [method], issuer, didResolutionResult: resolution },
    });
  } catch (err) {
    // did-jwt says what failed only in its message, after a JWT_ERROR prefix.
    const message = (err as Error).message;
    if (message.includes('has expired')) throw refuse('expired', `exp ${payload.exp} is past`);
    if (message.includes('not valid before') || message.includes('not valid yet'))
      throw refuse('not_yet_valid', 'nbf or iat is in the future');
    if (message.startsWith(`${JWT_ERROR.INVALID_AUDIENCE}:`) && message.includes('audience'))
      throw refuse('audience', `aud does not name ${opts.audience}`);
    if (message.startsWith(JWT_ERROR.INVALID_SIGNATURE))
      throw refuse('signature', `the signature does not verify with ${kid}`);
    throw refuse('malformed', message.slice(0, 200));
  }
  return { issuer, kid, payload };
}
