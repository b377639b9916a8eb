import { readSql, type PgQueryable, type Store } from '#platform';
import { createError } from '../errors.ts';
import { findByChannelId, openTicket, receiveCustomerMessage } from '../desk/tickets.ts';
import { saveMessageAttachments } from './message-attachments.ts';
import type { InboundMail } from './parse-inbound-mail.ts';
import { ticketsOfReplyAddresses } from './reply-address.ts';

const selectParticipant = readSql(import.meta.url, 'select-thread-participant');

export type EmailOutcome =
  /** Nothing stored: an autoresponder or the desk itself wrote it. */
  | { did: 'ignored'; why: string }
  /** This Message-ID is stored already (the sender delivered it again): nothing new. */
  | { did: 'duplicate'; ticketId: string; messageId: string }
  | { did: 'opened'; ticketId: string; messageId: string }
  /**
   * A reply in a ticket's thread. On a closed ticket the desk's follow-up rule opens a new
   * ticket linked to it: `ticketId` is then the follow-up's and `repliedTo` the closed one's.
   */
  | { did: 'threaded'; ticketId: string; messageId: string; repliedTo: string; followUp: boolean };

export interface ReceiveEmailOptions {
  /** The desk's own address (SUPPORT_EMAIL_FROM): a mail from it would be the desk answering itself. */
  deskAddress?: string | undefined;
}

/**
 * Takes one customer mail onto the desk, all in one transaction. A reply lands on a
 * ticket only when it is sent to that ticket's secret reply address (the Reply-To of the
 * desk's mail on it: reply-address.ts) and its sender takes part in the ticket (the
 * requester, or someone whose mail is on it); any other mail opens an email ticket. The
 * desk's MX checks no SPF, DKIM or DMARC, so a From header proves nothing, and Message-IDs
 * travel in every forward and CC: a mail that only names a ticket's Message-ID in
 * In-Reply-To or References, or comes from a participant's address without the token,
 * never reopens, rates or adds to a ticket. Each Message-ID is stored once, so a mail
 * delivered twice, even twice at the same moment, creates nothing twice. Autoresponders
 * are not stored at all: an out-of-office that reopened a ticket would wake L1, whose
 * answer would wake the autoresponder again.
 */
export async function receiveEmail(
  store: Pick<Store, 'transaction' | 'query'>,
  mail: InboundMail,
  opts: ReceiveEmailOptions = {},
): Promise<EmailOutcome> {
  if (mail.autoReply)
    return { did: 'ignored', why: `an automatic mail (${mail.autoReplyReason ?? 'auto-reply'}), never answered` };
  if (opts.deskAddress !== undefined && mail.from.address === opts.deskAddress.toLowerCase()) {
    return { did: 'ignored', why: `sent from the desk's own address ${opts.deskAddress}; taking it would loop` };
  }
  try {
    return await store.transaction((tx) => receiveInTransaction(tx, mail));
  } catch (err) {
    // Two deliveries of one mail at once: the loser hits the unique Message-ID, and the
    // winner's ticket is the answer.
    if ((err as { code?: unknown }).code === '23505') {
      const stored = await findByChannelId(store, 'email', mail.messageId);
      if (stored !== undefined) return { did: 'duplicate', ...stored };
    }
    throw err;
  }
}

async function receiveInTransaction(tx: PgQueryable, mail: InboundMail): Promise<EmailOutcome> {
  const stored = await findByChannelId(tx, 'email', mail.messageId);
  if (stored !== undefined) return { did: 'duplicate', ...stored };
  const body = mail.text === '' ? '(The mail has no text.)' : mail.text;
  const repliedTo = await findThread(tx, mail);
  if (repliedTo !== undefined) {
    const landed = await receiveCustomerMessage(tx, repliedTo, {
      body,
      channel: 'email',
      channelMsgId: mail.messageId,
      authorId: mail.from.address,
    });
    await saveMessageAttachments(tx, landed.messageId, mail.attachments);
    return {
      did: 'threaded',
      ticketId: landed.ticket.id,
      messageId: landed.messageId,
      repliedTo,
      followUp: landed.followUp,
    };
  }
  const ticket = await openTicket(tx, {
    subject: mail.subject === '' ? '(no subject)' : mail.subject,
    body,
    channel: 'email',
    requester: { email: mail.from.address, name: mail.from.name ?? undefined },
    channelMsgId: mail.messageId,
  });
  const first = await findByChannelId(tx, 'email', mail.messageId);
  if (first === undefined)
    throw createError('WOW_ERR_TICKET_NOT_FOUND', { ticket: `the first message of ${ticket.id}` });
  await saveMessageAttachments(tx, first.messageId, mail.attachments);
  return { did: 'opened', ticketId: ticket.id, messageId: first.messageId };
}

/** The first ticket whose reply address the mail was sent to and whose thread its sender takes part in. */
async function findThread(tx: PgQueryable, mail: InboundMail): Promise<string | undefined> {
  for (const ticketId of await ticketsOfReplyAddresses(tx, mail.recipients)) {
    if ((await tx.query(selectParticipant, [ticketId, mail.from.address])).rows.length > 0) return ticketId;
  }
  return undefined;
}
