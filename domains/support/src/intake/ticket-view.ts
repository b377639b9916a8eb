import type { Message, Ticket } from '../desk/tickets.ts';

/** A ticket as its customer sees it: no routing (topic, assignee) or internal ids. */
export interface TicketView {
  id: string;
  subject: string;
  status: Ticket['status'];
  priority: Ticket['priority'];
  tier: Ticket['tier'];
  channel: Ticket['channel'];
  requester: Ticket['requester'];
  followsTicketId: string | null;
  createdAt: string;
}

/** A message the customer may read: theirs and the answers to them, never notes or unapproved drafts. */
export interface MessageView {
  id: string;
  direction: 'inbound' | 'outbound';
  author: { kind: Message['author']['kind'] };
  body: string;
  /** An agent's answer rather than a person's. */
  automatic: boolean;
  createdAt: string;
}

export function ticketView(t: Ticket): TicketView {
  return {
    id: t.id,
    subject: t.subject,
    status: t.status,
    priority: t.priority,
    tier: t.tier,
    channel: t.channel,
    requester: t.requester,
    followsTicketId: t.followsTicketId,
    createdAt: t.createdAt,
  };
}

export function customerVisibleMessages(messages: Message[]): MessageView[] {
  return messages.flatMap((m) =>
    m.direction === 'inbound' || m.direction === 'outbound'
      ? [
          {
            id: m.id,
            direction: m.direction,
            author: { kind: m.author.kind },
            body: m.body,
            automatic: m.autoSubmitted,
            createdAt: m.createdAt,
          },
        ]
      : [],
  );
}
