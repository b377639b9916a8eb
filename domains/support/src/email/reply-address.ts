import { createHash, randomBytes } from 'node:crypto';
import { readSql, type PgQueryable } from '#platform';

const sql = {
  insert: readSql(import.meta.url, 'insert-reply-token'),
  ticket: readSql(import.meta.url, 'select-reply-token-ticket'),
  prune: readSql(import.meta.url, 'prune-reply-tokens'),
};

// <desk local part>+t-<32 hex digits>@domain: 128 random bits, in lowercase because some
// mail systems fold the case of local parts. The desk's own local part may hold a +tag.
const tokenAddress = /^[^\s@]+\+t-([0-9a-f]{32})@[^\s@]+$/;
/** A mail names few recipients; a list of thousands is read no further than this. */
const maxTokensRead = 20;

const tokenHash = (token: string) => createHash('sha256').update(token).digest();

/**
 * A new secret token for one mail the desk sends on `ticketId`: the mail's Reply-To is
 * `replyAddress(desk, token)`. Only its sha256 is stored, so the address exists in that
 * mail and nowhere else (not in the database, a log line or the ticket's issue).
 */
export async function createReplyToken(db: PgQueryable, ticketId: string): Promise<string> {
  const token = randomBytes(16).toString('hex');
  await db.query(sql.insert, [tokenHash(token), ticketId]);
  return token;
}

/** The desk's address with the token as its tag: support@example.com → support+t-<token>@example.com. */
export function replyAddress(deskAddress: string, token: string): string {
  const at = deskAddress.lastIndexOf('@');
  return `${deskAddress.slice(0, at)}+t-${token}${deskAddress.slice(at)}`;
}

/**
 * The tickets whose reply addresses are among `recipients` (a mail's RCPT TO, To and Cc),
 * in the order they are named. An address with a token the desk never made names none.
 */
export async function ticketsOfReplyAddresses(db: PgQueryable, recipients: readonly string[]): Promise<string[]> {
  const tokens = recipients.flatMap((r) => tokenAddress.exec(r.toLowerCase())?.[1] ?? []).slice(0, maxTokensRead);
  const tickets: string[] = [];
  for (const token of new Set(tokens)) {
    const ticketId = (await db.query<{ ticket_id: string }>(sql.ticket, [tokenHash(token)])).rows[0]?.ticket_id;
    if (ticketId !== undefined && !tickets.includes(ticketId)) tickets.push(ticketId);
  }
  return tickets;
}

/**
 * Forgets the reply addresses of tickets solved or closed more than `days` days before
 * `now`: a customer who answers one of their mails after that starts a new ticket, as mail
 * from anyone else does, where the table otherwise kept a row for every mail the desk ever
 * sent. Returns how many went.
 */
export async function pruneReplyTokens(db: PgQueryable, now: Date, days: number): Promise<number> {
  const before = new Date(now.getTime() - days * 86_400_000);
  return (await db.query<{ n: number }>(sql.prune, [before.toISOString()])).rows[0]?.n ?? 0;
}
