import type { GitHubClient } from '#platform';
import type { NotificationContext } from '../notification-settings.ts';
import { syncTicket, type SyncOutcome } from '../sync/sync-ticket.ts';

/**
 * Brings the ticket's issue in step, when a support repository and the App are configured.
 * `github` is the support repository's installation when a webhook from it started the
 * work; otherwise (a support.* event) the App finds that installation.
 */
export async function syncWithGitHub(
  ctx: Pick<NotificationContext, 'settings' | 'state' | 'store' | 'cache' | 'githubApp'>,
  ticketId: string,
  github?: GitHubClient,
): Promise<SyncOutcome> {
  const { support } = ctx.settings;
  const { repo } = support;
  if (repo === undefined) return { did: 'stopped', why: 'no SUPPORT_REPO: tickets are not synced with GitHub' };
  let client = github;
  if (client === undefined) {
    if (ctx.githubApp === undefined)
      return { did: 'stopped', why: 'the GitHub App is not configured (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET)' };
    client = await ctx.githubApp.forRepository(repo.owner, repo.repo);
  }
  const target = {
    github: client,
    db: ctx.store,
    cache: ctx.cache,
    settings: support,
    owner: repo.owner,
    repo: repo.repo,
  };
  return ctx.state.perTicket.run(ticketId, () => syncTicket(target, ticketId));
}
