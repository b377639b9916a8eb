import { appendFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { Octokit } from '@octokit/core';
import { createLlmClient } from '#platform';
import {
  checkName,
  checkRunOutput,
  completeCheckRun,
  fetchMissingCommits,
  formatText,
  reviewLocalRepo,
  startCheckRun,
  toSarif,
  type GitHubRepo,
  type Review,
} from '../../../agents/wowvision/src/index.ts';
import { readActionEnv, type ActionEnv } from './action-env.ts';
import { annotationCommands, perStepLimit, plainCommand } from './workflow-commands.ts';

export interface ActionIo {
  stdout: { write(text: string): unknown };
  /** For tests: a fetch that answers as GitHub would. */
  fetch?: typeof fetch;
}

/** Exit codes: 0 nothing blocks, 1 a finding blocks, 2 the review could not run. */
export const actionExit = { ok: 0, blocked: 1, failed: 2 } as const;

const externalId = 'wowvision-action';

/**
 * The WowVision Action: the engine on the checked-out repository, the rules of the base
 * commit. With a token that may write checks the findings become a "WowVision" check
 * run with every annotation; with a read-only one (pull requests from forks) they become
 * workflow-command annotations, which GitHub caps per step, and the log says so. Either
 * way: a job summary, a SARIF file and an exit code that blocks.
 */
export async function runVisionAction(env: Record<string, string | undefined>, io: ActionIo): Promise<number> {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const action = await readActionEnv(env);
  const fetched = await fetchMissingCommits(
    action.checkout,
    [action.base, action.head].filter((s) => s !== undefined),
  );
  if (fetched.length > 0) out(`Fetched ${fetched.join(', ')} into the shallow checkout to find the merge base.`);

  const at = action.token === undefined ? undefined : repoClient(action, io.fetch);
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
      toolEnv: action.env,
      toolTimeoutMs: action.toolTimeoutMs,
    }));
  } catch (err) {
    if (!('degraded' in check) && at !== undefined)
      await failCheck(at, check.id, (err as Error).message).catch(() => undefined);
    throw err;
  }

  out(formatText(review));
  const output = checkRunOutput(review);
  let note: string | undefined;
  if ('degraded' in check) {
    const { lines, left } = annotationCommands(review.findings);
    for (const line of lines) out(line);
    note = `WowVision could not write a check run (${check.degraded}), so findings are shown as workflow annotations, which GitHub caps at ${perStepLimit} errors and ${perStepLimit} warnings per step${left > 0 ? `: ${left} more are listed in the job summary and the SARIF file` : ''}. Give the workflow \`permissions: checks: write\` for every annotation; pull requests from forks get a read-only token.`;
    out(plainCommand('warning', note, 'WowVision: annotations degraded'));
  } else if (at !== undefined) {
    await completeCheckRun(at, check.id, review);
    out(`Annotated ${review.findings.length} finding(s) on the ${checkName} check run.`);
  }

  const sarifPath = isAbsolute(action.sarif) ? action.sarif : join(action.workspace, action.sarif);
  await writeFile(
    sarifPath,
    JSON.stringify(toSarif(review, { version: '1.0.0', uri: 'https://github.com/waooaw/waooaw' }), null, 2) + '\n',
  );
  if (action.summaryFile !== undefined)
    await appendFile(
      action.summaryFile,
      `## WowVision\n\n${note === undefined ? '' : `> ${note}\n\n`}${output.summary}\n`,
    );
  if (action.outputFile !== undefined) {
    const errors = review.findings.filter((f) => f.severity === 'error').length;
    await appendFile(
      action.outputFile,
      `conclusion=${review.conclusion}\nfindings=${review.findings.length}\nerrors=${errors}\nsarif-file=${sarifPath}\n`,
    );
  }
  return review.conclusion === 'failure' ? actionExit.blocked : actionExit.ok;
}

function repoClient(action: ActionEnv, fetchImpl: typeof fetch | undefined): GitHubRepo {
  const client = new Octokit({
    auth: action.token,
    baseUrl: action.apiUrl,
    userAgent: 'waooaw-wowvision-action',
    ...(fetchImpl === undefined ? {} : { request: { fetch: fetchImpl } }),
  });
  return { client, owner: action.owner, repo: action.repo };
}

/** Starts the check run, or says why this token cannot (read-only tokens get 403). */
async function startCheck(at: GitHubRepo, action: ActionEnv): Promise<{ id: number } | { degraded: string }> {
  try {
    return { id: await startCheckRun(at, action.head ?? '', externalId, action.runUrl) };
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 403 || status === 404) return { degraded: `GitHub answered ${status}: ${(err as Error).message}` };
    throw err;
  }
}

async function failCheck(at: GitHubRepo, id: number, message: string): Promise<void> {
  await at.client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
    owner: at.owner,
    repo: at.repo,
    check_run_id: id,
    conclusion: 'failure',
    output: { title: 'WowVision could not review this change', summary: message.slice(0, 60_000) },
  });
}
