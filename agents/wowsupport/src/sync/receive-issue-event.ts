import type { Store, SupportSettings } from '../../../runtime/src/index.ts';
import { findTicket, recordDeskMessage, setTicketRouting, type Ticket } from '../desk/tickets.ts';
import { inSupportRepo, type IssueEventPayload } from './github-payloads.ts';
import { requestedByLabel } from './ticket-labels.ts';
import { ticketOfIssue } from './sync-store.ts';

export type IssueEventOutcome =
  { did: 'ignored'; why: string } | { did: 'solved' | 'reopened' | 'rerouted'; ticket: Ticket; previous: Ticket };

/**
 * What a person does to a ticket's issue: closing it solves the ticket, reopening it
 * reopens a solved one, and a `tier:*` or `priority:*` label moves the ticket. The desk's
 * own label and state writes come from its bot and are dropped here.
 */
export async function receiveIssueEvent(
  deps: { store: Store; settings: Pick<SupportSettings, 'repo'> },
  payload: IssueEventPayload,
): Promise<IssueEventOutcome> {
  if (!inSupportRepo(payload, deps.settings.repo)) return { did: 'ignored', why: 'not the support repository' };
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
      case 'labeled': {
        const asked = requestedByLabel(payload.label?.name ?? '');
        const changes = Object.entries(asked).filter(([k, v]) => previous[k as keyof typeof asked] !== v);
        if (changes.length === 0) return { did: 'ignored', why: `label ${payload.label?.name ?? ''} changes nothing` };
        const ticket = await setTicketRouting(tx, ticketId, asked);
        await recordDeskMessage(
          tx,
          ticketId,
          note(
            `${changes.map(([k, v]) => `${k} set to ${v}`).join(', ')} by ${by} (label ${payload.label?.name ?? ''}).`,
          ),
        );
        return { did: 'rerouted', ticket: { ...ticket }, previous };
      }
      default:
        return { did: 'ignored', why: `issues.${payload.action} does not change a ticket` };
    }
  });
}
