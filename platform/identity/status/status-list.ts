import { gunzipSync, gzipSync } from 'node:zlib';
import { createVerifiableCredentialJwt } from 'did-jwt-vc';
import type { PgQueryable } from '../../store/store.ts';
import { credentialsContext, credentialTyp } from '../credentials/credential-format.ts';
import { kmsSigner } from '../credentials/kms-signer.ts';
import { didOf } from '../did/did-web.ts';
import { ensureIdentity } from '../ensure-identity.ts';
import { createError } from '../errors.ts';
import type { IdentityContext } from '../identity-context.ts';
import { signingKeyOf } from '../identity-keys.ts';

export const statusPurposes = ['suspension', 'revocation'] as const;
export type StatusPurpose = (typeof statusPurposes)[number];

/** The specification's minimum length (16 KiB of bits), so a list says nothing about how many agents there are. */
export const statusListBits = 131_072;

/** Where the platform serves a list (`GET /identity/status/<purpose>`). */
export const statusListUrl = (publicUrl: string, purpose: StatusPurpose): string =>
  new URL(`/identity/status/${purpose}`, publicUrl).href;

/** The agent's position in every list, given on first use and kept. */
export async function statusIndexOf(db: PgQueryable, agentId: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      const { rows } = await db.query<{ idx: number }>(
        `with given as (
           insert into agent_status_index (agent_id, idx)
           select $1, coalesce(max(idx) + 1, 0) from agent_status_index
           on conflict (agent_id) do nothing
           returning idx)
         select idx from given union all select idx from agent_status_index where agent_id = $1`,
        [agentId],
      );
      const idx = rows[0]?.idx;
      if (idx === undefined || idx >= statusListBits) throw new Error(`no status list position left for ${agentId}`);
      return idx;
    } catch (err) {
      // Two agents given a position at the same moment may pick the same one: the loser asks again.
      if (attempt >= 5 || (err as { code?: string }).code !== '23505') throw err;
    }
  }
}

/** The list's `encodedList`: the bits, index 0 leftmost, GZIP-compressed, as multibase base64url ('u'). */
export function encodeStatusList(set: Iterable<number>): string {
  const bits = Buffer.alloc(statusListBits / 8);
  for (const i of set) bits[i >> 3] = (bits[i >> 3] ?? 0) | (0x80 >> (i & 7));
  return `u${gzipSync(bits).toString('base64url')}`;
}

/** Whether bit `index` is set in an `encodedList`, as a verifier reads it. */
export function statusListBit(encodedList: string, index: number): boolean {
  if (!encodedList.startsWith('u')) throw new Error('encodedList must be multibase base64url (u…)');
  const bits = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  return ((bits[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0;
}

/** The `credentialStatus` entries a capability credential carries: one per list. */
export function statusEntries(publicUrl: string, index: number): Array<Record<string, string>> {
  return statusPurposes.map((purpose) => ({
    id: `${statusListUrl(publicUrl, purpose)}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: purpose,
    statusListIndex: String(index),
    statusListCredential: statusListUrl(publicUrl, purpose),
  }));
}

/**
 * Signs both lists afresh from the lifecycle table (a BitstringStatusListCredential each,
 * a JWT from the platform's DID through the KMS, living IDENTITY_CREDENTIAL_TTL_SECONDS)
 * and stores them for the server to publish. Called on every lifecycle change and by the
 * identity upkeep before they lapse.
 */
export async function issueStatusLists(ctx: IdentityContext, opts: { actor: string }): Promise<void> {
  await ensureIdentity(ctx, 'platform', { actor: opts.actor });
  const issuerDid = didOf(ctx.host, 'platform');
  const now = ctx.clock();
  const key = await signingKeyOf(ctx.db, 'platform', now);
  if (key === undefined) throw createError('WOW_ERR_IDENTITY_NO_KEY', { did: issuerDid });
  const issuer = { did: issuerDid, signer: kmsSigner(ctx.kms.driver(key.kms), key.keyRef), alg: 'EdDSA' };
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + ctx.settings.credentialTtlSeconds;
  const { rows } = await ctx.db.query<{ idx: number; state: 'suspended' | 'revoked' }>(
    'select s.idx, l.state from agent_lifecycle l join agent_status_index s using (agent_id)',
  );
  for (const purpose of statusPurposes) {
    const state = purpose === 'suspension' ? 'suspended' : 'revoked';
    const url = statusListUrl(ctx.settings.publicUrl, purpose);
    const jwt = await createVerifiableCredentialJwt(
      {
        sub: `${url}#list`,
        iat,
        nbf: iat,
        exp,
        jti: url,
        vc: {
          '@context': [credentialsContext],
          type: ['VerifiableCredential', 'BitstringStatusListCredential'],
          credentialSubject: {
            type: 'BitstringStatusList',
            statusPurpose: purpose,
            encodedList: encodeStatusList(rows.filter((r) => r.state === state).map((r) => r.idx)),
          },
        },
      },
      issuer,
      { header: { kid: `${issuerDid}#${key.fragment}`, typ: credentialTyp as 'JWT' } },
    );
    await ctx.db.query(
      `insert into identity_status_lists (purpose, jwt, issued_at, expires_at) values ($1, $2, $3, $4)
       on conflict (purpose) do update set jwt = excluded.jwt, issued_at = excluded.issued_at, expires_at = excluded.expires_at`,
      [purpose, jwt, new Date(iat * 1000), new Date(exp * 1000)],
    );
  }
}

/** Whether the lists are missing or past half their life. */
export async function statusListsDue(ctx: IdentityContext): Promise<boolean> {
  const { rows } = await ctx.db.query<{ issued_at: Date; expires_at: Date }>(
    'select issued_at, expires_at from identity_status_lists',
  );
  const now = ctx.clock().getTime();
  return (
    rows.length < statusPurposes.length ||
    rows.some((r) => now >= (new Date(r.issued_at).getTime() + new Date(r.expires_at).getTime()) / 2)
  );
}

/** The stored list credential the server publishes; undefined before the first is issued. */
export async function statusListJwt(db: PgQueryable, purpose: StatusPurpose): Promise<string | undefined> {
  const { rows } = await db.query<{ jwt: string }>('select jwt from identity_status_lists where purpose = $1', [
    purpose,
  ]);
  return rows[0]?.jwt;
}
