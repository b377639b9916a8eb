import type { CustomerChannels } from './deliver-outbound.ts';
import { openWebhookSecret, postCustomerWebhook, replyAddress, type SupportSettings } from '#domains/support';

/** The channels an agent instance holds, with what releases them when it stops. */
export interface OpenCustomerChannels extends CustomerChannels {
  /** Closes the mail transport, if SMTP_URL opened one. */
  close(): void;
  /** A notice to an organisation's address, apart from any ticket (undefined without SMTP_URL); `id` makes its Message-ID. */
  noticeEmail: ((mail: { id: string; to: string; subject: string; body: string }) => Promise<void>) | undefined;
}

/**
 * The platform's real ways to reach a customer: their signed webhook (its secret opened
 * with SUPPORT_SECRETS_KEY), and SMTP when SMTP_URL is set.
 */
export async function createCustomerChannels(
  settings: Pick<SupportSettings, 'smtpUrl' | 'emailFrom'> & { secretsKey?: Buffer | undefined },
): Promise<OpenCustomerChannels> {
  // Loaded only where mail goes out, so the rest of the desk does not pay for nodemailer.
  const mail = settings.smtpUrl === undefined ? undefined : await import('../email/send-ticket-email.ts');
  const transport = settings.smtpUrl === undefined ? undefined : mail?.createMailTransport(settings.smtpUrl);
  return {
    close: () => transport?.close(),
    noticeEmail:
      mail === undefined || transport === undefined
        ? undefined
        : async (notice) => {
            // Nobody answers a notice on a ticket's thread: replies go to the desk's own address.
            await mail.sendTicketEmail(transport, {
              messageId: notice.id,
              from: settings.emailFrom,
              replyTo: settings.emailFrom,
              to: notice.to,
              subject: notice.subject,
              body: notice.body,
              automatic: true,
              references: [],
            });
          },
    async webhook(message) {
      // The message id is the delivery id: a customer sees a retried delivery as the same one.
      await postCustomerWebhook({
        url: message.customer.webhookUrl,
        secret: openWebhookSecret(message.customer.webhookSecret, message.customer.id, settings.secretsKey),
        deliveryId: message.messageId,
        event: {
          type: 'support.message.outbound',
          data: {
            ticketId: message.ticketId,
            messageId: message.messageId,
            body: message.body,
            automatic: message.automatic,
          },
        },
      });
    },
    email:
      mail === undefined || transport === undefined
        ? undefined
        : (message) =>
            mail.sendTicketEmail(transport, {
              messageId: message.messageId,
              from: settings.emailFrom,
              replyTo: replyAddress(settings.emailFrom, message.replyToken),
              to: message.requesterEmail,
              subject: message.subject,
              body: message.body,
              automatic: message.automatic,
              references: message.emailThread,
            }),
  };
}
