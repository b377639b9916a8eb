import type { GitHubClient } from '#platform';
import type { SupportSettings } from '#domains/support';

/** Whether a person may release L3 drafts and resume a paused sync, and if not, why (for the refusal note). */
export type ApproverCheck = { approver: true } | { approver: false; why: string };

/**
 * Whether `login` is an approver: named in SUPPORT_APPROVERS, or an active member of a team
 * named there. Team membership needs the App's organisation permission `members: read`;
 * without it GitHub answers 403, which says so in the refusal instead of failing the
 * command for ever. Any other failure (5xx) is thrown, so the command is tried again.
 */
export async function isApprover(
  github: GitHubClient,
  approvers: SupportSettings['approvers'],
  login: string,
): Promise<ApproverCheck> {
  if (approvers.logins.some((l) => l.toLowerCase() === login.toLowerCase())) return { approver: true };
  const unreadable: string[] = [];
  for (const team of approvers.teams) {
    try {
      const { data } = await github.request('GET /orgs/{org}/teams/{team_slug}/memberships/{username}', {
        org: team.org,
        team_slug: team.slug,
        username: login,
      });
      if (data.state === 'active') return { approver: true };
    } catch (err) {
      const status = (err as { status?: number }).status;
      // 404: not a member. 403: the App may not read the team; it never passes as approval.
      if (status === 403) unreadable.push(`${team.org}/${team.slug}`);
      else if (status !== 404) throw err;
    }
  }
  if (unreadable.length > 0) {
    return {
      approver: false,
      why:
        `the App may not read who is in the team ${unreadable.join(', ')} (GitHub answered 403): ` +
        'it needs the organisation permission `members: read`, which app.yml asks for; ' +
        "an organisation owner accepts it on the App's installation (Settings, GitHub Apps)",
    };
  }
  return {
    approver: false,
    why: `\`${login}\` is not among SUPPORT_APPROVERS, by login or as an active member of a team named there`,
  };
}
