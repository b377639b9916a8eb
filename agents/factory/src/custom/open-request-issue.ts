import type { GitHubClient } from '#platform';
import type { Questionnaire } from '../questionnaire/questionnaire.ts';
import { renderIssueBody } from './render-issue-body.ts';
import { requestAnswers, type CustomAgentRequest } from './request-answers.ts';

/** The labels of a request's issue: the Factory's own (it answers the issue as any questionnaire), and one to find them by. */
export const requestLabels = ['factory', 'new-agent', 'custom-request'];

/** Where the issue opens: FACTORY_REPO through the App's installation there. */
export interface RequestRepo {
  client: GitHubClient;
  owner: string;
  repo: string;
}

export interface OpenedIssue {
  agentId: string;
  issue: number;
  url: string;
  /** Whether this call opened it; false: an earlier delivery of the same request had. */
  opened: boolean;
}

/** The request's id in its issue's body, where people do not see it and the Factory finds it again. */
const marker = (requestId: string) => `<!-- wow-agent-request: ${requestId} -->`;

/**
 * An organisation's request for a custom agent as a New-agent questionnaire issue, labelled
 * for the Factory: the answers derived from the request, a preface with the link back, and
 * a hidden marker of the request, so a redelivered event finds the issue it opened instead
 * of opening another. The Factory then answers the issue as it answers any questionnaire:
 * its author is the App, so nothing is generated until someone with write access approves.
 */
export async function openRequestIssue(
  at: RequestRepo,
  request: CustomAgentRequest,
  q: Questionnaire,
): Promise<OpenedIssue> {
  const answers = requestAnswers(request);
  const agentId = String(answers['agent-id']);
  const existing = await findRequestIssue(at, request.requestId);
  if (existing !== undefined) return { agentId, ...existing, opened: false };
  const preface = [
    marker(request.requestId),
    `An organisation (\`${request.organisationSlug}\`) asked for this agent through the marketplace; ` +
      `it follows the request at ${request.link}. Review the answers below, edit them as needed, ` +
      'and approve with `/factory approve`: the agent will be private to that organisation.',
  ].join('\n');
  const { data } = await at.client.request('POST /repos/{owner}/{repo}/issues', {
    owner: at.owner,
    repo: at.repo,
    title: `New agent: ${request.name} (requested by a customer)`,
    body: renderIssueBody(answers, q, preface),
    labels: requestLabels,
  });
  return { agentId, issue: data.number, url: data.html_url, opened: true };
}

async function findRequestIssue(
  at: RequestRepo,
  requestId: string,
): Promise<{ issue: number; url: string } | undefined> {
  const issues = await at.client.paginate('GET /repos/{owner}/{repo}/issues', {
    owner: at.owner,
    repo: at.repo,
    labels: 'custom-request',
    state: 'all',
    per_page: 100,
  });
  const found = issues.find((i) => i.body?.includes(marker(requestId)) === true);
  return found === undefined ? undefined : { issue: found.number, url: found.html_url };
}
