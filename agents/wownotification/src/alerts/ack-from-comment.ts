import { getRepositoryRole, hasRepositoryRole, writeMarkedComment, type GitHubClient, type Store } from '#platform';
import type { IssueCommentPayload } from '../sync/github-payloads.ts';
import { ackAlertsOnIssue } from './alert-ledger.ts';

export type AckOutcome =
  | { did: 'ignored'; why: string }
  | { did: 'acknowledged'; alerts: string[]; by: string }
  | { did: 'refused'; by: string; why: string };

// "/ack" or "/ack <alert id>", alone on the comment's first line.
const ackCommand = /^\/ack(?:\s+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))?\s*$/i;

/**
 * `/ack` in a comment on an alert's issue: from someone with at least the triage role on
 * that repository (as GitHub says now: people who work its issues) the open alerts there
 * are acknowledged and escalate no further, and a reply says which; from anyone else a
 * reply says why not and the alerts keep escalating. Bots' comments are never commands.
 * The replies are marked with the comment's id, so a redelivery writes none twice.
 */
export async function ackFromComment(
  deps: { store: Store; github: GitHubClient; now: Date },
  payload: IssueCommentPayload,
): Promise<AckOutcome> {
  if (payload.action !== 'created') return { did: 'ignored', why: `comments ${payload.action} are not commands` };
  const firstLine = (payload.comment.body ?? '').trim().split('\n')[0]?.trim() ?? '';
  const command = ackCommand.exec(firstLine);
  if (command === null) return { did: 'ignored', why: 'not /ack' };
  if (payload.sender.type === 'Bot') return { did: 'ignored', why: "a bot's comment is never a command" };
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const issue = `${owner}/${repo}#${payload.issue.number}`;
  const open = await deps.store.query<{ n: number }>(
    'select count(*)::int as n from operator_alerts where lower(issue) = lower($1) and acked_at is null',
    [issue],
  );
  if ((open.rows[0]?.n ?? 0) === 0) return { did: 'ignored', why: 'no open alert on this issue' };
  const by = payload.sender.login;
  const on = { client: deps.github, owner, repo, issue: payload.issue.number };
  const marker = `<!-- wow-alert:ack=${payload.comment.id} -->`;
  const role = await getRepositoryRole(deps.github, { owner, repo }, by);
  if (!hasRepositoryRole(role, 'triage')) {
    const why = `${role} on ${owner}/${repo}; acknowledging needs triage or more`;
    await writeMarkedComment(
      on,
      marker,
      `@${by} only people who work this repository's issues (triage or more) may acknowledge an alert; it keeps escalating.`,
    );
    return { did: 'refused', by, why };
  }
  const alerts = await ackAlertsOnIssue(deps.store, {
    issue,
    id: command[1]?.toLowerCase(),
    by: `github:${by}`,
    now: deps.now,
  });
  await writeMarkedComment(
    on,
    marker,
    alerts.length === 0
      ? `@${by} no open alert ${command[1] === undefined ? '' : `\`${command[1]}\` `}on this issue; nothing changed.`
      : `Acknowledged by @${by}: ${alerts.map((a) => `\`${a}\``).join(', ')}. ${alerts.length === 1 ? 'It escalates' : 'They escalate'} no further.`,
  );
  return { did: 'acknowledged', alerts, by };
}
