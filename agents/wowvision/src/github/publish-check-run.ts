import type { Review } from '../engine/finding.ts';
import { checkLimits, checkRunOutput } from '../report/check-run-output.ts';
import type { GitHubRepo } from './github-repo.ts';

export const checkName = 'WowVision';

export interface CheckRunRef {
  id: number;
  status: string;
  externalId: string | null;
}

/** The WowVision run for this head and rule pack, if one exists. */
export async function findCheckRun(
  at: GitHubRepo,
  headSha: string,
  externalId: string,
): Promise<CheckRunRef | undefined> {
  const [run] = await at.client.paginate(
    'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
    { owner: at.owner, repo: at.repo, ref: headSha, check_name: checkName, filter: 'all', per_page: 100 },
    (response, done) => {
      const hit = response.data.find((r) => r.external_id === externalId);
      if (hit !== undefined) done();
      return hit === undefined ? [] : [hit];
    },
  );
  return run === undefined ? undefined : { id: run.id, status: run.status, externalId: run.external_id };
}

export async function startCheckRun(
  at: GitHubRepo,
  headSha: string,
  externalId: string,
  detailsUrl?: string,
): Promise<number> {
  const { data } = await at.client.request('POST /repos/{owner}/{repo}/check-runs', {
    owner: at.owner,
    repo: at.repo,
    name: checkName,
    head_sha: headSha,
    status: 'in_progress',
    external_id: externalId,
    started_at: new Date().toISOString(),
    output: {
      title: 'Reviewing…',
      summary: 'WowVision is reviewing this change against the repository’s architecture rules.',
    },
    ...(detailsUrl === undefined ? {} : { details_url: detailsUrl }),
  });
  return Number(data.id);
}

/**
 * Completes the run: annotations go 50 per request (GitHub's limit; each update appends),
 * the conclusion with the last batch, so the run never reads complete with findings missing.
 */
export async function completeCheckRun(at: GitHubRepo, checkRunId: number, review: Review): Promise<void> {
  const output = checkRunOutput(review);
  const batches: (typeof output.annotations)[] = [];
  for (let i = 0; i < output.annotations.length; i += checkLimits.annotationsPerRequest)
    batches.push(output.annotations.slice(i, i + checkLimits.annotationsPerRequest));
  const last = batches.pop() ?? [];
  const base = { owner: at.owner, repo: at.repo, check_run_id: checkRunId };
  for (const annotations of batches) {
    await at.client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      ...base,
      output: { title: output.title, summary: output.summary, annotations },
    });
  }
  await at.client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
    ...base,
    status: 'completed',
    conclusion: review.conclusion,
    completed_at: new Date().toISOString(),
    output: { title: output.title, summary: output.summary, ...(last.length > 0 ? { annotations: last } : {}) },
  });
}
