import { isWowError, writeMarkedComment, type GitHubClient } from '#platform';
import { errors } from '../errors.ts';
import type { GateResult } from '../generate/gate-generated-files.ts';
import { markdownCode, markdownInline } from '../generate/markdown-text.ts';
import type { AgentRequest, AnswerProblem } from '../questionnaire/validate-answers.ts';
import type { PublishedPull } from './publish-agent-pull-request.ts';

/** The hidden markers of the Factory's comments on an issue: its answer to the questionnaire, and its refusal of a command. */
export const feedbackMarkers = {
  questionnaire: '<!-- waooaw-factory:questionnaire -->',
  refusal: '<!-- waooaw-factory:refusal -->',
} as const;

export interface IssueRef {
  client: GitHubClient;
  owner: string;
  repo: string;
  issue: number;
}

/**
 * The one Factory comment of a kind on a questionnaire issue: created once, then edited in
 * place on every later edit, so no event makes the Factory say more than one thing. Only a
 * comment the Factory's own login wrote is taken for it: anyone can copy its marker.
 */
export async function upsertFeedback(
  at: IssueRef,
  body: string,
  marker: string = feedbackMarkers.questionnaire,
): Promise<{ commentId: number; created: boolean }> {
  const written = await writeMarkedComment(at, marker, body);
  return { commentId: written.id, created: written.created };
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
    // What its database role is granted beyond its own tables: an approver sees it before approving.
    row('uses', codes(request.uses.map((u) => u.table))),
    row('capabilities', codes(request.capabilities)),
    row('depends on', markdownInline(request.dependsOn.join(', '))),
    row('service level', markdownInline(request.serviceLevel)),
    row('acceptance examples', String(request.acceptance.length)),
  ].join('\n');
}

export function publishedComment(request: AgentRequest, pull: PublishedPull): string {
  const what =
    pull.pullWas === 'opened'
      ? 'opened'
      : pull.branchWas === 'unchanged' && pull.pullWas === 'unchanged'
        ? 'is up to date in'
        : 'updated';
  return [
    `### \`${request.id}\` is generated: ${what} #${pull.number}`,
    '',
    ...(pull.follows === undefined
      ? []
      : [
          `#${pull.follows} has an approving review, so it stays as it was: the change is in follow-up #${pull.number}, based on its branch.`,
          '',
        ]),
    `The agent is on branch \`${pull.branch}\` (${pull.commit.slice(0, 7)}), in ${pull.url}. ` +
      "It passed this repository's WowVision rules and a typecheck; CI runs its tests.",
    '',
    'Edit this issue to change the answers: the branch and the pull request follow until the pull request is approved, ' +
      "and a follow-up takes later changes; when the issue's author has no write access, " +
      'changed answers wait for a new `/factory approve <digest>`. `/factory cancel` closes the pull request; ' +
      '`/factory retry` generates the approved answers again (both from people with write access).',
  ].join('\n');
}

/** Why the Factory wrote nothing for this issue, and how a person with write access approves it: by the digest of the answers as they are now. */
export function awaitingApprovalComment(request: AgentRequest, why: string, digest: string): string {
  return [
    `### \`${request.id}\` waits for approval`,
    '',
    why,
    '',
    'A person with write access (or maintain, admin) approves these answers, ' +
      `after reading them, by commenting \`/factory approve ${digest}\`; ` +
      'the Factory then generates the agent and opens a pull request. Until then it writes nothing.',
    '',
    'The digest names the answers as they are now: an edit changes it (this comment then shows the new one), ' +
      'and an approval counts only for the answers it names.',
  ].join('\n');
}

/** Said under the problems of answers that will also need approval once they are valid. */
export function approvalNote(why: string): string {
  return (
    `${why} Once the answers are valid, this comment names them by a digest, ` +
    'and a person with write access (or maintain, admin) approves them by commenting `/factory approve <digest>`. ' +
    'Until then the Factory writes nothing.'
  );
}

/** A `/factory` command from someone who may not give it. */
export function refusedComment(command: string, who: string, role: string): string {
  return (
    `### A command was refused\n\n\`/factory ${command}\` from \`${who}\` was not done: ` +
    '`/factory` commands are taken from people with write access to this repository, ' +
    `and \`${who}\` has the \`${role}\` role.`
  );
}

/** A `/factory approve` that does not name the answers as they are (`asked`: the digest it named, if any). */
export function staleApprovalComment(asked: string | undefined, who: string, digest: string): string {
  const what = asked === undefined ? '`/factory approve`' : markdownCode(`/factory approve ${asked}`);
  const reason =
    asked === undefined
      ? 'it names no answers'
      : `it names answers that are not the issue's any more (they were edited, or the digest is mistyped; their digest is now \`${digest}\`)`;
  return (
    `### A command was refused\n\n${what} from \`${who}\` was not done: ${reason}. ` +
    "Read the answers in the issue again, then approve them by the digest the Factory's comment shows."
  );
}

/** Another issue's request holds the agent id (or its branch is not the Factory's). */
export function takenComment(
  request: AgentRequest,
  by: { issue: number | undefined; pull: number | undefined; branch: string },
): string {
  const holder =
    by.issue === undefined
      ? `branch \`${by.branch}\` exists, and the Factory did not make it for an issue`
      : `issue #${by.issue} asked for it first${by.pull === undefined ? '' : `, and its pull request is #${by.pull}`}`;
  return [
    `### \`${request.id}\` is taken`,
    '',
    `\`${request.id}\` is taken: ${holder}. The Factory pushes to a request's branch only for the issue that made it: ` +
      'choose another id (edit this issue), or follow that request instead.',
  ].join('\n');
}

export function blockedComment(request: AgentRequest, gate: GateResult, digest: string): string {
  const lines = [
    ...gate.packProblems.map((p) => `- \`${p.file}:${p.line}\` the rule pack: ${p.message}`),
    ...gate.findings.map(
      (f) =>
        `- \`${f.path}:${f.line}\` **${f.rule}** (${f.severity}): ${f.message}${f.fix === undefined ? '' : ` — ${f.fix}`}`,
    ),
    ...gate.typeErrors.map((t) => `- \`${t.path}:${t.line}:${t.column}\` typecheck: ${t.message}`),
  ];
  return [
    `### \`${request.id}\` was generated but did not pass the gate, so no pull request was opened`,
    '',
    ...lines,
    '',
    "These come from the template with these answers, judged by this repository's rules. " +
      'Change the answers (edit the issue), or ask the platform team to fix the template; ' +
      "then comment `/factory retry` (or, when the issue's author has no write access, " +
      `\`/factory approve ${digest}\` again: nothing was generated from the approval).`,
  ].join('\n');
}

export function cancelledComment(request: AgentRequest, closed: readonly number[]): string {
  const what =
    closed.length === 0
      ? 'There was no open pull request.'
      : `${closed.length === 1 ? 'Pull request' : 'Pull requests'} ${closed.map((n) => `#${n}`).join(', ')} ${closed.length === 1 ? 'is' : 'are'} closed.`;
  return `### \`${request.id}\`: cancelled\n\n${what} The branch stays; comment \`/factory retry\` (or edit the issue) to generate again.`;
}

/**
 * Said on the issue when generating fails. The issue may be public: a Factory error's
 * message is written for the requester and is quoted (in a fence longer than any run of
 * backticks in it, so it cannot close the fence). Any other error is named by its code at
 * most: its text (hosts, users, paths, git's stderr) is left to the log the bus writes.
 */
export function failedComment(request: AgentRequest, err: unknown): string {
  const retry =
    isWowError(err) && !err.retryable
      ? 'Retrying will fail the same way: fix the cause, then comment `/factory retry`.'
      : 'The Factory retries on its own; if this stays, comment `/factory retry` later.';
  if (!isWowError(err) || !Object.hasOwn(errors.specs, err.code)) {
    const named = isWowError(err) ? `An error (\`${err.code}\`, see docs/errors.md)` : 'An unexpected error';
    return `### \`${request.id}\`: generating failed\n\n${named} stopped it; its details are in the platform's log.\n\n${retry}`;
  }
  const text = `${err.code}: ${err.message}`.slice(0, 2000);
  const fence = '`'.repeat(Math.max(3, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length + 1)));
  return `### \`${request.id}\`: generating failed\n\n${fence}\n${text}\n${fence}\n\n${retry}`;
}
