import type { GitHubClient } from './github-client.ts';

/**
 * A person's role on a repository, weakest first. `triage` may label and close issues,
 * `write` may push, `maintain` and `admin` manage the repository. `none` is someone
 * GitHub does not know as a user, or one with no access to a private repository.
 */
export const repositoryRoles = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const;
export type RepositoryRole = (typeof repositoryRoles)[number];

/**
 * The role GitHub gives `username` on `owner/repo`, read from the collaborator-permission
 * endpoint (needs only the App's `metadata: read`). Its `role_name` names triage and
 * maintain and custom roles, which the legacy `permission` field folds into read and
 * write; a custom role counts as its base `permission`. An answer that cannot be read
 * never passes as a role: it is `none`, and a failure other than 404 is thrown so the bus
 * retries instead of refusing someone who may act.
 */
export async function getRepositoryRole(
  github: GitHubClient,
  repo: { owner: string; repo: string },
  username: string,
): Promise<RepositoryRole> {
  try {
    const { data } = await github.request('GET /repos/{owner}/{repo}/collaborators/{username}/permission', {
      owner: repo.owner,
      repo: repo.repo,
      username,
    });
    const named = repositoryRoles.find((r) => r === data.role_name);
    if (named !== undefined) return named;
    return repositoryRoles.find((r) => r === data.permission) ?? 'none';
  } catch (err) {
    if ((err as { status?: number }).status === 404) return 'none';
    throw err;
  }
}

/** Whether `role` is `least` or stronger. */
export function hasRepositoryRole(role: RepositoryRole, least: RepositoryRole): boolean {
  return repositoryRoles.indexOf(role) >= repositoryRoles.indexOf(least);
}
