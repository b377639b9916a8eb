import {
  getRepositoryRole,
  hasRepositoryRole,
  type GitHubClient,
  type RepositoryRole,
} from '../../../runtime/src/index.ts';

/** The label by which a person with write access approves a request whose author has none. */
export const approvalLabelOf = (factoryLabel: string) => `${factoryLabel}:approved`;

/** The role the Factory acts for (docs/security.md): one that may push to the repository anyway. */
export const actingRole: RepositoryRole = 'write';

export type Authorisation = { allowed: true } | { allowed: false; why: string };

/** What an event says about who acts. */
export interface RequestEvent {
  action: string | undefined;
  /** The author, and the person whose act sent the event (who added a label, who edited). */
  author: string | undefined;
  sender: string | undefined;
  /** The label a `labeled` event added. */
  label: string | undefined;
  /** Whether the issue carries the approval label now. */
  approvedByLabel: boolean;
  /** The login of the person with write access (checked before) whose `/factory retry` or `cancel` this is. */
  commandBy: string | undefined;
}

/**
 * Whether an event may make the Factory generate and push (docs/security.md): when the
 * issue's author has write access or more; when a person with write access adds the
 * approval label (the labeller's role is read, never assumed: triage may label too) or
 * comments `/factory retry`, which approve the answers as they are at that moment. An edit
 * by anyone else after approval is not approved: what was approved was the earlier text.
 */
export async function authoriseRequest(
  client: GitHubClient,
  repo: { owner: string; repo: string },
  event: RequestEvent,
  approvalLabel: string,
): Promise<Authorisation> {
  if (event.commandBy !== undefined) return { allowed: true };
  const authorRole = event.author === undefined ? 'none' : await getRepositoryRole(client, repo, event.author);
  if (hasRepositoryRole(authorRole, actingRole)) return { allowed: true };
  if (event.action === 'labeled' && event.label === approvalLabel) {
    const labellerRole = event.sender === undefined ? 'none' : await getRepositoryRole(client, repo, event.sender);
    if (hasRepositoryRole(labellerRole, actingRole)) return { allowed: true };
    return {
      allowed: false,
      why: `\`${event.sender ?? 'someone'}\` added \`${approvalLabel}\`, and has the \`${labellerRole}\` role here; only a person with write access approves a request.`,
    };
  }
  if (event.approvedByLabel)
    return {
      allowed: false,
      why: `The answers were edited after \`${approvalLabel}\` was added, so they wait for approval again: approval is for the answers as they were then.`,
    };
  return {
    allowed: false,
    why: `The Factory generates agents for people who may write to this repository, and this issue's author, \`${event.author ?? 'unknown'}\`, has the \`${authorRole}\` role here.`,
  };
}
