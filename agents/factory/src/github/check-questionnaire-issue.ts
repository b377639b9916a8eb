import type { GitHubClient } from '../../../runtime/src/index.ts';
import { snapshotFromTarball } from '../../../wowvision/src/index.ts';
import type { AgentTemplate } from '../generate/agent-template.ts';
import type { GateResult } from '../generate/gate-generated-files.ts';
import { buildNewAgent } from '../generate/plan-new-agent.ts';
import { parseIssueBody } from '../questionnaire/parse-issue-body.ts';
import type { Questionnaire } from '../questionnaire/questionnaire.ts';
import { validateAnswers, type AgentRequest, type AnswerProblem, type PlatformFacts } from '../questionnaire/validate-answers.ts';
import { closeAgentPullRequest, publishAgentPullRequest, type PublishedPull } from './publish-agent-pull-request.ts';
import { acceptedComment, blockedComment, cancelledComment, failedComment, problemsComment, publishedComment, upsertFeedback } from './questionnaire-feedback.ts';

export interface IssuePayload {
  action?: string;
  issue?: { number: number; body?: string | null; labels?: ({ name?: string } | string)[]; pull_request?: unknown };
  label?: { name?: string };
  comment?: { body?: string };
  repository?: { name: string; owner: { login: string } };
  sender?: { type?: string };
}

export type QuestionnaireOutcome =
  | { did: 'ignored'; why: string }
  | { did: 'invalid'; issue: number; problems: AnswerProblem[]; commentId: number }
  | { did: 'valid'; issue: number; request: AgentRequest; commentId: number }
  | { did: 'blocked'; issue: number; request: AgentRequest; gate: GateResult; commentId: number }
  | { did: 'published'; issue: number; request: AgentRequest; pull: PublishedPull; commentId: number }
  | { did: 'cancelled'; issue: number; pull: number | undefined; commentId: number };

/** What generating needs beyond validation; without it the Factory only validates. */
export interface Generation {
  templates: readonly AgentTemplate[];
  /** A checkout of the platform (its runtime and tsconfig) the generated code is typechecked in. */
  typecheckRoot?: string | undefined;
}

/**
 * An `issues` event on a questionnaire (an issue carrying the form's label), or a
 * `/factory retry|cancel` comment on one: parse the body, validate every answer, and, when
 * valid, generate the agent against the default branch, gate it, and publish it as the
 * PR of branch `factory/<id>`. Every outcome is said in the Factory's one comment.
 */
export async function checkQuestionnaireIssue(client: GitHubClient, payload: IssuePayload, q: Questionnaire, facts: PlatformFacts, generation?: Generation): Promise<QuestionnaireOutcome> {
  const { issue, repository } = payload;
  if (issue === undefined || repository === undefined) return { did: 'ignored', why: 'not an issue event' };
  if (payload.sender?.type === 'Bot') return { did: 'ignored', why: 'edited by a bot' };
  if (issue.pull_request !== undefined) return { did: 'ignored', why: 'a pull request, not an issue' };
  const factoryLabel = q.labels[0] ?? 'factory';
  const labels = (issue.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? '')));
  if (!labels.includes(factoryLabel)) return { did: 'ignored', why: `the issue has no "${factoryLabel}" label` };
  if (payload.action === 'labeled' && payload.label?.name !== factoryLabel) return { did: 'ignored', why: 'another label was added' };
  const command = payload.comment === undefined ? undefined : /^\/factory\s+(retry|cancel)\b/m.exec(payload.comment.body ?? '')?.[1];
  if (payload.comment !== undefined && command === undefined) return { did: 'ignored', why: 'a comment without a /factory command' };

  const at = { client, owner: repository.owner.login, repo: repository.name, issue: issue.number };
  const { answers } = parseIssueBody(issue.body ?? '', q);
  const result = validateAnswers(answers, q, facts);
  if ('problems' in result) {
    const { commentId } = await upsertFeedback(at, problemsComment(result.problems));
    return { did: 'invalid', issue: issue.number, problems: result.problems, commentId };
  }
  const { request } = result;
  if (command === 'cancel') {
    const pull = await closeAgentPullRequest(at, request.id);
    const { commentId } = await upsertFeedback(at, cancelledComment(request, pull));
    return { did: 'cancelled', issue: issue.number, pull, commentId };
  }
  if (generation === undefined) {
    const { commentId } = await upsertFeedback(at, acceptedComment(request));
    return { did: 'valid', issue: issue.number, request, commentId };
  }
  try {
    const { data: info } = await client.request('GET /repos/{owner}/{repo}', { owner: at.owner, repo: at.repo });
    const branch = info.default_branch;
    const { data: ref } = await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { owner: at.owner, repo: at.repo, ref: `heads/${branch}` });
    const { data: tarball } = await client.request('GET /repos/{owner}/{repo}/tarball/{ref}', { owner: at.owner, repo: at.repo, ref: ref.object.sha });
    const base = await snapshotFromTarball(new Uint8Array(tarball as ArrayBuffer));
    const plan = await buildNewAgent({ answers, request, questionnaire: q, templates: generation.templates, base, typecheckRoot: generation.typecheckRoot });
    if (plan.did === 'blocked') {
      const { commentId } = await upsertFeedback(at, blockedComment(request, plan.gate));
      return { did: 'blocked', issue: issue.number, request, gate: plan.gate, commentId };
    }
    const pull = await publishAgentPullRequest(at, { base: { branch, sha: ref.object.sha }, generated: plan.generated, request, issue: issue.number, label: factoryLabel });
    const { commentId } = await upsertFeedback(at, publishedComment(request, pull));
    return { did: 'published', issue: issue.number, request, pull, commentId };
  } catch (err) {
    // Said on the issue, then thrown again so the bus retries (a GitHub outage passes).
    await upsertFeedback(at, failedComment(request, err)).catch(() => undefined);
    throw err;
  }
}
