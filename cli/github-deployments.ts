import type { GitHubClient } from '#platform';

/** Where deploys are reported: a repository, and the workflow run that did them. */
export interface DeploymentsTarget {
  client: GitHubClient;
  owner: string;
  repo: string;
  /** The Actions run, linked from each status. */
  logUrl?: string | undefined;
}

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error';

/** GitHub caps a deployment status description at 140 characters. */
const clip = (text: string) => (text.length <= 140 ? text : `${text.slice(0, 139)}…`);

export const environmentOf = (agentId: string) => `agents/${agentId}`;

/**
 * Opens a GitHub deployment of one agent at `commit`, in its own environment
 * (`agents/<id>`) so each agent's history shows on the repository's Environments page,
 * and marks it in progress. Commit statuses are not required: the deploy workflow runs
 * after the merge, when the checks have already passed.
 */
export async function startDeployment(
  at: DeploymentsTarget,
  opts: { agentId: string; commit: string; rollback: boolean; description: string; payload: Record<string, unknown> },
): Promise<number> {
  const environment = environmentOf(opts.agentId);
  const { data } = await at.client.request('POST /repos/{owner}/{repo}/deployments', {
    owner: at.owner,
    repo: at.repo,
    ref: opts.commit,
    task: opts.rollback ? 'deploy:rollback' : 'deploy',
    auto_merge: false,
    required_contexts: [],
    environment,
    description: clip(opts.description),
    payload: opts.payload,
    production_environment: true,
  });
  // 202 answers a merge GitHub made instead; auto_merge is off, so a deployment is always created.
  const id = (data as { id?: number }).id;
  if (id === undefined)
    throw new Error(
      `GitHub created no deployment for ${opts.agentId}: ${(data as { message?: string }).message ?? 'no reason given'}`,
    );
  await reportDeployment(at, id, opts.agentId, 'in_progress', opts.description);
  return id;
}

/** A status on the deployment; a success makes earlier deployments of the environment inactive. */
export async function reportDeployment(
  at: DeploymentsTarget,
  deploymentId: number,
  agentId: string,
  state: DeploymentState,
  description: string,
): Promise<void> {
  await at.client.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
    owner: at.owner,
    repo: at.repo,
    deployment_id: deploymentId,
    state,
    description: clip(description),
    environment: environmentOf(agentId),
    auto_inactive: true,
    ...(at.logUrl === undefined ? {} : { log_url: at.logUrl }),
  });
}
