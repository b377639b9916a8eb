import type { AgentContext } from '#platform';
import { postCustomerWebhook } from '../delivery/post-customer-webhook.ts';
import { openWebhookSecret } from '#domains/support';
import { checkIncidents, type IncidentDeps } from '../incidents/check-incidents.ts';
import { runEvery } from './run-every.ts';

type BaseContext = Omit<AgentContext, 'event' | 'attempt' | 'signal' | 'delivery'>;

/** What checkIncidents needs, from the agent's context: the support repository's client and customers' webhooks. */
export async function incidentDeps(ctx: BaseContext): Promise<IncidentDeps> {
  const { repo } = ctx.config.support;
  const client =
    repo === undefined || ctx.github === undefined ? undefined : await ctx.github.forRepository(repo.owner, repo.repo);
  return {
    store: ctx.store,
    log: ctx.log,
    github: client === undefined || repo === undefined ? undefined : { client, ...repo },
    send: async (notice, event) => {
      // The same delivery id on every attempt: the customer can drop a repeat.
      const secret = openWebhookSecret(
        notice.customer.webhookSecret,
        notice.customer.id,
        ctx.config.support.secretsKey,
      );
      await postCustomerWebhook({
        url: notice.customer.webhookUrl,
        secret,
        deliveryId: `${notice.incident.id}:${notice.kind}`,
        event,
      });
    },
  };
}

/**
 * Looks at every agent's health each `everyMs`, one look at a time, in every runtime that
 * hosts WowSupport (the looks agree through the database). Returns the stop.
 */
export function watchIncidents(ctx: BaseContext, everyMs: number): () => Promise<void> {
  return runEvery(
    everyMs,
    async () => {
      await checkIncidents(await incidentDeps(ctx), ctx.clock());
    },
    ctx.log,
    "could not check agents' health for incidents; trying again on the next look",
  );
}
