import {
  findMarkedComment,
  getRepositoryRole,
  hasRepositoryRole,
  isWowError,
  writeMarkedComment,
  type AgentIdentity,
  type GitHubClient,
  type IssueTarget,
} from '#platform';
import { quote } from '../incidents/quote.ts';
import { parseApproveCommand } from './parse-approve-command.ts';

export interface ApproveDeps {
  /** The installation's client for the repository the comment is on. */
  github: GitHubClient;
  identity: AgentIdentity | undefined;
  /** WOWSECURITY_APPROVERS, besides the repository's admins and maintainers. */
  approvers: readonly string[];
  /** SUPPORT_REPO: there `/approve` releases the desk's drafts, and WowSecurity reads no comment. */
  deskRepo: { owner: string; repo: string } | undefined;
}

/** The comment as GitHub delivered it: only what is read here. */
export interface ApproveComment {
  owner: string;
  repo: string;
  issue: number;
  commentId: number;
  login: string;
  isBot: boolean;
  body: string;
}

export type ApproveOutcome =
  | { did: 'ignored' }
  | { did: 'answered-before' }
  | { did: 'invalid'; problem: string }
  | { did: 'refused'; login: string }
  | { did: 'failed'; problem: string }
  | { did: 'approved'; agentId: string; capability: string; by: string };

const marker = (commentId: number) => `<!-- wowsecurity:approve=${commentId} -->`;

/** Whether `login` may approve: named in WOWSECURITY_APPROVERS, or admin or maintain on the repository as GitHub says now. */
async function isApprover(deps: ApproveDeps, on: IssueTarget, login: string): Promise<boolean> {
  if (deps.approvers.some((a) => a.toLowerCase() === login.toLowerCase())) return true;
  return hasRepositoryRole(await getRepositoryRole(deps.github, on, login), 'maintain');
}

/**
 * `/approve <agent-id> <capability> [reason]` in a new comment on an issue or pull request:
 * from an approver, records the approval (the platform issues credentials holding the
 * capability at once); from anyone else, or malformed, a reply says why and nothing
 * changes. Every command gets one reply, found again by its marker, so a redelivery
 * neither approves nor answers twice.
 */
export async function answerApproveComment(deps: ApproveDeps, comment: ApproveComment): Promise<ApproveOutcome> {
  // Our own replies, and every other bot's, are never commands: no loops.
  if (comment.isBot) return { did: 'ignored' };
  // GitHub compares repository names without regard to case.
  const desk = deps.deskRepo;
  if (
    desk !== undefined &&
    `${desk.owner}/${desk.repo}`.toLowerCase() === `${comment.owner}/${comment.repo}`.toLowerCase()
  )
    return { did: 'ignored' };
  const command = parseApproveCommand(comment.body);
  if (command === undefined) return { did: 'ignored' };
  const on: IssueTarget = { client: deps.github, owner: comment.owner, repo: comment.repo, issue: comment.issue };
  if ((await findMarkedComment(on, marker(comment.commentId))) !== undefined) return { did: 'answered-before' };
  const reply = (text: string) => writeMarkedComment(on, marker(comment.commentId), `@${comment.login} ${text}`);
  if (!command.ok) {
    await reply(`WowSecurity did not read that \`/approve\`; nothing was approved: ${command.problem}.`);
    return { did: 'invalid', problem: command.problem };
  }
  if (!(await isApprover(deps, on, comment.login))) {
    await reply(
      'only an approver may approve a capability: someone with the admin or maintain role on this repository, ' +
        'or a login WOWSECURITY_APPROVERS names. Nothing was approved; ask one of them to comment the same command.',
    );
    return { did: 'refused', login: comment.login };
  }
  if (deps.identity === undefined) {
    const problem = 'this runtime has no platform identity to record approvals in';
    await reply(`${problem}; nothing was approved. Use \`wow identity approve\` where the platform runs.`);
    return { did: 'failed', problem };
  }
  const { agentId, capability } = command;
  try {
    await deps.identity.approveCapability(agentId, capability, {
      by: comment.login,
      ...(command.reason === undefined ? {} : { reason: command.reason }),
      via: `/approve on ${comment.owner}/${comment.repo}#${comment.issue}`,
      // A comment's id is GitHub's, unique across repositories: delivered again after a
      // crash between recording and replying, it records nothing more.
      once: `github-comment:${comment.commentId}`,
    });
  } catch (err) {
    if (!isWowError(err, 'WOW_ERR_CAPABILITY_APPROVAL')) throw err;
    await reply(`${quote(capability)} for ${quote(agentId)} was not approved: ${err.message}`);
    return { did: 'failed', problem: err.message };
  }
  await reply(
    `approved ${quote(capability)} for ${quote(agentId)}; its new credentials hold it now ` +
      `(\`wow identity show ${agentId}\` lists the approval).`,
  );
  return { did: 'approved', agentId, capability, by: comment.login };
}
