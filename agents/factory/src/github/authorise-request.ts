import { getRepositoryRole, hasRepositoryRole, type RepositoryRole } from '../../../runtime/src/index.ts';
import { parseFactoryCommand } from './factory-command.ts';
import type { IssueRef } from './questionnaire-feedback.ts';

/** The role the Factory acts for (docs/security.md): one that may push to the repository anyway. */
export const actingRole: RepositoryRole = 'write';

export type Authorisation = { allowed: true } | { allowed: false; why: string };

/** What an event says about who acts. */
export interface RequestEvent {
  /** The issue's author, and their role on the repository. */
  author: string | undefined;
  authorRole: RepositoryRole;
  /** Who gave the `/factory approve <digest>` this event is, when it names these answers (their role was checked before). */
  approvedBy: string | undefined;
  /** Whether the event is a `/factory retry` (from someone with write access, checked before). */
  retry: boolean;
}

/**
 * Whether an event may make the Factory generate and push the answers whose digest is
 * `digest` (docs/security.md): when the issue's author has write access or more; when this
 * event is a `/factory approve` naming these answers; or when a person with write access
 * approved these answers earlier (their comment is still on the issue). Nothing else
 * approves: not a label, not a `/factory retry`, not an approval of earlier answers, so an
 * edit landing just before an approval is never what gets approved.
 */
export async function authoriseRequest(at: IssueRef, event: RequestEvent, digest: string): Promise<Authorisation> {
  if (event.approvedBy !== undefined || hasRepositoryRole(event.authorRole, actingRole)) return { allowed: true };
  if ((await findApproval(at, digest)) !== undefined) return { allowed: true };
  return {
    allowed: false,
    why: event.retry
      ? '`/factory retry` generates again only answers that were approved, and no one with write access approved these.'
      : authorLacksWrite(event.author, event.authorRole),
  };
}

/** Why an issue's own author does not make the Factory act. */
export const authorLacksWrite = (author: string | undefined, role: RepositoryRole) =>
  `The Factory generates agents for people who may write to this repository, and this issue's author, \`${author ?? 'unknown'}\`, has the \`${role}\` role here.`;

/**
 * The most comments read for an earlier approval: an issue with more is read no further
 * rather than without end. An approval past them still generates when it arrives (its own
 * event names the answers); only a later event does not find it.
 */
const maxCommentPages = 30;

/**
 * Who approved the answers with `digest` on this issue, if anyone: the first person whose
 * comment says `/factory approve <digest>` and who has write access now (the role is read
 * here, so someone whose access was taken away approves nothing any more). A comment counts
 * as it reads now: deleting it, or editing it to name other answers, withdraws it. The
 * App's own comments (a bot's) are passed over.
 */
export async function findApproval(at: IssueRef, digest: string): Promise<string | undefined> {
  const roles = new Map<string, RepositoryRole>();
  for (let page = 1; page <= maxCommentPages; page++) {
    const { data } = await at.client.request('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: at.owner,
      repo: at.repo,
      issue_number: at.issue,
      per_page: 100,
      page,
    });
    for (const comment of data) {
      const login = comment.user?.login;
      if (login === undefined || comment.user?.type === 'Bot') continue;
      const found = parseFactoryCommand(comment.body ?? '');
      if (found?.command !== 'approve' || found.digest !== digest) continue;
      const role = roles.get(login) ?? (await getRepositoryRole(at.client, at, login));
      roles.set(login, role);
      if (hasRepositoryRole(role, actingRole)) return login;
    }
    if (data.length < 100) break;
  }
  return undefined;
}
