import { didOf, type Subject } from './did/did-web.ts';
import type { IdentityContext } from './identity-context.ts';
import { openKeyOf, recordKeyEvent } from './identity-keys.ts';
import { jwkThumbprint } from './kms/public-key-jwk.ts';

export interface EnsuredIdentity {
  subject: Subject;
  did: string;
  kid: string;
  /** True when this call made its first key. */
  created: boolean;
}

/**
 * Gives `subject` a signing key if it has none: a new KMS key, in its DID document and
 * signing at once (no verifier can have cached a document that did not exist). When two
 * processes race, one key wins; the loser's is retired in its KMS at once.
 */
export async function ensureIdentity(
  ctx: IdentityContext,
  subject: Subject,
  opts: { actor: string },
): Promise<EnsuredIdentity> {
  const did = didOf(ctx.host, subject);
  const existing = await openKeyOf(ctx.db, subject);
  if (existing !== undefined) return { subject, did, kid: `${did}#${existing.fragment}`, created: false };

  const kms = ctx.kms.current;
  const made = await kms.createKey({ label: did });
  const fragment = jwkThumbprint(made.publicKeyJwk);
  const now = ctx.clock();
  const id = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `insert into identity_keys (subject, fragment, kms, key_ref, public_key_jwk, created_at, signs_from)
       values ($1, $2, $3, $4, $5, $6, $6)
       on conflict (subject) where signs_until is null do nothing
       returning id`,
      [subject, fragment, kms.driver, made.keyRef, JSON.stringify(made.publicKeyJwk), now],
    );
    const [row] = rows;
    if (row === undefined) return undefined;
    await recordKeyEvent(
      tx,
      { id: Number(row.id), subject },
      { event: 'created', at: now, actor: opts.actor, reason: 'first key' },
    );
    return row.id;
  });
  if (id === undefined) {
    await kms.retireKey(made.keyRef);
    return ensureIdentity(ctx, subject, opts);
  }
  ctx.log.info({ subject, did, kid: `${did}#${fragment}`, kms: kms.driver, actor: opts.actor }, 'identity created');
  return { subject, did, kid: `${did}#${fragment}`, created: true };
}
