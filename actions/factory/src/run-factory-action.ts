import { access, appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Octokit } from '@octokit/core';
import {
  checkQuestionnaireIssue,
  loadQuestionnaire,
  loadTemplates,
  platformFacts,
  templatesFor,
  type IssuePayload,
  type QuestionnaireOutcome,
} from '../../../agents/factory/src/index.ts';

export interface ActionIo {
  stdout: { write(text: string): unknown };
  /** For tests: a fetch that answers as GitHub would. */
  fetch?: typeof fetch;
}

/** Exit codes: 0 the issue is answered (whatever the outcome), 1 the Factory failed. */
export const factoryExit = { ok: 0, failed: 1 } as const;

const platformRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The Factory as an Action, for repositories that prefer workflows to installing the App:
 * the same engine on the same `issues` and `issue_comment` events. The answers are checked
 * against the agents of the checked-out repository (when the workflow checks it out), and
 * the agent is generated from its own templates when it has them.
 */
export async function runFactoryAction(env: Record<string, string | undefined>, io: ActionIo): Promise<number> {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const event = env.GITHUB_EVENT_NAME ?? '';
  if (event !== 'issues' && event !== 'issue_comment') {
    out(
      `WowAgentFactory answers issues and issue_comment events; this run is for "${event || 'no event'}", so there is nothing to do.`,
    );
    await writeOutputs(env, { outcome: 'ignored' });
    return factoryExit.ok;
  }
  if (env.GITHUB_EVENT_PATH === undefined)
    throw new Error('GITHUB_EVENT_PATH is not set; run this action from a workflow');
  const payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as IssuePayload;
  const token = env.INPUT_TOKEN?.trim();
  if (token === undefined || token === '')
    throw new Error('input "token" is empty; give a token that may write contents, pull requests and issues');

  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const checkedOut = await access(join(workspace, 'agents')).then(
    () => true,
    () => false,
  );
  const client = new Octokit({
    auth: token,
    baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    userAgent: 'waooaw-factory-action',
    ...(io.fetch === undefined ? {} : { request: { fetch: io.fetch } }),
  });
  const outcome = await checkQuestionnaireIssue(
    client,
    payload,
    await loadQuestionnaire(),
    await platformFacts(join(checkedOut ? workspace : platformRoot, 'agents')),
    {
      templates: await loadTemplates(await templatesFor(checkedOut ? workspace : platformRoot)),
      typecheckRoot: platformRoot,
    },
  );
  out(describe(outcome));
  await writeOutputs(env, {
    outcome: outcome.did,
    ...('request' in outcome ? { 'agent-id': outcome.request.id } : {}),
    ...(outcome.did === 'published' ? { 'pull-request': String(outcome.pull.number) } : {}),
  });
  if (env.GITHUB_STEP_SUMMARY !== undefined)
    await appendFile(env.GITHUB_STEP_SUMMARY, `## WowAgentFactory\n\n${describe(outcome)}\n`);
  return factoryExit.ok;
}

function describe(o: QuestionnaireOutcome): string {
  switch (o.did) {
    case 'ignored':
      return `Nothing to do: ${o.why}.`;
    case 'refused':
      return o.why === 'role'
        ? `Issue #${o.issue}: /factory ${o.command} from ${o.who} was refused: commands are taken from people with write access.`
        : `Issue #${o.issue}: /factory approve from ${o.who} was refused: it does not name the answers as they are now.`;
    case 'unapproved':
      return `Issue #${o.issue}: the answers for "${o.request.id}" (digest ${o.digest}) wait for approval by a person with write access (/factory approve ${o.digest}); nothing was written.`;
    case 'taken':
      return `Issue #${o.issue}: "${o.request.id}" is taken${o.by.issue === undefined ? ` (branch ${o.by.branch} is not the Factory's)` : ` by issue #${o.by.issue}`}; nothing was written.`;
    case 'invalid':
      return `Issue #${o.issue}: ${o.problems.length} problem(s) with the answers, listed in the Factory's comment on the issue.`;
    case 'valid':
      return `Issue #${o.issue}: the answers for "${o.request.id}" are valid.`;
    case 'blocked':
      return `Issue #${o.issue}: "${o.request.id}" was generated but did not pass the gate; the findings are on the issue and no pull request was opened.`;
    case 'published':
      return `Issue #${o.issue}: "${o.request.id}" is in pull request #${o.pull.number} (branch ${o.pull.branch} ${o.pull.branchWas}, pull request ${o.pull.pullWas}).`;
    case 'cancelled':
      return `Issue #${o.issue}: cancelled${o.pull === undefined ? '' : `; pull request #${o.pull} is closed`}.`;
  }
}

async function writeOutputs(env: Record<string, string | undefined>, outputs: Record<string, string>): Promise<void> {
  if (env.GITHUB_OUTPUT === undefined) return;
  await appendFile(
    env.GITHUB_OUTPUT,
    Object.entries(outputs)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
}
