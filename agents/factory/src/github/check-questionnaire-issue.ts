import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { getRepositoryRole, hasRepositoryRole, type GitHubClient } from '#platform';
import { createError } from '../errors.ts';
import { snapshotFromTarball } from '../../../wowvision/src/index.ts';
import type { AgentTemplate } from '../generate/agent-template.ts';
import type { GateResult } from '../generate/gate-generated-files.ts';
import { buildNewAgent } from '../generate/plan-new-agent.ts';
import { approvalDigest } from '../generate/answers-file.ts';
import { parseIssueBody } from '../questionnaire/parse-issue-body.ts';
import type { Questionnaire } from '../questionnaire/questionnaire.ts';
import {
  validateAnswers,
  type AgentRequest,
  type AnswerProblem,
  type PlatformFacts,
} from '../questionnaire/validate-answers.ts';
import { maxBranches, readAgentBranches, type AgentBranch } from './agent-branches.ts';
import { actingRole, authorLacksWrite, authoriseRequest } from './authorise-request.ts';
import { parseFactoryCommand, type FactoryCommand } from './factory-command.ts';
import { closeAgentPullRequests, publishAgentPullRequest, type PublishedPull } from './publish-agent-pull-request.ts';
import {
  acceptedComment,
  approvalNote,
  awaitingApprovalComment,
  blockedComment,
  cancelledComment,
  failedComment,
  feedbackMarkers,
  problemsComment,
  publishedComment,
  refusedComment,
  staleApprovalComment,
  takenComment,
  upsertFeedback,
} from './questionnaire-feedback.ts';

export interface IssuePayload {
  action?: string;
  issue?: {
    number: number;
    body?: string | null;
    // GitHub's schema allows a null entry; it names no label.
    labels?: ({ name?: string } | string | null)[];
    pull_request?: unknown;
    user?: { login?: string } | null;
  };
  label?: { name?: string };
  comment?: { body?: string; user?: { login?: string } | null };
  repository?: { name: string; owner: { login: string } };
  /** Whose act sent the event: the author, an editor, the person who added the label, the commenter. */
  sender?: { type?: string; login?: string };
}

export type QuestionnaireOutcome =
  | { did: 'ignored'; why: string }
  | {
      did: 'refused';
      issue: number;
      command: FactoryCommand['command'];
      who: string;
      /** Why, in a few words: the commenter's role, or an approval naming other answers. */
      why: 'role' | 'stale approval';
      commentId: number;
    }
  | { did: 'invalid'; issue: number; problems: AnswerProblem[]; commentId: number }
  | { did: 'unapproved'; issue: number; request: AgentRequest; digest: string; why: string; commentId: number }
  | {
      did: 'taken';
      issue: number;
      request: AgentRequest;
      by: { issue: number | undefined; pull: number | undefined; branch: string };
      commentId: number;
    }
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

/** The `issues` actions that change what a questionnaire asks for; others (closed, assigned …) change nothing. */
const issueActions = new Set(['opened', 'edited', 'labeled']);

/**
 * An `issues` event on a questionnaire (an issue carrying the form's label), or a new
 * `/factory retry|cancel|approve` comment on one: parse the body, validate every answer,
 * and, when valid and approved (docs/security.md: the author has write access, or a person
 * with write access approves these answers by their digest), generate the agent against
 * the default branch, gate it, and publish it on the request's branch. Every outcome is
 * said in the Factory's one comment; a refused command in a second one.
 */
export async function checkQuestionnaireIssue(
  client: GitHubClient,
  payload: IssuePayload,
  q: Questionnaire,
  facts: PlatformFacts,
  generation?: Generation,
): Promise<QuestionnaireOutcome> {
  const { issue, repository } = payload;
  if (issue === undefined || repository === undefined) return { did: 'ignored', why: 'not an issue event' };
  if (payload.sender?.type === 'Bot') return { did: 'ignored', why: 'edited by a bot' };
  if (issue.pull_request !== undefined) return { did: 'ignored', why: 'a pull request, not an issue' };
  const factoryLabel = q.labels[0] ?? 'factory';
  const labels = (issue.labels ?? []).map((l) => (typeof l === 'string' ? l : (l?.name ?? '')));
  if (!labels.includes(factoryLabel)) return { did: 'ignored', why: `the issue has no "${factoryLabel}" label` };
  // An edited or deleted comment is not a command: replayed, it would repeat what was done (or approve again).
  if (payload.comment !== undefined && payload.action !== 'created')
    return {
      did: 'ignored',
      why: `a comment ${payload.action ?? 'changed'}, not created: only a new comment is a command`,
    };
  if (payload.comment === undefined && !issueActions.has(payload.action ?? ''))
    return { did: 'ignored', why: `the issue was ${payload.action ?? 'changed'}, which changes no answer` };
  if (payload.action === 'labeled' && payload.label?.name !== factoryLabel)
    return { did: 'ignored', why: 'another label was added' };
  const command = payload.comment === undefined ? undefined : parseFactoryCommand(payload.comment.body ?? '');
  if (payload.comment !== undefined && command === undefined)
    return { did: 'ignored', why: 'a comment without a /factory command' };

  const at = { client, owner: repository.owner.login, repo: repository.name, issue: issue.number };
  const actor = payload.comment?.user?.login ?? payload.sender?.login;
  if (command !== undefined) {
    // Commands are read before anything else: a refused one changes nothing and says so once.
    const role = actor === undefined ? 'none' : await getRepositoryRole(client, at, actor);
    if (!hasRepositoryRole(role, actingRole)) {
      const { commentId } = await upsertFeedback(
        at,
        refusedComment(command.command, actor ?? 'someone', role),
        feedbackMarkers.refusal,
      );
      return refused(issue.number, command, actor, 'role', commentId);
    }
  }

  const author = issue.user?.login ?? undefined;
  const authorRole = author === undefined ? 'none' : await getRepositoryRole(client, at, author);
  const { answers } = parseIssueBody(issue.body ?? '', q);
  const result = validateAnswers(answers, q, facts);
  if ('problems' in result) {
    const note = hasRepositoryRole(authorRole, actingRole)
      ? ''
      : `\n\n${approvalNote(authorLacksWrite(author, authorRole))}`;
    const { commentId } = await upsertFeedback(at, problemsComment(result.problems) + note);
    return { did: 'invalid', issue: issue.number, problems: result.problems, commentId };
  }
  const { request } = result;
  // The digest of the answers this event carries: what is generated is exactly what it names.
  const digest = approvalDigest(answers, q);
  if (command?.command === 'approve' && command.digest !== digest) {
    const { commentId } = await upsertFeedback(
      at,
      staleApprovalComment(command.digest, actor ?? 'someone', digest),
      feedbackMarkers.refusal,
    );
    return refused(issue.number, command, actor, 'stale approval', commentId);
  }
  if (command?.command === 'cancel') {
    const branches = await ownBranches(at, request);
    if (!Array.isArray(branches)) return branches;
    const closed = await closeAgentPullRequests(at, branches);
    const { commentId } = await upsertFeedback(at, cancelledComment(request, closed));
    return { did: 'cancelled', issue: issue.number, pull: closed[0], commentId };
  }
  const branches = await ownBranches(at, request);
  if (!Array.isArray(branches)) return branches;
  const authorisation = await authoriseRequest(
    at,
    { author, authorRole, approves: command?.command === 'approve', retry: command?.command === 'retry' },
    { id: request.id, digest, branches },
  );
  if (!authorisation.allowed) {
    const { commentId } = await upsertFeedback(at, awaitingApprovalComment(request, authorisation.why, digest));
    return { did: 'unapproved', issue: issue.number, request, digest, why: authorisation.why, commentId };
  }
  // Without the means to generate, the Factory only validates.
  if (generation === undefined) {
    const { commentId } = await upsertFeedback(at, acceptedComment(request));
    return { did: 'valid', issue: issue.number, request, commentId };
  }
  return generate(at, { request, digest, answers, q, generation, branches, label: factoryLabel });
}

function refused(
  issue: number,
  command: FactoryCommand,
  actor: string | undefined,
  why: 'role' | 'stale approval',
  commentId: number,
): QuestionnaireOutcome {
  return { did: 'refused', issue, command: command.command, who: actor ?? 'someone', why, commentId };
}

/** The request's branches, when every one is this issue's; otherwise the outcome saying who holds the id (and nothing is pushed, closed or said for it). */
async function ownBranches(
  at: IssueAt,
  request: AgentRequest,
): Promise<AgentBranch[] | Extract<QuestionnaireOutcome, { did: 'taken' }>> {
  const branches = await readAgentBranches(at, request.id);
  const holder = branches.find((b) => b.issue !== at.issue);
  if (holder === undefined) return branches;
  const by = { issue: holder.issue, pull: holder.pull?.number, branch: holder.branch };
  const { commentId } = await upsertFeedback(at, takenComment(request, by));
  return { did: 'taken', issue: at.issue, request, by, commentId };
}

/** The agent generated against the default branch, gated, and published on the request's branch. */
async function generate(
  at: IssueAt,
  input: {
    request: AgentRequest;
    /** The answers' digest, for a re-approval after the gate blocked them. */
    digest: string;
    answers: ReturnType<typeof parseIssueBody>['answers'];
    q: Questionnaire;
    generation: Generation;
    branches: AgentBranch[];
    label: string;
  },
): Promise<QuestionnaireOutcome> {
  const { client, owner, repo, issue } = at;
  const { request, generation } = input;
  try {
    if (input.branches.length >= maxBranches)
      throw createError('WOW_ERR_FACTORY_BRANCHES', { max: maxBranches, request: request.id });
    const { data: info } = await client.request('GET /repos/{owner}/{repo}', { owner, repo });
    const branch = info.default_branch;
    const { data: ref } = await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
      owner,
      repo,
      ref: `heads/${branch}`,
    });
    // Read as it downloads and stopped at WowVision's size caps: the process serves every installation.
    const { data: tarball } = await client.request('GET /repos/{owner}/{repo}/tarball/{ref}', {
      owner,
      repo,
      ref: ref.object.sha,
      request: { parseSuccessResponseBody: false },
    });
    const base = await snapshotFromTarball(Readable.fromWeb(tarball as ReadableStream<Uint8Array>));
    const plan = await buildNewAgent({
      answers: input.answers,
      request,
      questionnaire: input.q,
      templates: generation.templates,
      base,
      typecheckRoot: generation.typecheckRoot,
    });
    if (plan.did === 'blocked') {
      const { commentId } = await upsertFeedback(at, blockedComment(request, plan.gate, input.digest));
      return { did: 'blocked', issue, request, gate: plan.gate, commentId };
    }
    const pull = await publishAgentPullRequest(at, {
      base: { branch, sha: ref.object.sha },
      generated: plan.generated,
      request,
      issue,
      label: input.label,
      branches: input.branches,
    });
    const { commentId } = await upsertFeedback(at, publishedComment(request, pull));
    return { did: 'published', issue, request, pull, commentId };
  } catch (err) {
    // Said on the issue, then thrown again so the bus retries (a GitHub outage passes).
    await upsertFeedback(at, failedComment(request, err)).catch(() => undefined);
    throw err;
  }
}

interface IssueAt {
  client: GitHubClient;
  owner: string;
  repo: string;
  issue: number;
}
