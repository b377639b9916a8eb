import { writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import * as core from '@actions/core';
import { createGitHubClient, createLlmClient, createLogger, type GitHubRequestPolicy } from '#platform';
import {
  checkName,
  checkRunOutput,
  completeCheckRun,
  fetchMissingCommits,
  formatText,
  inlineCode,
  reviewLocalRepo,
  startCheckRun,
  toSarif,
  type GitHubRepo,
  type Review,
} from '../../../agents/wowvision/src/index.ts';
import { readActionInputs, type ActionContext, type ActionInputs } from './action-inputs.ts';
import { annotateFindings, perStepLimit } from './annotate-findings.ts';

export interface VisionActionRun {
  /** @actions/github's context: the event and the repository. */
  context: ActionContext;
  /** The job's workspace (GITHUB_WORKSPACE). */
  workspace: string;
  /** The job's environment: only what a tool needs to start is handed on to tool kinds. */
  env: Readonly<Record<string, string | undefined>>;
  /** The job summary, when the run has one. */
  summary?: typeof core.summary | undefined;
  /** For tests: a fetch that answers as GitHub would. */
  fetch?: typeof fetch;
  /** For tests: GitHub's waits shortened (`testGitHubPolicy`). */
  policy?: Partial<GitHubRequestPolicy>;
}

/** Exit codes: 0 nothing blocks, 1 a finding blocks, 2 the review could not run. */
export const actionExit = { ok: 0, blocked: 1, failed: 2 } as const;

const externalId = 'wowvision-action';
const failedTitle = 'WowVision could not review this change';

/**
 * The WowVision Action: the engine on the checked-out repository, the rules of the base
 * commit. With a token that may write checks the findings become a "WowVision" check
 * run with every annotation; with a read-only one (pull requests from forks) they become
 * workflow annotations, which GitHub caps per step, and the log says so. Either way: a job
 * summary, a SARIF file, outputs and an exit code that blocks.
 */
export async function runVisionAction(run: VisionActionRun): Promise<number> {
  const action = readActionInputs(run.context, run.workspace);
  const { summary } = run;
  const fetched = await fetchMissingCommits(
    action.checkout,
    [action.base, action.head].filter((s) => s !== undefined),
  );
  if (fetched.length > 0) core.info(`Fetched ${fetched.join(', ')} into the shallow checkout to find the merge base.`);

  const at = action.token === undefined ? undefined : repoClient(action, action.token, run);
  const check =
    at === undefined || action.head === undefined ? { degraded: 'no token was given' } : await startCheck(at, action);

  let review: Review;
  try {
    const advisor = action.llm === undefined ? undefined : createLlmClient(action.llm);
    ({ review } = await reviewLocalRepo({
      cwd: action.checkout,
      base: action.base,
      head: action.head,
      all: action.all,
      config: action.config,
      persistCache: false,
      advisor,
      trustedCode: action.trustedCode,
      toolEnv: run.env,
      toolTimeoutMs: action.toolTimeoutMs,
    }));
  } catch (err) {
    // The message may quote the pull request (a path, a ref): Markdown shows it as code.
    const said = `**${failedTitle}:** ${inlineCode((err as Error).message, 10_000)}`;
    if (!('degraded' in check) && at !== undefined) await failCheck(at, check.id, said).catch(() => undefined);
    await summary?.addRaw(`## WowVision\n\n${said}\n`, true).write();
    throw err;
  }

  core.info(formatText(review));
  const output = checkRunOutput(review);
  let note: string | undefined;
  if ('degraded' in check) {
    const left = annotateFindings(review.findings);
    const listed = left > 0 ? `: ${left} more are listed in the job summary and the SARIF file` : '';
    note =
      `WowVision could not write a check run (${check.degraded}), so findings are shown as workflow annotations, ` +
      `which GitHub caps at ${perStepLimit} errors and ${perStepLimit} warnings per step${listed}. ` +
      'Give the workflow `permissions: checks: write` for every annotation; ' +
      'pull requests from forks get a read-only token.';
    core.warning(note, { title: 'WowVision: annotations degraded' });
  } else if (at !== undefined) {
    await completeCheckRun(at, check.id, review);
    core.info(`Annotated ${review.findings.length} finding(s) on the ${checkName} check run.`);
  }

  const sarifPath = isAbsolute(action.sarif) ? action.sarif : join(action.workspace, action.sarif);
  await writeFile(
    sarifPath,
    JSON.stringify(toSarif(review, { version: '1.0.0', uri: 'https://github.com/waooaw/waooaw' }), null, 2) + '\n',
  );
  await summary
    ?.addRaw(`## WowVision\n\n${note === undefined ? '' : `> ${note}\n\n`}${output.summary}\n`, true)
    .write();
  core.setOutput('conclusion', review.conclusion);
  core.setOutput('findings', review.findings.length);
  core.setOutput('errors', review.findings.filter((f) => f.severity === 'error').length);
  core.setOutput('sarif-file', sarifPath);
  return review.conclusion === 'failure' ? actionExit.blocked : actionExit.ok;
}

function repoClient(action: ActionInputs, token: string, run: Pick<VisionActionRun, 'fetch' | 'policy'>): GitHubRepo {
  const client = createGitHubClient({
    auth: token,
    baseUrl: action.apiUrl,
    userAgent: 'waooaw-wowvision-action',
    fetch: run.fetch,
    policy: run.policy,
    // A wait for GitHub's rate limits shows in the step's log, so the step is not taken for hung.
    log: createLogger('warn'),
  });
  return { client, owner: action.owner, repo: action.repo };
}

/** Starts the check run, or says why this token cannot (read-only tokens get 403). */
async function startCheck(at: GitHubRepo, action: ActionInputs): Promise<{ id: number } | { degraded: string }> {
  try {
    return { id: await startCheckRun(at, action.head ?? '', externalId, action.runUrl) };
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 403 || status === 404) return { degraded: `GitHub answered ${status}: ${(err as Error).message}` };
    throw err;
  }
}

async function failCheck(at: GitHubRepo, id: number, summary: string): Promise<void> {
  await at.client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
    owner: at.owner,
    repo: at.repo,
    check_run_id: id,
    conclusion: 'failure',
    output: { title: failedTitle, summary },
  });
}
