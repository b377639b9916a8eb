import type { FastifyRequest } from 'fastify';
import type { Logger, Store } from '#platform';
import { authenticateApiKey } from '#domains/support';
import {
  billingErrors,
  commerceErrors,
  findSession,
  getMembership,
  getUser,
  organisationsOf,
  type BillingTerms,
  type User,
} from '#domains/commerce';
import type { AccountCookies } from '../accounts/account-cookies.ts';
import type { AgentForSale } from './sold-agents.ts';

/** What the billing routes share. */
export interface BillingContext {
  store: Store;
  terms: BillingTerms;
  agents: Map<string, AgentForSale>;
  cookies: AccountCookies;
  clock: () => Date;
  log: Logger;
  /** Who issues the invoices, as printed on them. */
  supplier: string;
}

/** Who pays, as the request shows it: an organisation, and whether the caller may change its subscriptions. */
export interface Payer {
  organisationId: string;
  slug: string;
  name: string;
  /** An owner signed in; a member or an API key may only read. */
  owner: boolean;
  via: 'session' | 'key';
  user: User | undefined;
}

/** The signed-in customer (the accounts' session cookie), or undefined. */
export async function signedInUser(ctx: BillingContext, req: FastifyRequest): Promise<User | undefined> {
  const secret = ctx.cookies.readSession(req);
  const session = secret === undefined ? undefined : await findSession(ctx.store, secret, ctx.clock());
  return session === undefined || !('userId' in session.subject)
    ? undefined
    : getUser(ctx.store, session.subject.userId);
}

/** A page's organisation (`/orgs/:slug/…`): the signed-in user must be its member (WOW_ERR_NOT_MEMBER otherwise). */
export async function pagePayer(ctx: BillingContext, req: FastifyRequest, slug: string): Promise<Payer> {
  const user = await signedInUser(ctx, req);
  if (user === undefined) throw commerceErrors.createError('WOW_ERR_SESSION_REQUIRED', { who: 'customer' });
  const m = await getMembership(ctx.store, slug, user.id);
  return { organisationId: m.id, slug: m.slug, name: m.name, owner: m.role === 'owner', via: 'session', user };
}

/**
 * An API call's organisation: a `wow_sk_` key's (the ticket API's customer is the
 * organisation), or the signed-in user's — the one named by `organisation` (a slug), or
 * their only one.
 */
export async function apiPayer(
  ctx: BillingContext,
  req: FastifyRequest,
  organisation: string | undefined,
): Promise<Payer> {
  if (req.headers.authorization !== undefined) {
    const customer = await authenticateApiKey(ctx.store, req.headers.authorization);
    return {
      organisationId: customer.id,
      slug: customer.slug,
      name: customer.name,
      owner: false,
      via: 'key',
      user: undefined,
    };
  }
  const user = await signedInUser(ctx, req);
  if (user === undefined) throw commerceErrors.createError('WOW_ERR_SESSION_REQUIRED', { who: 'customer' });
  const memberships = await organisationsOf(ctx.store, user.id);
  const chosen =
    organisation === undefined && memberships.length === 1
      ? memberships[0]
      : memberships.find((m) => m.slug === organisation);
  if (chosen === undefined) {
    if (organisation !== undefined)
      throw commerceErrors.createError('WOW_ERR_NOT_MEMBER', { organisation: organisation.slice(0, 100) });
    throw billingErrors.createError('WOW_ERR_BILLING_INPUT', {
      problems: `organisation: you belong to ${memberships.length} organisations; name one by its slug (${memberships.map((m) => m.slug).join(', ') || 'none yet'})`,
    });
  }
  return {
    organisationId: chosen.id,
    slug: chosen.slug,
    name: chosen.name,
    owner: chosen.role === 'owner',
    via: 'session',
    user,
  };
}

/** Only owners subscribe, cancel or change plans: WOW_ERR_NOT_OWNER for a member or an API key. */
export function assertOwner(payer: Payer): void {
  if (!payer.owner)
    throw commerceErrors.createError('WOW_ERR_NOT_OWNER', {
      organisation: payer.name,
      action:
        payer.via === 'key'
          ? 'subscribe, cancel or change plans (an API key only reads them; an owner signs in)'
          : 'subscribe, cancel or change plans',
    });
}

/** The agents this organisation may hire: every one but other organisations' custom agents. */
export const agentsFor = (ctx: BillingContext, organisationId: string): AgentForSale[] =>
  [...ctx.agents.values()].filter((a) => a.privateTo === undefined || a.privateTo === organisationId);

/** The agent this organisation may hire by this id (not another organisation's custom agent), or WOW_ERR_AGENT_NOT_SOLD. */
export function agentForSale(ctx: BillingContext, agentId: string, organisationId: string): AgentForSale {
  const agent = ctx.agents.get(agentId);
  if (agent === undefined || (agent.privateTo !== undefined && agent.privateTo !== organisationId))
    throw billingErrors.createError('WOW_ERR_AGENT_NOT_SOLD', { agent: agentId.slice(0, 64) });
  return agent;
}
