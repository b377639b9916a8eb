import type { FastifyRequest } from 'fastify';
import type { Store } from '#platform';
import { findSession, getMembership, organisationsOf } from '#domains/commerce';
import { customerErrors } from '#domains/customer';
import { authorizeApiCall } from '#domains/support';

/** The organisation a task request acts for: its id (tasks, entitlement) and slug (its memory, the events' customer). */
export interface TaskCaller {
  organisation: { id: string; slug: string };
  /** The signed-in member, when a session asks (an API key has none). */
  userId?: string;
}

export interface CallerOptions {
  store: Store;
  /** The ticket API's limit per organisation and minute, counted for keys here too. */
  rateLimitPerMinute: number;
  /** Reads the session cookie (the accounts' own, `__Host-` over TLS). */
  readSession: (req: FastifyRequest) => string | undefined;
  clock: () => Date;
}

/**
 * Who is asking: an organisation's API key (`Authorization: Bearer wow_sk_…`, the ticket
 * API's, rate limited alike), or a signed-in member's session acting for one of their
 * organisations (the X-Organisation header's slug, or their only one). Neither: the key's
 * WOW_ERR_API_KEY_INVALID, saying what to send.
 */
export async function taskCaller(opts: CallerOptions, req: FastifyRequest): Promise<TaskCaller> {
  const now = opts.clock();
  const secret = req.headers.authorization === undefined ? opts.readSession(req) : undefined;
  const session = secret === undefined ? undefined : await findSession(opts.store, secret, now);
  if (session === undefined || !('userId' in session.subject)) {
    const customer = await authorizeApiCall(opts.store, {
      authorization: req.headers.authorization,
      limitPerMinute: opts.rateLimitPerMinute,
      now,
    });
    return { organisation: { id: customer.id, slug: customer.slug } };
  }
  const { userId } = session.subject;
  const named = req.headers['x-organisation'];
  if (typeof named === 'string' && named !== '') {
    const membership = await getMembership(opts.store, named, userId);
    return { organisation: { id: membership.id, slug: membership.slug }, userId };
  }
  const memberships = await organisationsOf(opts.store, userId);
  const only = memberships.length === 1 ? memberships[0] : undefined;
  if (only === undefined) throw customerErrors.createError('WOW_ERR_TASK_ORGANISATION', { count: memberships.length });
  return { organisation: { id: only.id, slug: only.slug }, userId };
}
