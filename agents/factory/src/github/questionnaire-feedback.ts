import type { GitHubClient } from '../../../runtime/src/index.ts';
import type { AgentRequest, AnswerProblem } from '../questionnaire/validate-answers.ts';

const marker = '<!-- waooaw-factory:questionnaire -->';

export interface IssueRef {
  client: GitHubClient;
  owner: string;
  repo: string;
  issue: number;
}

/** The one Factory comment on a questionnaire issue: created once, then edited in place on every later edit. */
export async function upsertFeedback(at: IssueRef, body: string): Promise<{ commentId: number; created: boolean }> {
  const text = `${body}\n\n${marker}`;
  for (let page = 1; ; page++) {
    const { data } = await at.client.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: at.owner, repo: at.repo, issue_number: at.issue, per_page: 100, page });
    const mine = data.find((c) => c.body?.includes(marker) === true);
    if (mine !== undefined) {
      if (mine.body !== text) await at.client.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: at.owner, repo: at.repo, comment_id: mine.id, body: text });
      return { commentId: Number(mine.id), created: false };
    }
    if (data.length < 100) break;
  }
  const { data } = await at.client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: at.owner, repo: at.repo, issue_number: at.issue, body: text });
  return { commentId: Number(data.id), created: true };
}

export function problemsComment(problems: readonly AnswerProblem[]): string {
  return [
    `### The questionnaire needs changes (${problems.length})`,
    '',
    'Edit the issue to fix these; this comment updates with each edit.',
    '',
    ...problems.map((p) => `- **${p.label}** ${p.message}`),
  ].join('\n');
}

export function acceptedComment(request: AgentRequest): string {
  const row = (k: string, v: string) => `| ${k} | ${v.replace(/\|/g, '\\|') || '–'} |`;
  return [
    `### The questionnaire for \`${request.id}\` is valid`,
    '',
    '| | |',
    '|---|---|',
    row('name', request.name),
    row('tier', request.tier),
    row('purpose', request.purpose),
    row('wakes on', request.wakesOn.map((e) => `\`${e}\``).join(', ')),
    row('emits', request.emits.map((e) => `\`${e}\``).join(', ')),
    row('stores', request.stores.map((s) => `\`${s.table}\``).join(', ')),
    row('capabilities', request.capabilities.map((c) => `\`${c}\``).join(', ')),
    row('depends on', request.dependsOn.join(', ')),
    row('service level', request.serviceLevel),
    row('acceptance examples', String(request.acceptance.length)),
  ].join('\n');
}
