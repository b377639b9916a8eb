import type { AgentContext } from '#platform';
import { syncTicket, type SyncOutcome } from '../sync/sync-ticket.ts';
import { serializePerTicket } from './serialize-per-ticket.ts';

/** Brings the ticket's issue in step, when a support repository and the App are configured. */
export async function syncWithGitHub(ctx: AgentContext, ticketId: string): Promise<SyncOutcome> {
  const { repo } = ctx.config.support;
  if (repo === undefined) return { did: 'stopped', why: 'no SUPPORT_REPO: tickets are not synced with GitHub' };
  if (ctx.github === undefined)
    return { did: 'stopped', why: 'the GitHub App is not configured (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET)' };
  const github = await ctx.github.forRepository(repo.owner, repo.repo);
  return serializePerTicket(ticketId, () =>
    syncTicket({ github, db: ctx.store, settings: ctx.config.support, owner: repo.owner, repo: repo.repo }, ticketId),
  );
}
