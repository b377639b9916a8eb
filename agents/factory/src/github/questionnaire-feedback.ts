import type { GitHubClient } from '../../../runtime/src/index.ts';
import type { GateResult } from '../generate/gate-generated-files.ts';
import { markdownCode, markdownInline } from '../generate/markdown-text.ts';
import type { AgentRequest, AnswerProblem } from '../questionnaire/validate-answers.ts';
import type { PublishedPull } from './publish-agent-pull-request.ts';

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

/** The most problems one comment lists: a body of thousands of bad choices still gets a short answer. */
const listedProblems = 30;

export function problemsComment(problems: readonly AnswerProblem[]): string {
  // Messages quote answers, so they are written as Markdown text: nothing in them mentions, links or formats.
  return [
    `### The questionnaire needs changes (${problems.length})`,
    '',
    'Edit the issue to fix these; this comment updates with each edit.',
    '',
    ...problems.slice(0, listedProblems).map((p) => `- **${p.label}** ${markdownInline(p.message)}`),
    ...(problems.length > listedProblems ? [`- … and ${problems.length - listedProblems} more`] : []),
  ].join('\n');
}

export function acceptedComment(request: AgentRequest): string {
  const row = (k: string, v: string) => `| ${k} | ${v || '–'} |`;
  const codes = (values: readonly string[]) => values.map(markdownCode).join(', ');
  return [
    `### The questionnaire for \`${request.id}\` is valid`,
    '',
    '| | |',
    '|---|---|',
    row('name', markdownInline(request.name)),
    row('tier', markdownInline(request.tier)),
    row('purpose', markdownInline(request.purpose)),
    row('wakes on', codes(request.wakesOn)),
    row('emits', codes(request.emits)),
    row('stores', codes(request.stores.map((s) => s.table))),
    row('capabilities', codes(request.capabilities)),
    row('depends on', markdownInline(request.dependsOn.join(', '))),
    row('service level', markdownInline(request.serviceLevel)),
    row('acceptance examples', String(request.acceptance.length)),
  ].join('\n');
}

export function publishedComment(request: AgentRequest, pull: PublishedPull): string {
  const what = pull.pullWas === 'opened' ? 'opened' : pull.branchWas === 'unchanged' && pull.pullWas === 'unchanged' ? 'is up to date in' : 'updated';
  return [
    `### \`${request.id}\` is generated: ${what} #${pull.number}`,
    '',
    `The agent is on branch \`${pull.branch}\` (${pull.commit.slice(0, 7)}), in ${pull.url}. It passed this repository's WowVision rules and a typecheck; CI runs its tests.`,
    '',
    'Edit this issue to change the answers: the branch and the pull request follow. `/factory cancel` closes the pull request; `/factory retry` generates again.',
  ].join('\n');
}

export function blockedComment(request: AgentRequest, gate: GateResult): string {
  const lines = [
    ...gate.packProblems.map((p) => `- \`${p.file}:${p.line}\` the rule pack: ${p.message}`),
    ...gate.findings.map((f) => `- \`${f.path}:${f.line}\` **${f.rule}** (${f.severity}): ${f.message}${f.fix === undefined ? '' : ` — ${f.fix}`}`),
    ...gate.typeErrors.map((t) => `- \`${t.path}:${t.line}:${t.column}\` typecheck: ${t.message}`),
  ];
  return [
    `### \`${request.id}\` was generated but did not pass the gate, so no pull request was opened`,
    '',
    ...lines,
    '',
    'These come from the template with these answers, judged by this repository\'s rules. Change the answers (edit the issue), or ask the platform team to fix the template; then comment `/factory retry`.',
  ].join('\n');
}

export function cancelledComment(request: AgentRequest, pull: number | undefined): string {
  return `### \`${request.id}\`: cancelled\n\n${pull === undefined ? 'There was no open pull request.' : `Pull request #${pull} is closed.`} The branch stays; comment \`/factory retry\` (or edit the issue) to generate again.`;
}

export function failedComment(request: AgentRequest, err: unknown): string {
  return `### \`${request.id}\`: generating failed\n\n\`\`\`\n${(err as Error).message.slice(0, 2000)}\n\`\`\`\n\nThe Factory retries on its own; if this stays, comment \`/factory retry\` later.`;
}
