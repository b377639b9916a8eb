import { didOf } from './did/did-web.ts';
import type { IdentityContext } from './identity-context.ts';
import { keysToRetire, recordKeyEvent } from './identity-keys.ts';

export interface RetireOutcome {
  retired: string[];
  /** Keys whose KMS refused or could not be reached: tried again on the next run. */
  failed: Array<{ kid: string; error: string }>;
}

/**
 * Retires in their KMS the keys whose grace has ended. They left the DID documents when it
 * ended, whether or not this has run; this takes them out of use for good (the local KMS
 * destroys them, AWS disables them and schedules their deletion).
 */
export async function retireExpiredKeys(ctx: IdentityContext, opts: { actor: string }): Promise<RetireOutcome> {
  const now = ctx.clock();
  const outcome: RetireOutcome = { retired: [], failed: [] };
  for (const key of await keysToRetire(ctx.db, now)) {
    const kid = `${didOf(ctx.host, key.subject)}#${key.fragment}`;
    try {
      await ctx.kms.driver(key.kms).retireKey(key.keyRef);
      await ctx.db.transaction(async (tx) => {
        await tx.query('update identity_keys set retired_at = $2 where id = $1 and retired_at is null', [key.id, now]);
        await recordKeyEvent(tx, key, { event: 'retired', at: now, actor: opts.actor, reason: 'grace period over' });
      });
      outcome.retired.push(kid);
    } catch (err) {
      ctx.log.error({ err, kid, kms: key.kms }, 'identity: could not retire a key; it is tried again on the next run');
      outcome.failed.push({ kid, error: (err as Error).message });
    }
  }
  return outcome;
}
