import {
  getOwnLogin,
  getRepositoryRole,
  hasRepositoryRole,
  isWrittenBy,
  type GitHubClient,
  type Store,
} from '#platform';
import {
  approveDraft,
  findByChannelId,
  hostileCharacterProblem,
  lockApprovalGate,
  recordDeskMessage,
  removeHostileCharacters,
  type SupportSettings,
} from '#domains/support';
import { inSupportRepo, type IssueCommentPayload } from './github-payloads.ts';
import { isApprover } from './is-approver.ts';
import { deskAuthor, judgeCommand, parseCommand, type Commenter, type IssueCommand } from './issue-commands.ts';
import { hasOriginMarker } from './issue-markers.ts';
import { isLedgerComment, resumeTicketSync, ticketOfIssue } from './sync-store.ts';

export interface CommentDeps {
  store: Store;
  github: GitHubClient;
  settings: Pick<SupportSettings, 'repo' | 'approvers'>;
}

export type CommentOutcome =
  | { did: 'ignored'; why: string }
  | { did: 'noted' | 'replied' | 'solved' | 'approved' | 'resumed' | 'refused'; ticketId: string; why?: string };

/**
 * A comment on a ticket's issue. Only people's comments count: the desk's own (by the
 * App, with its origin marker, or in the ledger) and every bot's are dropped, so nothing
 * the desk writes can come back as a message. A comment is an internal note unless it
 * starts with a command that its author may give (issue-commands.ts): `/reply` answers the
 * customer, `/solve` solves the ticket, `/approve <draft-id>` sends that L3 draft,
 * `/resume` resumes a paused sync. A refused command stays an internal note, and a note
 * from the desk says who was refused and why; nothing of it reaches the customer.
 */
export async function receiveIssueComment(deps: CommentDeps, payload: IssueCommentPayload): Promise<CommentOutcome> {
  const { comment, sender } = payload;
  const body = comment.body ?? '';
  const repo = deps.settings.repo;
  if (payload.action !== 'created') return { did: 'ignored', why: `comments ${payload.action} are not messages` };
  if (repo === undefined || !inSupportRepo(payload, repo)) return { did: 'ignored', why: 'not the support repository' };
  if (payload.issue.pull_request !== undefined) return { did: 'ignored', why: 'a pull request, not a ticket' };
  // The App writes as its bot, `<slug>[bot]`, the same login through every installation:
  // asked of GitHub once per client (as marked writes find their own), and only for a bot.
  if (sender.type === 'Bot' && isWrittenBy(comment, await getOwnLogin(deps.github)))
    return { did: 'ignored', why: "the desk's own comment (made by this App)" };
  if (hasOriginMarker(body)) return { did: 'ignored', why: "the desk's own comment (origin marker)" };
  if (sender.type === 'Bot')
    return { did: 'ignored', why: `a bot's comment (${sender.login}); the desk never answers bots` };
  if (await isLedgerComment(deps.store, comment.id))
    return { did: 'ignored', why: "the desk's own comment (in the sync ledger)" };
  const ticketId = await ticketOfIssue(
    deps.store,
    payload.repository.owner.login,
    payload.repository.name,
    payload.issue.number,
  );
  if (ticketId === undefined) return { did: 'ignored', why: "not a ticket's issue" };
  const channelMsgId = String(comment.id);
  if ((await findByChannelId(deps.store, 'github', channelMsgId)) !== undefined)
    return { did: 'ignored', why: 'this comment is on the ticket already' };

  const author = { kind: 'human', id: sender.login } as const;
  // A comment is kept as GitHub sent it, but for control characters (PostgreSQL refuses a
  // NUL in text): mail loses them the same way.
  const note = (text: string) => ({
    direction: 'internal' as const,
    author,
    body: removeHostileCharacters(text, 'text'),
    autoSubmitted: false,
    channel: 'github' as const,
    channelMsgId,
  });
  const command = parseCommand(body);
  if (command === undefined) {
    return deps.store.transaction(async (tx) => {
      await recordDeskMessage(tx, ticketId, note(body));
      return { did: 'noted', ticketId };
    });
  }
  // GitHub is asked before the transaction, so no lock waits on it; the ticket's state is
  // judged under its lock, so a draft that arrives meanwhile is seen.
  const commenter = await readCommenter(deps.github, deps.settings.approvers, repo, command, sender.login);
  return deps.store.transaction(async (tx): Promise<CommentOutcome> => {
    const gate = await lockApprovalGate(tx, ticketId);
    const refuse = async (why: string): Promise<CommentOutcome> => {
      await recordDeskMessage(tx, ticketId, note(body));
      await recordDeskMessage(tx, ticketId, {
        direction: 'internal',
        author: deskAuthor,
        body: `Refused \`/${command.name}\` from \`${sender.login}\`: ${why}. ${unchanged[command.name]}`,
        autoSubmitted: true,
      });
      return { did: 'refused', ticketId, why };
    };
    const verdict = judgeCommand(command, commenter, gate, `${repo.owner}/${repo.repo}`);
    if (!verdict.allowed) return refuse(verdict.why);
    // An answer reaches the customer as the desk's, by mail or webhook, never escaped.
    const answers = command.name === 'reply' || command.name === 'solve';
    const hidden = answers ? hostileCharacterProblem(command.text, 'answer') : undefined;
    if (hidden !== undefined) return refuse(`the answer ${hidden}`);
    switch (command.name) {
      case 'reply':
        if (command.text === '') return refuse('`/reply` needs the answer after it, on the same comment');
        await recordDeskMessage(tx, ticketId, { ...note(command.text), direction: 'outbound', action: 'ask_customer' });
        return { did: 'replied', ticketId };
      case 'solve':
        await recordDeskMessage(
          tx,
          ticketId,
          command.text === ''
            ? { ...note(body), action: 'solve' }
            : { ...note(command.text), direction: 'outbound', action: 'solve' },
        );
        return { did: 'solved', ticketId };
      case 'approve': {
        const named = draftIdIn(command.text);
        const waiting =
          gate.waiting.length === 0
            ? 'No draft waits for approval on this ticket'
            : `Waiting: ${gate.waiting.map((id) => `\`/approve ${id}\``).join(', ')}`;
        if (named === undefined)
          return refuse(
            `\`/approve\` sends the draft whose id follows it (the issue shows each draft with its command). ${waiting}`,
          );
        const stale = `no draft \`${named}\` waits on this ticket (it was sent already, or it is not this ticket's). ${waiting}`;
        if (!gate.waiting.includes(named) || (await approveDraft(tx, ticketId, named, sender.login)) === undefined)
          return refuse(stale);
        await recordDeskMessage(tx, ticketId, note(body));
        return { did: 'approved', ticketId };
      }
      case 'resume':
        await recordDeskMessage(tx, ticketId, note(body));
        await resumeTicketSync(tx, ticketId);
        return { did: 'resumed', ticketId };
    }
  });
}

/** What a refusal leaves as it was, said in its note. */
const unchanged: Record<IssueCommand['name'], string> = {
  reply: 'Nothing was sent to the customer.',
  solve: 'Nothing was sent to the customer, and the ticket is as it was.',
  approve: 'Nothing was sent to the customer.',
  resume: 'The sync stays as it was.',
};

/** Who the commenter is on GitHub: the role only where a rule reads it, approver status where it may count. */
async function readCommenter(
  github: GitHubClient,
  approvers: SupportSettings['approvers'],
  repo: { owner: string; repo: string },
  command: IssueCommand,
  login: string,
): Promise<Commenter> {
  if (command.name === 'approve' || command.name === 'resume')
    return { login, role: undefined, approver: await isApprover(github, approvers, login) };
  const role = await getRepositoryRole(github, repo, login);
  // Whether an approver is needed is known only under the ticket's lock: asked now of anyone
  // with triage, while no transaction waits on GitHub. Below triage the command is refused anyway.
  return {
    login,
    role,
    approver: hasRepositoryRole(role, 'triage') ? await isApprover(github, approvers, login) : undefined,
  };
}

/** The draft id `/approve` names: its first word, when that is a message id (a UUID). */
function draftIdIn(text: string): string | undefined {
  const first = text.split(/\s+/)[0] ?? '';
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(first)
    ? first.toLowerCase()
    : undefined;
}
