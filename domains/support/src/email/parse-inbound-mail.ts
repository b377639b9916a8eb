import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type HeaderValue, type ParsedMail } from 'mailparser';
import { createError } from '../errors.ts';
import { stripQuotedReply } from '../desk/strip-quoted-reply.ts';
import { removeHostileCharacters } from '../intake/hostile-characters.ts';
import { nameMaxLength, subjectMaxLength, textMaxLength } from '../intake/ticket-requests.ts';

/** What the desk keeps of an attached file: enough to name and match it, never its content. */
export interface MailAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  sha256: string;
}

/**
 * A customer's mail as the desk reads it, within the ticket API's bounds (a longer subject,
 * name or text is cut, the text with a note saying so). Message-IDs keep their angle
 * brackets, as on the wire.
 */
export interface InboundMail {
  messageId: string;
  from: { address: string; name: string | null };
  subject: string;
  /** The new text: plain, or the HTML part as text when there is no plain one, without the quoted mail below it. */
  text: string;
  /**
   * Whom it was sent to, lowercased: the SMTP envelope's RCPT TO, then To and Cc, at most
   * 100. A reply threads by the ticket's reply address among them (receive-email.ts), never
   * by In-Reply-To or References, which anyone who saw the thread can copy.
   */
  recipients: string[];
  attachments: MailAttachment[];
  /** RFC 3834: an autoresponder, a bulk mailing or a bounce wrote it, not a person. */
  autoReply: boolean;
  /** Which header said so; null for a person's mail. */
  autoReplyReason: string | null;
}

export interface ParseOptions {
  /**
   * The SMTP envelope's MAIL FROM ('' for the null sender `<>`). It is the return path a
   * final MTA would write into the Return-Path header, so it wins over that header.
   */
  envelopeFrom?: string | undefined;
  /** The SMTP envelope's RCPT TO addresses. */
  envelopeTo?: readonly string[] | undefined;
}

// No control characters in an id: it is stored and compared as text. RFC 5322 ids are far
// shorter than 250 characters; a longer one is no id (and too long for the unique index).
const messageIdToken = /<[^<>\s\p{Cc}]{1,250}>/gu;
/** A mail for thousands (a To header can list any number) is read no further. */
const maxRecipients = 100;
const maxAttachments = 100;
/** How much of a header a reason or an error quotes: it lands in the SMTP answer and the log. */
const quotedHeaderLength = 100;
const cutNote = `\n\n[The mail's text was cut here: the desk keeps its first ${textMaxLength.toLocaleString('en')} characters.]`;

/** A header's words as the desk keeps them: one line, nothing hidden (see hostile-characters.ts). */
const oneLine = (text: string, max: number) => cut(removeHostileCharacters(text, 'line').trim(), max, '…');

/** `text` in at most `max` characters, `tail` marking where it was cut; a character is never split in two. */
function cut(text: string, max: number, tail: string): string {
  if (text.length <= max) return text;
  const kept = text.slice(0, max - tail.length);
  // A high surrogate alone at the end would be half a character.
  return `${/[\uD800-\uDBFF]$/.test(kept) ? kept.slice(0, -1) : kept}${tail}`;
}

/**
 * Reads one raw RFC 5322 mail. Throws WOW_ERR_EMAIL_INVALID, before anything is stored,
 * when it has no From address or cannot be read as a message at all.
 */
export async function parseInboundMail(raw: Buffer | string, opts: ParseOptions = {}): Promise<InboundMail> {
  let mail: ParsedMail;
  try {
    // sha256 instead of mailparser's md5; no HTML rendering of the text, no data: URLs.
    mail = await simpleParser(raw, {
      checksumAlgo: 'sha256',
      skipTextToHtml: true,
      skipImageLinks: true,
      keepCidLinks: true,
    });
  } catch (err) {
    throw createError(
      'WOW_ERR_EMAIL_INVALID',
      {
        problem: `it is not a readable MIME message (${cut(err instanceof Error ? err.message : String(err), 200, '…')})`,
      },
      { cause: err },
    );
  }
  const sender = mail.from?.value.find((a) => a.address !== undefined && a.address.includes('@'));
  if (sender?.address === undefined) {
    const line = mail.headerLines.find((h) => h.key === 'from')?.line;
    throw createError('WOW_ERR_EMAIL_INVALID', {
      problem:
        line === undefined
          ? 'it has no From header'
          : `its From header "${oneLine(line.slice(line.indexOf(':') + 1), quotedHeaderLength)}" holds no email address`,
    });
  }
  // A mail is taken, never refused, for what the API and the form refuse: it is removed.
  const name = oneLine(sender.name, nameMaxLength);
  const from = { address: oneLine(sender.address, 320).toLowerCase(), name: name === '' ? null : name };
  const subject = oneLine(mail.subject ?? '', subjectMaxLength);
  const fullText = removeHostileCharacters(mail.text ?? '', 'text').trim();
  const autoReplyReason = autoReplyHeader(mail, opts.envelopeFrom);
  return {
    messageId: idsIn(mail.messageId)[0] ?? syntheticMessageId(from.address, mail, fullText),
    from,
    subject,
    text: cut(stripQuotedReply(fullText), textMaxLength, cutNote),
    recipients: recipientsOf(mail, opts.envelopeTo ?? []),
    attachments: mail.attachments.slice(0, maxAttachments).map((a) => ({
      filename: a.filename === undefined ? null : oneLine(a.filename, 255),
      contentType: oneLine(a.contentType, 255),
      size: a.size,
      sha256: a.checksum,
    })),
    autoReply: autoReplyReason !== null,
    autoReplyReason,
  };
}

function idsIn(value: string | string[] | undefined): string[] {
  return [value ?? []].flat().flatMap((v) => v.match(messageIdToken) ?? []);
}

function recipientsOf(mail: ParsedMail, envelopeTo: readonly string[]): string[] {
  const headers = [mail.to, mail.cc].flatMap((a: AddressObject | AddressObject[] | undefined) =>
    [a ?? []].flat().flatMap((o) => o.value.flatMap((v) => [v, ...(v.group ?? [])])),
  );
  const addresses = [...envelopeTo, ...headers.flatMap((v) => v.address ?? [])]
    .slice(0, maxRecipients)
    .map((a) => oneLine(a, 320).toLowerCase());
  return [...new Set(addresses)];
}

/**
 * RFC 5322 only says a mail SHOULD have a Message-ID. Without one, the id is derived from
 * what a redelivery of the same mail repeats (sender, Date, subject, text), so a second
 * delivery is still recognised and stored once.
 */
function syntheticMessageId(from: string, mail: ParsedMail, text: string): string {
  const hash = createHash('sha256')
    .update([from, mail.date?.toISOString() ?? '', mail.subject ?? '', text].join('\n'))
    .digest('hex');
  return `<${hash.slice(0, 32)}@no-message-id.waooaw.invalid>`;
}

/** The reason a mail is automatic, as Zammad and RFC 3834 judge it; null for a person's. */
function autoReplyHeader(mail: ParsedMail, envelopeFrom: string | undefined): string | null {
  const autoSubmitted = headerText(mail.headers.get('auto-submitted'));
  // "no" is the only value a person's mail carries; parameters follow a semicolon.
  if (autoSubmitted !== null && autoSubmitted.split(';')[0]?.trim().toLowerCase() !== 'no')
    return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = headerText(mail.headers.get('precedence'))?.toLowerCase() ?? null;
  if (precedence !== null && ['bulk', 'junk', 'auto_reply'].includes(precedence)) return `Precedence: ${precedence}`;
  for (const name of ['x-autoreply', 'x-autorespond']) {
    if (mail.headers.has(name)) return `${name === 'x-autoreply' ? 'X-Autoreply' : 'X-Autorespond'} header`;
  }
  const returnPath = envelopeFrom ?? returnPathHeader(mail);
  if (returnPath === '') return 'a null return path (<>): a bounce or a delivery report';
  if (returnPath !== undefined && /^mailer-daemon@/i.test(returnPath))
    return `the return path ${oneLine(returnPath, quotedHeaderLength)}: a bounce`;
  if (/^mailer-daemon@/i.test(mail.from?.value[0]?.address ?? '')) return 'sent by MAILER-DAEMON: a bounce';
  return null;
}

function returnPathHeader(mail: ParsedMail): string | undefined {
  const value = mail.headers.get('return-path');
  if (value === undefined || typeof value !== 'object' || !('value' in value) || !Array.isArray(value.value))
    return undefined;
  const first: unknown = value.value[0];
  return typeof first === 'object' && first !== null && 'address' in first && typeof first.address === 'string'
    ? first.address
    : '';
}

/** A header's value, cut: only its first words decide, and a reason quotes it. */
function headerText(value: HeaderValue | undefined): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return oneLine(value, quotedHeaderLength);
  if (Array.isArray(value)) return typeof value[0] === 'string' ? oneLine(value[0], quotedHeaderLength) : null;
  return 'value' in value && typeof value.value === 'string' ? oneLine(value.value, quotedHeaderLength) : null;
}
