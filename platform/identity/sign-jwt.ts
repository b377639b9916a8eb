import { createJWT, type JWTPayload } from 'did-jwt';
import { didOf, type Subject } from './did/did-web.ts';
import { createError } from './errors.ts';
import type { IdentityContext } from './identity-context.ts';
import { signingKeyOf } from './identity-keys.ts';

export interface SignJwtOptions {
  /** Who the token is for: required, since a token without an audience is accepted by anyone. */
  audience: string | readonly string[];
  /** Its lifetime: required, since a token without `exp` never expires. */
  expiresInSeconds: number;
  /** The header's `typ`, so that one kind of token can never pass for another (RFC 8725 §3.11). Default JWT. */
  typ?: string;
}

/** The claims the signer sets; a payload cannot choose them. */
type SignerClaims = 'iss' | 'aud' | 'iat' | 'exp';

/**
 * A JWT issued by the subject's DID and signed (EdDSA) by its current key through the KMS:
 * `kid` names that key's verification method, `iss` the DID, `iat` now, `exp` and `aud` as
 * given. did-jwt builds and encodes the token; the signature comes from the KMS port.
 */
export async function signJwt(
  ctx: IdentityContext,
  subject: Subject,
  payload: Omit<JWTPayload, SignerClaims>,
  opts: SignJwtOptions,
): Promise<string> {
  const did = didOf(ctx.host, subject);
  if (!Number.isInteger(opts.expiresInSeconds) || opts.expiresInSeconds <= 0)
    throw new TypeError(`expiresInSeconds must be a positive whole number, got ${opts.expiresInSeconds}`);
  const audience = typeof opts.audience === 'string' ? [opts.audience] : [...opts.audience];
  if (audience.length === 0 || audience.some((a) => a === '')) throw new TypeError('audience must name someone');
  const now = ctx.clock();
  const key = await signingKeyOf(ctx.db, subject, now);
  if (key === undefined) throw createError('WOW_ERR_IDENTITY_NO_KEY', { did });
  const kms = ctx.kms.driver(key.kms);
  const iat = Math.floor(now.getTime() / 1000);
  return createJWT(
    {
      ...payload,
      aud: audience.length === 1 ? audience[0] : audience,
      iat,
      exp: iat + opts.expiresInSeconds,
    },
    {
      issuer: did,
      signer: async (data) => {
        const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
        return Buffer.from(await kms.sign(key.keyRef, bytes)).toString('base64url');
      },
    },
    { alg: 'EdDSA', kid: `${did}#${key.fragment}`, typ: (opts.typ ?? 'JWT') as 'JWT' },
  );
}
