import { getRepositoryRole, hasRepositoryRole, type GitHubClient, type HandlerContext, type Store } from '#platform';
import {
  findTicket,
  lockApprovalGate,
  recordDeskMessage,
  setTicketRouting,
  type SupportSettings,
  type Ticket,
} from '#domains/support';
import { inSupportRepo, type IssueEventPayload } from './github-payloads.ts';
import { isApprover } from './is-approver.ts';
import { deskAuthor, judgeLabel, type Commenter, type LabelRequest } from './issue-commands.ts';
import { requestedByLabel } from './ticket-labels.ts';
import { ticketOfIssue } from './sync-store.ts';

export type IssueEventOutcome =
  | { did: 'ignored'; why: string }
  | { did: 'solved' | 'reopened' | 'rerouted'; ticket: Ticket; previous: Ticket }
  /** A label its labeller may not give: the ticket is as it was, and the sync takes the label off the issue. */
  | { did: 'refused'; ticket: Ticket; previous: Ticket; why: string };

export interface IssueEventDeps {
  store: Store;
  github: GitHubClient;
  settings: Pick<SupportSettings, 'repo' | 'approvers'>;
  /** The handler's `emit`: `support.ticket.rerouted` is written with `{ tx }`, so it commits with the change. */
  emit: HandlerContext<unknown, unknown>['emit'];
}

/**
 * What a person does to a ticket's issue: closing it solves the ticket, reopening it
 * reopens a solved one, and a `tier:*` or `priority:*` label moves the ticket when its
 * labeller may (judgeLabel: `triage` or stronger, and an approver to take a ticket out of
 * L3 or to change the tier while a draft waits). A refused label leaves the ticket as it
 * was, with a note from the desk naming who was refused and why; the sync that follows
 * puts the issue's labels back. A move is announced as `support.ticket.rerouted` in the
 * transaction that makes it. The desk's own label and state writes come from its bot and
 * are dropped here.
 */
export async function receiveIssueEvent(deps: IssueEventDeps, payload: IssueEventPayload): Promise<IssueEventOutcome> {
  const repo = deps.settings.repo;
  if (repo === undefined || !inSupportRepo(payload, repo)) return { did: 'ignored', why: 'not the support repository' };
  if (payload.sender.type === 'Bot')
    return { did: 'ignored', why: `done by a bot (${payload.sender.login}), not a person` };
  const ticketId = await ticketOfIssue(
    deps.store,
    payload.repository.owner.login,
    payload.repository.name,
    payload.issue.number,
  );
  if (ticketId === undefined) return { did: 'ignored', why: "not a ticket's issue" };
  const previous = await findTicket(deps.store, ticketId);
  if (previous === undefined) return { did: 'ignored', why: 'the ticket is gone' };
  const by = payload.sender.login;
  const note = (body: string) => ({
    direction: 'internal' as const,
    author: { kind: 'human' as const, id: by },
    body,
    autoSubmitted: false,
    channel: 'github' as const,
  });

  if (payload.action === 'labeled') {
    const name = payload.label?.name ?? '';
    const asked = requestedByLabel(name);
    const label: LabelRequest = { name, ...asked };
    const changes = (['tier', 'priority'] as const).filter((k) => label[k] !== undefined && label[k] !== previous[k]);
    if (changes.length === 0) return { did: 'ignored', why: `label ${name} changes nothing` };
    // GitHub is asked before the transaction, so no lock waits on it; the ticket is judged under its lock.
    const labeller = await readLabeller(deps, repo, label, by);
    return deps.store.transaction(async (tx): Promise<IssueEventOutcome> => {
      const gate = await lockApprovalGate(tx, ticketId);
      const verdict = judgeLabel(label, labeller, gate, `${repo.owner}/${repo.repo}`);
      if (!verdict.allowed) {
        const kept = label.tier === undefined ? `keeps priority ${previous.priority}` : `stays at ${gate.tier}`;
        await recordDeskMessage(tx, ticketId, {
          direction: 'internal',
          author: deskAuthor,
          body: `Refused the label \`${name}\` from \`${by}\`: ${verdict.why}. The ticket ${kept}, and the label is taken off the issue.`,
          autoSubmitted: true,
        });
        return { did: 'refused', ticket: previous, previous, why: verdict.why };
      }
      const ticket = await setTicketRouting(tx, ticketId, asked);
      await recordDeskMessage(
        tx,
        ticketId,
        note(`${changes.map((k) => `${k} set to ${label[k] ?? ''}`).join(', ')} by ${by} (label ${name}).`),
      );
      // The desk brings in the specialist for the new tier. Announced in this transaction:
      // emitted after it, a crash in between would lose the event for good, since the
      // retry finds the ticket moved already and changes nothing.
      await deps.emit(
        {
          type: 'support.ticket.rerouted',
          subject: ticketId,
          data: { ticketId, tier: ticket.tier, priority: ticket.priority, previousTier: previous.tier },
        },
        { tx },
      );
      return { did: 'rerouted', ticket, previous };
    });
  }

  return deps.store.transaction(async (tx): Promise<IssueEventOutcome> => {
    switch (payload.action) {
      case 'closed':
        if (previous.status === 'solved' || previous.status === 'closed')
          return { did: 'ignored', why: `the ticket is ${previous.status} already` };
        return {
          did: 'solved',
          ticket: (
            await recordDeskMessage(tx, ticketId, {
              ...note(`Solved: the issue was closed by ${by}.`),
              action: 'solve',
            })
          ).ticket,
          previous,
        };
      case 'reopened':
        if (previous.status !== 'solved') return { did: 'ignored', why: `a ${previous.status} ticket is not reopened` };
        return {
          did: 'reopened',
          ticket: (
            await recordDeskMessage(tx, ticketId, {
              ...note(`Reopened: the issue was reopened by ${by}.`),
              action: 'reopen',
            })
          ).ticket,
          previous,
        };
      default:
        return { did: 'ignored', why: `issues.${payload.action} does not change a ticket` };
    }
  });
}

/** The labeller's role, and for a tier label from someone with triage, whether they are an approver. */
async function readLabeller(
  deps: IssueEventDeps,
  repo: { owner: string; repo: string },
  label: LabelRequest,
  login: string,
): Promise<Commenter> {
  const role = await getRepositoryRole(deps.github, repo, login);
  const asks = label.tier !== undefined && hasRepositoryRole(role, 'triage');
  return { login, role, approver: asks ? await isApprover(deps.github, deps.settings.approvers, login) : undefined };
}
