import { readSql, type PgQueryable } from '#platform';

const selectVerified = readSql(import.meta.url, 'select-recipient-verified');

/**
 * Whether what the desk sends on a ticket reaches someone known to be its requester. A
 * web-form address, or an email ticket's From (forgeable), is anyone's until a later mail
 * from it threads onto the ticket through its secret reply address: until then
 * the desk's mail to it never carries the stranger's subject or text (deliver-outbound.ts),
 * and L1 sends it only an article's own words, never a model's (answer-ticket.ts).
 */
export async function isRecipientVerified(db: PgQueryable, ticketId: string): Promise<boolean> {
  return (await db.query<{ verified: boolean }>(selectVerified, [ticketId])).rows[0]?.verified ?? false;
}
