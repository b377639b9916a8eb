import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { isWowError, type Logger, type Store } from '#platform';
import { createError } from '../errors.ts';
import { parseInboundMail, receiveEmail, type EmailOutcome, type InboundMail } from '#domains/support';

/** Mail to the agents' domain: each becomes a task (app/tasks/task-mail.ts), never a ticket. */
export interface TaskMailDoor {
  domain: string;
  /** Takes one mail: 250 with what became of it, or 550 with why it is refused when no reply can be mailed. */
  take(mail: InboundMail): Promise<{ code: 250 | 550; text: string }>;
}

export interface SmtpListenerOptions {
  host: string;
  /** 0: any free port (tests); `address` says which. */
  port: number;
  store: Pick<Store, 'transaction' | 'query'>;
  log: Logger;
  /** SUPPORT_EMAIL_FROM: mail from it is the desk's own and never taken. */
  deskAddress: string;
  /** The mail domains recipients must be in (SUPPORT_SMTP_DOMAINS); the desk address's domain unless given. */
  domains?: readonly string[];
  /** The largest mail taken, in bytes (advertised with SIZE); 10 MiB unless given. */
  maxBytes?: number;
  /** Connections served at once; a further one is answered 421 and closed. 50 unless given. */
  maxClients?: number;
  /** A connection quiet this long is closed (421); 60 seconds unless given. */
  socketTimeoutMs?: number;
  /** A certificate for STARTTLS; without one the listener speaks plain SMTP (behind an MTA or on a private network). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** How long close() lets a mail in progress finish before it cuts the connection. */
  closeTimeoutMs?: number;
  /** Tasks by mail to `<agent-id>@<domain>` (SUPPORT_TASKS_DOMAIN); undefined: that domain is not taken. */
  tasks?: TaskMailDoor;
}

export interface SmtpListener {
  readonly address: { host: string; port: number };
  close(): Promise<void>;
}

const defaultMaxBytes = 10 * 1024 * 1024;
// The desk is one mailbox or a few: a mail for more is a relay attempt or a mass mailing.
const maxRecipients = 50;
/** What of a stranger's text an answer or a log line may carry. */
const replyChars = 400;

/**
 * The support desk's email door, an MX-style SMTP listener: anyone may deliver to it,
 * like to any mail domain, so there is no authentication and AUTH is never offered
 * (there are no accounts to check it against). Since anyone may, everything is bounded:
 * connections at once and their idle time, recipients (the desk's domains only, 50 at
 * most), a mail's size, and what of a mail an answer or a log line quotes (never the
 * whole of a header or a body). Each mail is taken in one transaction and
 * answered by what became of it: 250 when it is stored or deliberately ignored, 550 when
 * it can never be read (the sender's server bounces it), 552 when it is too large, and
 * 451 when the desk cannot store it now, so the sender's server keeps it and retries.
 */
export async function startSmtpListener(opts: SmtpListenerOptions): Promise<SmtpListener> {
  const maxBytes = opts.maxBytes ?? defaultMaxBytes;
  const domains = [
    ...(opts.domains ?? [opts.deskAddress.slice(opts.deskAddress.lastIndexOf('@') + 1)]),
    ...(opts.tasks === undefined ? [] : [opts.tasks.domain]),
  ].map((d) => d.toLowerCase());
  const server = new SMTPServer({
    ...(opts.tls === undefined ? {} : { key: opts.tls.key, cert: opts.tls.cert }),
    authOptional: true,
    // Without a certificate of our own, STARTTLS would offer smtp-server's published test key.
    disabledCommands: opts.tls === undefined ? ['AUTH', 'STARTTLS'] : ['AUTH'],
    size: maxBytes,
    maxClients: opts.maxClients ?? 50,
    maxRecipients,
    socketTimeout: opts.socketTimeoutMs ?? 60_000,
    logger: false,
    closeTimeout: opts.closeTimeoutMs ?? 10_000,
    // Mail for anyone else is not ours to take: the desk is no relay. Any local part of the
    // desk's domains is taken, so the tickets' reply addresses (support+t-<token>@) are too.
    onRcptTo(address, _session, callback) {
      const domain = address.address.slice(address.address.lastIndexOf('@') + 1).toLowerCase();
      if (domains.includes(domain)) callback();
      else
        callback(
          Object.assign(
            new Error(`<${bounded(address.address, 100)}>: this server takes mail for ${domains.join(', ')} only`),
            { responseCode: 550 },
          ),
        );
    },
    onData(stream, session, callback) {
      takeMail(stream, session, { ...opts, maxBytes }).then(
        (reply) => callback(null, reply),
        (err: unknown) => callback(err as Error),
      );
    },
  });
  // A client's broken connection must not take the process down.
  server.on('error', (err) => opts.log.warn({ err: loggable(err) }, 'SMTP listener: connection error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.server.address() as AddressInfo;
  return {
    address: { host: address, port },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function takeMail(
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  opts: SmtpListenerOptions & { maxBytes: number },
): Promise<string> {
  const chunks: Buffer[] = [];
  // Read to the end either way: the SMTP dialogue continues only after the whole DATA.
  for await (const chunk of stream) if (!stream.sizeExceeded) chunks.push(chunk as Buffer);
  let taken: { code: 250 | 550; text: string };
  try {
    if (stream.sizeExceeded) throw createError('WOW_ERR_EMAIL_TOO_LARGE', { maxBytes: opts.maxBytes });
    const envelopeFrom = session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address;
    const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
    const mail = await parseInboundMail(Buffer.concat(chunks), { envelopeFrom, envelopeTo });
    const tasks = opts.tasks;
    if (tasks !== undefined && envelopeTo.some((to) => to.toLowerCase().endsWith(`@${tasks.domain.toLowerCase()}`))) {
      taken = await tasks.take(mail);
      opts.log.info({ messageId: mail.messageId, code: taken.code }, 'task email taken');
    } else {
      const outcome = await receiveEmail(opts.store, mail, { deskAddress: opts.deskAddress });
      // No sender address in the log: it is the customer's personal data (SUPPORT_PERSONAL_DATA_IN_ISSUES).
      opts.log.info({ messageId: mail.messageId, ...outcome }, `email ${outcome.did}`);
      taken = { code: 250, text: replyText(outcome) };
    }
  } catch (err) {
    throw smtpError(err, opts.log);
  }
  // A refusal is the sender's to read in their bounce, not an error of ours to retry (451).
  if (taken.code === 550) throw Object.assign(new Error(bounded(taken.text, replyChars)), { responseCode: 550 });
  return bounded(taken.text, replyChars);
}

function replyText(outcome: EmailOutcome): string {
  if (outcome.did === 'ignored') return `OK: taken and ignored, ${outcome.why}`;
  // Anyone can send a mail under a Message-ID they know: the answer never says whose ticket holds it.
  if (outcome.did === 'duplicate') return 'OK: this Message-ID was taken before';
  return `OK: ticket ${outcome.ticketId}`;
}

function smtpError(err: unknown, log: Logger): Error & { responseCode: number } {
  if (isWowError(err, 'WOW_ERR_EMAIL_INVALID'))
    return Object.assign(new Error(bounded(err.message, replyChars)), { responseCode: 550 });
  if (isWowError(err, 'WOW_ERR_EMAIL_TOO_LARGE')) return Object.assign(new Error(err.message), { responseCode: 552 });
  // Anything else is ours (the database is down, a bug): the sender keeps the mail and retries.
  log.error({ err: loggable(err) }, 'SMTP listener: the mail could not be stored; the sender will retry');
  return Object.assign(new Error('The support desk cannot store the mail right now; try again later.'), {
    responseCode: 451,
  });
}

function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/**
 * An error as the log keeps it: its kind, code and message and stack cut short. A driver's
 * error may quote the value it choked on, and that value is a stranger's mail.
 */
function loggable(err: unknown): { type: string; code?: unknown; message: string; stack?: string } {
  if (!(err instanceof Error)) return { type: typeof err, message: bounded(String(err), replyChars) };
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    ...(code === undefined ? {} : { code }),
    message: bounded(err.message, replyChars),
    ...(err.stack === undefined ? {} : { stack: bounded(err.stack, 4 * replyChars) }),
  };
}
