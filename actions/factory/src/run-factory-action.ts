import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import type { context } from '@actions/github';
import { createGitHubClient, createLogger, type GitHubRequestPolicy } from '#platform';
import { toMarkdown } from 'mdast-util-to-markdown';
import {
  checkQuestionnaireIssue,
  loadQuestionnaire,
  loadTemplates,
  platformFacts,
  templatesFor,
  type IssuePayload,
  type QuestionnaireOutcome,
} from '../../../agents/factory/src/index.ts';

/** What the Action reads of @actions/github's context: the event and where the API is. */
export type FactoryContext = Pick<typeof context, 'eventName' | 'payload' | 'apiUrl'>;

export interface FactoryActionRun {
  context: FactoryContext;
  /** The job's workspace (GITHUB_WORKSPACE), where the workflow may have checked the repository out. */
  workspace: string;
  /** The job summary, when the run has one. */
  summary?: typeof core.summary | undefined;
  /** For tests: a fetch that answers as GitHub would. */
  fetch?: typeof fetch;
  /** For tests: GitHub's waits shortened (`testGitHubPolicy`). */
  policy?: Partial<GitHubRequestPolicy>;
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
export async function runFactoryAction(run: FactoryActionRun): Promise<number> {
  const event = run.context.eventName;
  if (event !== 'issues' && event !== 'issue_comment') {
    core.info(
      `WowAgentFactory answers issues and issue_comment events; this run is for "${event || 'no event'}", so there is nothing to do.`,
    );
    core.setOutput('outcome', 'ignored');
    return factoryExit.ok;
  }
  if (Object.keys(run.context.payload).length === 0)
    throw new Error(
      'the event payload is empty: GITHUB_EVENT_PATH is not set or names no file; run this action from a workflow',
    );
  const payload = run.context.payload as IssuePayload;
  const token = core.getInput('token');
  if (token === '')
    throw new Error('input "token" is empty; give a token that may write contents, pull requests and issues');
  core.setSecret(token);

  const checkedOut = await access(join(run.workspace, 'agents')).then(
    () => true,
    () => false,
  );
  const client = createGitHubClient({
    auth: token,
    baseUrl: run.context.apiUrl,
    userAgent: 'waooaw-factory-action',
    fetch: run.fetch,
    policy: run.policy,
    // A wait for GitHub's rate limits shows in the step's log, so the step is not taken for hung.
    log: createLogger('warn'),
  });
  const outcome = await checkQuestionnaireIssue(
    client,
    payload,
    await loadQuestionnaire(),
    await platformFacts(join(checkedOut ? run.workspace : platformRoot, 'agents')),
    {
      templates: await loadTemplates(await templatesFor(checkedOut ? run.workspace : platformRoot)),
      typecheckRoot: platformRoot,
    },
  );
  core.info(describe(outcome));
  core.setOutput('outcome', outcome.did);
  if ('request' in outcome) core.setOutput('agent-id', outcome.request.id);
  if (outcome.did === 'published') core.setOutput('pull-request', outcome.pull.number);
  // The line names what the issue's answers named: Markdown shows it as the text it is.
  const said = toMarkdown({ type: 'paragraph', children: [{ type: 'text', value: describe(outcome) }] });
  await run.summary?.addRaw(`## WowAgentFactory\n\n${said}`, true).write();
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
      return (
        `Issue #${o.issue}: the answers for "${o.request.id}" (digest ${o.digest}) ` +
        `wait for approval by a person with write access (/factory approve ${o.digest}); nothing was written.`
      );
    case 'taken': {
      const by =
        o.by.issue === undefined ? ` (branch ${o.by.branch} is not the Factory's)` : ` by issue #${o.by.issue}`;
      return `Issue #${o.issue}: "${o.request.id}" is taken${by}; nothing was written.`;
    }
    case 'invalid':
      return `Issue #${o.issue}: ${o.problems.length} problem(s) with the answers, listed in the Factory's comment on the issue.`;
    case 'valid':
      return `Issue #${o.issue}: the answers for "${o.request.id}" are valid.`;
    case 'blocked':
      return `Issue #${o.issue}: "${o.request.id}" was generated but did not pass the gate; the findings are on the issue and no pull request was opened.`;
    case 'published':
      return (
        `Issue #${o.issue}: "${o.request.id}" is in pull request #${o.pull.number} ` +
        `(branch ${o.pull.branch} ${o.pull.branchWas}, pull request ${o.pull.pullWas}).`
      );
    case 'cancelled':
      return `Issue #${o.issue}: cancelled${o.pull === undefined ? '' : `; pull request #${o.pull} is closed`}.`;
  }
}
