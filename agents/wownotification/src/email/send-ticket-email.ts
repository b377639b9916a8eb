import nodemailer, { type Transporter } from 'nodemailer';

/** One answer to a requester, threaded onto the mail they sent. */
export interface TicketEmail {
  /** The desk's message id: it becomes the Message-ID, so a retried send is the same mail. */
  messageId: string;
  from: string;
  /** The ticket's secret reply address for this mail (reply-address.ts): the only address a reply threads by. */
  replyTo: string;
  to: string;
  subject: string;
  body: string;
  /** An agent wrote it: marked Auto-Submitted so the customer's autoresponder stays quiet (RFC 3834). */
  automatic: boolean;
  /** The thread's Message-IDs, oldest first; the last is the mail this answers. */
  references: string[];
}

/** A pooled SMTP connection for SMTP_URL (smtp:// or smtps://, credentials in the URL). */
export function createMailTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport(smtpUrl);
}

export function emailMessageId(messageId: string, from: string): string {
  // The sender's own domain keeps the id globally unique without a registry.
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'waooaw.invalid';
  return `<${messageId}@${domain}>`;
}

export async function sendTicketEmail(transport: Transporter, mail: TicketEmail): Promise<{ messageId: string }> {
  const id = emailMessageId(mail.messageId, mail.from);
  const inReplyTo = mail.references.at(-1);
  await transport.sendMail({
    from: mail.from,
    replyTo: mail.replyTo,
    to: mail.to,
    subject: inReplyTo === undefined || /^re:/i.test(mail.subject) ? mail.subject : `Re: ${mail.subject}`,
    text: mail.body,
    messageId: id,
    ...(inReplyTo === undefined ? {} : { inReplyTo, references: mail.references }),
    headers: mail.automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {},
  });
  return { messageId: id };
}
