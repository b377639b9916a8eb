import { createError, readSql, type PgQueryable, type Store } from '../../../runtime/src/index.ts';
import { findByChannelId, openTicket, receiveCustomerMessage } from '../desk/tickets.ts';
import { saveMessageAttachments } from './message-attachments.ts';
import type { InboundMail } from './parse-inbound-mail.ts';

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
 * Takes one customer mail onto the desk, all in one transaction: a reply (In-Reply-To,
 * then References newest first) lands on the ticket whose thread holds that Message-ID,
 * an inbound mail or one of the desk's answers, whose Message-ID delivery recorded, when
 * its sender takes part in that ticket (the requester, or someone whose mail is on it);
 * any other mail opens an email ticket. A Message-ID is no secret (it travels in every
 * forward and CC), so knowing one never lets a stranger reopen, rate or add to a ticket. Each Message-ID is stored once, so a mail delivered
 * twice, even twice at the same moment, creates nothing twice. Autoresponders are not
 * stored at all: an out-of-office that reopened a ticket would wake L1, whose answer
 * would wake the autoresponder again.
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
  if (first === undefined) throw createError('WOW_ERR_TICKET_NOT_FOUND', [`the first message of ${ticket.id}`]);
  await saveMessageAttachments(tx, first.messageId, mail.attachments);
  return { did: 'opened', ticketId: ticket.id, messageId: first.messageId };
}

/** The ticket of the newest mail this one answers that the desk knows and its sender takes part in. */
async function findThread(tx: PgQueryable, mail: InboundMail): Promise<string | undefined> {
  const candidates = [
    ...new Set([...(mail.inReplyTo === null ? [] : [mail.inReplyTo]), ...mail.references.toReversed()]),
  ];
  for (const id of candidates) {
    if (id === mail.messageId) continue;
    const hit = await findByChannelId(tx, 'email', id);
    if (hit !== undefined && (await tx.query(selectParticipant, [hit.ticketId, mail.from.address])).rows.length > 0)
      return hit.ticketId;
  }
  return undefined;
}
