import { readSql, type PgQueryable } from '../../../runtime/src/index.ts';
import { recordDeskMessage, type Message, type Ticket } from './tickets.ts';

const sql = {
  pendingDraft: readSql(import.meta.url, 'select-pending-draft'),
  approve: readSql(import.meta.url, 'approve-draft'),
};

/**
 * L3: an answer drafted for a person to approve. It is stored as a draft (never delivered,
 * shown on the issue as "not sent") and the ticket waits on hold.
 */
export async function draftAnswer(tx: PgQueryable, ticketId: string, draft: { author: Message['author']; body: string; cites?: string[] }): Promise<{ ticket: Ticket; messageId: string }> {
  return recordDeskMessage(tx, ticketId, { direction: 'draft', author: draft.author, body: draft.body, autoSubmitted: false, cites: draft.cites ?? [], action: 'hold', tier: 'L3' });
}

export async function pendingDraft(db: PgQueryable, ticketId: string): Promise<{ id: string; body: string; cites: string[]; authorId: string } | undefined> {
  const row = (await db.query<{ id: string; body: string; cites: string[]; author_id: string }>(sql.pendingDraft, [ticketId])).rows[0];
  return row === undefined ? undefined : { id: row.id, body: row.body, cites: row.cites, authorId: row.author_id };
}

/**
 * A person's approval of the latest draft: it becomes the answer sent to the customer
 * (support.message.outbound), with who approved it on record. Nothing to approve → undefined.
 */
export async function approveDraft(tx: PgQueryable, ticketId: string, approver: string): Promise<{ draftId: string; messageId: string } | undefined> {
  const draft = await pendingDraft(tx, ticketId);
  if (draft === undefined || (await tx.query(sql.approve, [draft.id, approver])).rows.length === 0) return undefined;
  const sent = await recordDeskMessage(tx, ticketId, { direction: 'outbound', author: { kind: 'agent', id: draft.authorId }, body: draft.body, autoSubmitted: false, cites: draft.cites, action: 'ask_customer' });
  return { draftId: draft.id, messageId: sent.messageId };
}
