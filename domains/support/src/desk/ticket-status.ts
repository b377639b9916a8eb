/**
 * The ticket status machine (Zendesk's states, with Plain's "activity reopens"):
 *
 *   new ─reply─▶ open ─asks the customer─▶ pending_customer ─customer replies─▶ open
 *   open ⇄ on_hold (waiting on a third party or an L3 approval)
 *   open | pending_customer | on_hold ─solve─▶ solved ─customer replies─▶ open
 *   solved ─reopen─▶ open; solved ─close─▶ closed; a customer's message after that opens a new, linked ticket.
 */
export const ticketStatuses = ['new', 'open', 'pending_customer', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

export type TicketAction =
  /** An agent or a human answered and the ball is with the platform. */
  | 'reply'
  /** An answer that waits for the customer (L1's "did this solve it?"). */
  | 'ask_customer'
  | 'customer_reply'
  | 'hold'
  | 'release'
  | 'solve'
  /** A person reopens a solved ticket (its issue reopened on GitHub). */
  | 'reopen'
  | 'close';

const transitions: Record<TicketStatus, Partial<Record<TicketAction, TicketStatus>>> = {
  new: { reply: 'open', ask_customer: 'pending_customer', customer_reply: 'new', hold: 'on_hold', solve: 'solved' },
  open: { reply: 'open', ask_customer: 'pending_customer', customer_reply: 'open', hold: 'on_hold', solve: 'solved' },
  pending_customer: {
    reply: 'pending_customer',
    ask_customer: 'pending_customer',
    customer_reply: 'open',
    hold: 'on_hold',
    solve: 'solved',
  },
  on_hold: {
    reply: 'on_hold',
    ask_customer: 'pending_customer',
    customer_reply: 'on_hold',
    release: 'open',
    solve: 'solved',
  },
  solved: { customer_reply: 'open', reopen: 'open', close: 'closed', solve: 'solved' },
  closed: {},
};

export type Transition = { ok: true; status: TicketStatus } | { ok: false; followUp: boolean; reason: string };

/** Where `action` takes a ticket in `status`; a customer writing to a closed ticket starts a follow-up. */
export function transition(status: TicketStatus, action: TicketAction): Transition {
  const next = transitions[status][action];
  if (next !== undefined) return { ok: true, status: next };
  if (status === 'closed' && action === 'customer_reply')
    return { ok: false, followUp: true, reason: 'the ticket is closed; a follow-up opens a new ticket linked to it' };
  const allowed = Object.keys(transitions[status]);
  return {
    ok: false,
    followUp: false,
    reason: `a ticket that is ${status.replace('_', ' ')} cannot ${action.replace('_', ' ')}; it can ${allowed.length === 0 ? 'do nothing more' : allowed.map((a) => a.replace('_', ' ')).join(', ')}`,
  };
}

/** States that stop the SLA clock: the ball is with the customer or a third party. */
export function slaPaused(status: TicketStatus): boolean {
  return status === 'pending_customer' || status === 'on_hold';
}
