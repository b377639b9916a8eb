import { readSql, type Store } from '#platform';
import {
  createReplyToken,
  customerFailureOf,
  isRecipientVerified,
  storedWebhookSecret,
  type StoredWebhookSecret,
  type TicketChannel,
  type WebhookSecretColumns,
  supportErrors,
} from '#domains/support';

const sql = {
  target: readSql(import.meta.url, 'select-delivery-target'),
  message: readSql(import.meta.url, 'select-outbound-message'),
  threadIds: readSql(import.meta.url, 'select-thread-ids'),
  delivered: readSql(import.meta.url, 'mark-delivered'),
  failed: readSql(import.meta.url, 'mark-delivery-failed'),
};

/** An answer on its way to the customer, with what each channel needs to send it. */
export interface OutboundMessage {
  ticketId: string;
  messageId: string;
  /**
   * The subject it goes out with: the ticket's, or, to an address nobody has verified (a
   * web-form ticket's, before a mail from it answered the desk), the ticket's reference
   * only, so that a stranger's subject never reaches someone else's mailbox as ours.
   */
  subject: string;
  body: string;
  /** An agent's answer (RFC 3834 auto-replied), not a person's. */
  automatic: boolean;
  channel: TicketChannel;
  customer: { id: string; webhookUrl: string | null; webhookSecret: StoredWebhookSecret | null } | null;
  requesterEmail: string | null;
  /** The thread's email Message-IDs, oldest first. */
  emailThread: string[];
}

/** How the platform reaches customers. Each returns the message's id on its channel, if it has one. */
export interface CustomerChannels {
  webhook(
    message: OutboundMessage & { customer: { id: string; webhookUrl: string; webhookSecret: StoredWebhookSecret } },
  ): Promise<void>;
  /**
   * Undefined when no SMTP server is configured. `replyToken` is the ticket's new secret
   * reply token for this mail: its Reply-To is the desk's address tagged with it.
   */
  email:
    | ((message: OutboundMessage & { requesterEmail: string; replyToken: string }) => Promise<{ messageId: string }>)
    | undefined;
}

export type DeliveryOutcome =
  | { did: 'delivered'; channel: 'webhook' | 'email'; channelMsgId?: string }
  | { did: 'already' }
  | { did: 'held'; why: string };

/**
 * Sends one outbound message to the customer by the ticket's channel and records it:
 * delivered (with its Message-ID, so the reply threads) or why not. API tickets go to the
 * customer's webhook, email and web-form tickets to the requester's address. A message
 * with nowhere to go is held with the reason and stays readable by the ticket API.
 */
export async function deliverOutbound(
  store: Store,
  channels: CustomerChannels,
  messageId: string,
): Promise<DeliveryOutcome> {
  const message = (
    await store.query<{ ticket_id: string; body: string; auto_submitted: boolean; delivered_at: Date | null }>(
      sql.message,
      [messageId],
    )
  ).rows[0];
  if (message === undefined)
    throw supportErrors.createError('WOW_ERR_TICKET_NOT_FOUND', { ticket: `the outbound message ${messageId}` });
  if (message.delivered_at !== null) return { did: 'already' };
  const target = (
    await store.query<
      WebhookSecretColumns & {
        channel: TicketChannel;
        subject: string;
        requester_email: string | null;
        customer_id: string | null;
        webhook_url: string | null;
      }
    >(sql.target, [message.ticket_id])
  ).rows[0];
  if (target === undefined) throw supportErrors.createError('WOW_ERR_TICKET_NOT_FOUND', { ticket: message.ticket_id });
  const thread = (await store.query<{ channel_msg_id: string }>(sql.threadIds, [message.ticket_id])).rows.map(
    (r) => r.channel_msg_id,
  );
  const outbound: OutboundMessage = {
    ticketId: message.ticket_id,
    messageId,
    subject: (await isRecipientVerified(store, message.ticket_id))
      ? target.subject
      : `Your support request ${message.ticket_id}`,
    body: message.body,
    automatic: message.auto_submitted,
    channel: target.channel,
    customer:
      target.customer_id === null
        ? null
        : { id: target.customer_id, webhookUrl: target.webhook_url, webhookSecret: storedWebhookSecret(target) },
    requesterEmail: target.requester_email,
    emailThread: thread,
  };
  const hold = async (why: string): Promise<DeliveryOutcome> => {
    await store.query(sql.failed, [messageId, why, null]);
    return { did: 'held', why };
  };
  try {
    const { customer, requesterEmail } = outbound;
    if (outbound.channel === 'api') {
      if (customer?.webhookUrl == null || customer.webhookSecret === null)
        return await hold('the customer has no webhook; the answer waits for GET /api/tickets/{id}');
      await channels.webhook({
        ...outbound,
        customer: { ...customer, webhookUrl: customer.webhookUrl, webhookSecret: customer.webhookSecret },
      });
      await store.query(sql.delivered, [messageId, null, null]);
      return { did: 'delivered', channel: 'webhook' };
    }
    if (requesterEmail === null) return await hold('the ticket has no email address to answer');
    if (channels.email === undefined)
      return await hold('no SMTP server is configured (SMTP_URL), so email answers wait');
    // Stored before the mail leaves, so the customer's answer always finds its ticket.
    const replyToken = await createReplyToken(store, outbound.ticketId);
    const sent = await channels.email({ ...outbound, requesterEmail, replyToken });
    await store.query(sql.delivered, [messageId, sent.messageId, 'email']);
    return { did: 'delivered', channel: 'email', channelMsgId: sent.messageId };
  } catch (err) {
    // Kept for the team to see, with what the customer may be told beside it (L2's
    // integration specialist); the bus retries the delivery.
    const failure = customerFailureOf(err);
    await store.query(sql.failed, [
      messageId,
      err instanceof Error ? err.message : String(err),
      failure === null ? null : JSON.stringify(failure),
    ]);
    throw err;
  }
}
