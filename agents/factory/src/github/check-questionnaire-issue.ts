import type { GitHubClient } from '../../../runtime/src/index.ts';
import { parseIssueBody } from '../questionnaire/parse-issue-body.ts';
import type { Questionnaire } from '../questionnaire/questionnaire.ts';
import { validateAnswers, type AgentRequest, type AnswerProblem, type PlatformFacts } from '../questionnaire/validate-answers.ts';
import { acceptedComment, problemsComment, upsertFeedback } from './questionnaire-feedback.ts';

export interface IssuePayload {
  action?: string;
  issue?: { number: number; body?: string | null; labels?: ({ name?: string } | string)[]; pull_request?: unknown };
  label?: { name?: string };
  repository?: { name: string; owner: { login: string } };
  sender?: { type?: string };
}

export type QuestionnaireOutcome =
  | { did: 'ignored'; why: string }
  | { did: 'invalid'; issue: number; problems: AnswerProblem[]; commentId: number }
  | { did: 'valid'; issue: number; request: AgentRequest; commentId: number };

/**
 * An `issues` event on a questionnaire (an issue carrying the form's label): parse the
 * body, validate every answer, and say what was found in the Factory's one comment.
 */
export async function checkQuestionnaireIssue(client: GitHubClient, payload: IssuePayload, q: Questionnaire, facts: PlatformFacts): Promise<QuestionnaireOutcome> {
  const { issue, repository } = payload;
  if (issue === undefined || repository === undefined) return { did: 'ignored', why: 'not an issue event' };
  if (payload.sender?.type === 'Bot') return { did: 'ignored', why: 'edited by a bot' };
  const factoryLabel = q.labels[0] ?? 'factory';
  const labels = (issue.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? '')));
  if (!labels.includes(factoryLabel)) return { did: 'ignored', why: `the issue has no "${factoryLabel}" label` };
  if (payload.action === 'labeled' && payload.label?.name !== factoryLabel) return { did: 'ignored', why: 'another label was added' };
  const at = { client, owner: repository.owner.login, repo: repository.name, issue: issue.number };
  const result = validateAnswers(parseIssueBody(issue.body ?? '', q).answers, q, facts);
  if ('problems' in result) {
    const { commentId } = await upsertFeedback(at, problemsComment(result.problems));
    return { did: 'invalid', issue: issue.number, problems: result.problems, commentId };
  }
  const { commentId } = await upsertFeedback(at, acceptedComment(result.request));
  return { did: 'valid', issue: issue.number, request: result.request, commentId };
}
