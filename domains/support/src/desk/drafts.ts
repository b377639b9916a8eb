import { readSql, type PgQueryable } from '#platform';
import { createError } from '../errors.ts';
import { recordDeskMessage, type Message, type Ticket, type Tier } from './tickets.ts';

const sql = {
  waitingDrafts: readSql(import.meta.url, 'select-waiting-drafts'),
  approve: readSql(import.meta.url, 'approve-draft'),
  lockGate: readSql(import.meta.url, 'lock-approval-gate'),
};

export interface Draft {
  id: string;
  body: string;
  cites: string[];
  authorId: string;
}

/**
 * L3: an answer drafted for a person to approve. It is stored as a draft (never delivered,
 * shown on the issue as "not sent", with the command that sends it) and the ticket waits on hold.
 */
export async function draftAnswer(
  tx: PgQueryable,
  ticketId: string,
  draft: { author: Message['author']; body: string; cites?: string[] },
): Promise<{ ticket: Ticket; messageId: string }> {
  return recordDeskMessage(tx, ticketId, {
    direction: 'draft',
    author: draft.author,
    body: draft.body,
    autoSubmitted: false,
    cites: draft.cites ?? [],
    action: 'hold',
    tier: 'L3',
  });
}

/** The ticket's drafts that wait for an approver, oldest first. */
export async function waitingDrafts(db: PgQueryable, ticketId: string): Promise<Draft[]> {
  const { rows } = await db.query<{ id: string; body: string; cites: string[]; author_id: string }>(sql.waitingDrafts, [
    ticketId,
  ]);
  return rows.map((r) => ({ id: r.id, body: r.body, cites: r.cites, authorId: r.author_id }));
}

/**
 * What decides who may answer on a ticket: its tier and the drafts that wait, read with the
 * ticket locked (in the caller's transaction) so that neither changes before the answer is written.
 */
export async function lockApprovalGate(tx: PgQueryable, ticketId: string): Promise<{ tier: Tier; waiting: string[] }> {
  const row = (await tx.query<{ tier: Tier }>(sql.lockGate, [ticketId])).rows[0];
  if (row === undefined) throw createError('WOW_ERR_TICKET_NOT_FOUND', { ticket: ticketId });
  return { tier: row.tier, waiting: (await waitingDrafts(tx, ticketId)).map((d) => d.id) };
}

/**
 * A person's approval of the draft `draftId`: it becomes the answer sent to the customer
 * (support.message.outbound), with who approved it on record. A draft that is not waiting
 * on this ticket (sent already, or another ticket's) → undefined, and nothing is sent.
 */
export async function approveDraft(
  tx: PgQueryable,
  ticketId: string,
  draftId: string,
  approver: string,
): Promise<{ draftId: string; messageId: string } | undefined> {
  const draft = (
    await tx.query<{ body: string; cites: string[]; author_id: string }>(sql.approve, [ticketId, draftId, approver])
  ).rows[0];
  if (draft === undefined) return undefined;
  const sent = await recordDeskMessage(tx, ticketId, {
    direction: 'outbound',
    author: { kind: 'agent', id: draft.author_id },
    body: draft.body,
    autoSubmitted: false,
    cites: draft.cites,
    action: 'ask_customer',
  });
  return { draftId, messageId: sent.messageId };
}
