import type { FastifyRequest } from 'fastify';
import type { AgentManifest, Store } from '#platform';
import { commerceErrors, type User } from '#domains/commerce';

/** What the trials' routes share. */
export interface TrialsContext {
  store: Store;
  clock: () => Date;
  apiRateLimitPerMinute: number;
  /** The agents' manifests (read on first use, then kept). */
  agents: () => Promise<readonly AgentManifest[]>;
  /** The signed-in customer, or undefined. */
  currentUser: (req: FastifyRequest) => Promise<User | undefined>;
}

/** The signed-in customer, or WOW_ERR_SESSION_REQUIRED (a page asked for while signed out goes to the sign-in page). */
export async function requireUser(ctx: TrialsContext, req: FastifyRequest): Promise<User> {
  const user = await ctx.currentUser(req);
  if (user === undefined) throw commerceErrors.createError('WOW_ERR_SESSION_REQUIRED', { who: 'customer' });
  return user;
}
