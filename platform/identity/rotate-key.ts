import { didOf, type Subject } from './did/did-web.ts';
import { createError } from './errors.ts';
import type { IdentityContext } from './identity-context.ts';
import { openKeyOf, recordKeyEvent } from './identity-keys.ts';
import { jwkThumbprint } from './kms/public-key-jwk.ts';

export interface Rotation {
  subject: Subject;
  did: string;
  /** The key rotated out: it signs until `signsUntil`, then verifies until `verifiesUntil`, then is retired. */
  previous: { kid: string; signsUntil: Date; verifiesUntil: Date };
  /** The new key: in the DID document now, signing from `signsFrom`. */
  next: { kid: string; signsFrom: Date };
}

/**
 * Rotates the subject's key. The new key goes into the DID document at once and signs
 * IDENTITY_KEY_PUBLISH_SECONDS later (verifiers that cached the document have fetched it
 * again by then); from that moment the old key signs no more and stays in the document, for
 * verification only, for IDENTITY_KEY_GRACE_SECONDS, after which it leaves the document and
 * `retireExpiredKeys` retires it in its KMS.
 */
export async function rotateKey(
  ctx: IdentityContext,
  subject: Subject,
  opts: { actor: string; reason: string },
): Promise<Rotation> {
  const did = didOf(ctx.host, subject);
  if ((await openKeyOf(ctx.db, subject)) === undefined) throw createError('WOW_ERR_IDENTITY_NO_KEY', { did });
  const kms = ctx.kms.current;
  const made = await kms.createKey({ label: did });
  const fragment = jwkThumbprint(made.publicKeyJwk);
  try {
    return await ctx.db.transaction(async (tx) => {
      // Locked: two rotations of one subject at once take turns, and each closes the key the other opened.
      const open = await openKeyOf(tx, subject, { forUpdate: true });
      if (open === undefined) throw createError('WOW_ERR_IDENTITY_NO_KEY', { did });
      const now = ctx.clock();
      // A key rotated out before it ever signed hands over when it would have started.
      const switchAt = new Date(Math.max(now.getTime() + ctx.settings.publishSeconds * 1000, open.signsFrom.getTime()));
      const verifiesUntil = new Date(switchAt.getTime() + ctx.settings.graceSeconds * 1000);
      await tx.query('update identity_keys set signs_until = $2, verifies_until = $3 where id = $1', [
        open.id,
        switchAt,
        verifiesUntil,
      ]);
      await recordKeyEvent(tx, open, { event: 'rotated_out', at: now, actor: opts.actor, reason: opts.reason });
      const { rows } = await tx.query<{ id: string }>(
        `insert into identity_keys (subject, fragment, kms, key_ref, public_key_jwk, created_at, signs_from)
         values ($1, $2, $3, $4, $5, $6, $7) returning id`,
        [subject, fragment, kms.driver, made.keyRef, JSON.stringify(made.publicKeyJwk), now, switchAt],
      );
      const id = Number(rows[0]?.id);
      await recordKeyEvent(tx, { id, subject }, { event: 'created', at: now, actor: opts.actor, reason: opts.reason });
      const rotation: Rotation = {
        subject,
        did,
        previous: { kid: `${did}#${open.fragment}`, signsUntil: switchAt, verifiesUntil },
        next: { kid: `${did}#${fragment}`, signsFrom: switchAt },
      };
      return rotation;
    });
  } catch (err) {
    // Nothing refers to the new key: it must not stay usable in the KMS.
    await kms
      .retireKey(made.keyRef)
      .catch((cleanup: unknown) =>
        ctx.log.warn({ err: cleanup, keyRef: made.keyRef }, 'identity: could not retire the key of a failed rotation'),
      );
    throw err;
  }
}
