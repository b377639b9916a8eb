import type { MessageGuard } from '../../bus/bus.ts';
import type { CapabilityReader } from '../credentials/capabilities-of.ts';
import type { IdentityContext } from '../identity-context.ts';
import { didOf } from '../did/did-web.ts';
import type { ReplayCache } from './replay-cache.ts';
import { createMessageSigner } from './sign-message.ts';
import { createMessageVerifier } from './verify-message.ts';

export interface MessageGuardOptions {
  /** The types the platform sends itself. */
  platformTypes: readonly string[];
  replay: ReplayCache;
  /** Each signature's life (s). Default 60. */
  ttlSeconds?: number;
  /** How long keys and credentials are reused before the store is asked again. Default 5 s. */
  cacheMs?: number;
}

/**
 * The bus's guard for this platform: messages signed as their senders and verified before
 * every handler, the audience being the platform's bus (`<platform DID>#bus`), so that a
 * message signed for another deployment is refused here.
 */
export function createMessageGuard(
  ctx: IdentityContext,
  capabilities: Pick<CapabilityReader, 'capabilitiesOf'>,
  opts: MessageGuardOptions,
): MessageGuard {
  const audience = `${didOf(ctx.host, 'platform')}#bus`;
  const signer = createMessageSigner(ctx, {
    audience,
    ...(opts.ttlSeconds === undefined ? {} : { ttlSeconds: opts.ttlSeconds }),
    ...(opts.cacheMs === undefined ? {} : { keyCacheMs: opts.cacheMs }),
  });
  return {
    sign: signer.sign,
    seal: signer.seal,
    ...createMessageVerifier({
      host: ctx.host,
      audience,
      db: ctx.db,
      capabilities,
      platformTypes: opts.platformTypes,
      replay: opts.replay,
      now: ctx.now,
      ...(opts.cacheMs === undefined ? {} : { cacheMs: opts.cacheMs }),
    }),
    readmit: (group, eventId) => opts.replay.forget(group, eventId),
  };
}
