import type { GitHubClient, SupportSettings } from '../../../runtime/src/index.ts';

/** Whether `login` may release an L3 draft: named in SUPPORT_APPROVERS, or an active member of a team named there. */
export async function isApprover(github: GitHubClient, approvers: SupportSettings['approvers'], login: string): Promise<boolean> {
  if (approvers.logins.some((l) => l.toLowerCase() === login.toLowerCase())) return true;
  for (const team of approvers.teams) {
    try {
      const { data } = await github.request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', { org: team.org, team_slug: team.slug, username: login });
      if (data.state === 'active') return true;
    } catch (err) {
      // 404: not a member. Anything else must not pass as approval.
      if ((err as { status?: number }).status !== 404) throw err;
    }
  }
  return false;
}
