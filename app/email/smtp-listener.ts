import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { createError, isWowError, type Logger, type Store } from '../../agents/runtime/src/index.ts';
import { parseInboundMail, receiveEmail, type EmailOutcome } from '../../agents/wowsupport/src/index.ts';

export interface SmtpListenerOptions {
  host: string;
  /** 0: any free port (tests); `address` says which. */
  port: number;
  store: Pick<Store, 'transaction' | 'query'>;
  log: Logger;
  /** SUPPORT_EMAIL_FROM: mail from it is the desk's own and never taken. */
  deskAddress: string;
  /** The largest mail taken, in bytes (advertised with SIZE); 25 MiB unless given. */
  maxBytes?: number;
  /** A certificate for STARTTLS; without one the listener speaks plain SMTP (behind an MTA or on a private network). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** How long close() lets a mail in progress finish before it cuts the connection. */
  closeTimeoutMs?: number;
}

export interface SmtpListener {
  readonly address: { host: string; port: number };
  close(): Promise<void>;
}

const defaultMaxBytes = 25 * 1024 * 1024;

/**
 * The support desk's email door, an MX-style SMTP listener: anyone may deliver to it,
 * like to any mail domain, so there is no authentication and AUTH is never offered
 * (there are no accounts to check it against). Each mail is taken in one transaction and
 * answered by what became of it: 250 when it is stored or deliberately ignored, 550 when
 * it can never be read (the sender's server bounces it), 552 when it is too large, and
 * 451 when the desk cannot store it now, so the sender's server keeps it and retries.
 */
export async function startSmtpListener(opts: SmtpListenerOptions): Promise<SmtpListener> {
  const maxBytes = opts.maxBytes ?? defaultMaxBytes;
  const server = new SMTPServer({
    ...(opts.tls === undefined ? {} : { key: opts.tls.key, cert: opts.tls.cert }),
    authOptional: true,
    // Without a certificate of our own, STARTTLS would offer smtp-server's published test key.
    disabledCommands: opts.tls === undefined ? ['AUTH', 'STARTTLS'] : ['AUTH'],
    size: maxBytes,
    logger: false,
    closeTimeout: opts.closeTimeoutMs ?? 10_000,
    onData(stream, session, callback) {
      takeMail(stream, session, { ...opts, maxBytes }).then((reply) => callback(null, reply), (err: unknown) => callback(err as Error));
    },
  });
  // A client's broken connection must not take the process down.
  server.on('error', (err) => opts.log.warn({ err }, 'SMTP listener: connection error'));
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

async function takeMail(stream: SMTPServerDataStream, session: SMTPServerSession, opts: SmtpListenerOptions & { maxBytes: number }): Promise<string> {
  const chunks: Buffer[] = [];
  // Read to the end either way: the SMTP dialogue continues only after the whole DATA.
  for await (const chunk of stream) if (!stream.sizeExceeded) chunks.push(chunk as Buffer);
  try {
    if (stream.sizeExceeded) throw createError('WOW_ERR_EMAIL_TOO_LARGE', [opts.maxBytes]);
    const envelopeFrom = session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address;
    const mail = await parseInboundMail(Buffer.concat(chunks), { envelopeFrom });
    const outcome = await receiveEmail(opts.store, mail, { deskAddress: opts.deskAddress });
    // No sender address in the log: it is the customer's personal data (SUPPORT_PERSONAL_DATA_IN_ISSUES).
    opts.log.info({ messageId: mail.messageId, ...outcome }, `email ${outcome.did}`);
    return replyText(outcome);
  } catch (err) {
    throw smtpError(err, opts.log);
  }
}

function replyText(outcome: EmailOutcome): string {
  if (outcome.did === 'ignored') return `OK: taken and ignored, ${outcome.why}`;
  // Anyone can send a mail under a Message-ID they know: the answer never says whose ticket holds it.
  if (outcome.did === 'duplicate') return 'OK: this Message-ID was taken before';
  return `OK: ticket ${outcome.ticketId}`;
}

function smtpError(err: unknown, log: Logger): Error & { responseCode: number } {
  if (isWowError(err, 'WOW_ERR_EMAIL_INVALID')) return Object.assign(new Error(err.message), { responseCode: 550 });
  if (isWowError(err, 'WOW_ERR_EMAIL_TOO_LARGE')) return Object.assign(new Error(err.message), { responseCode: 552 });
  // Anything else is ours (the database is down, a bug): the sender keeps the mail and retries.
  log.error({ err }, 'SMTP listener: the mail could not be stored; the sender will retry');
  return Object.assign(new Error('The support desk cannot store the mail right now; try again later.'), { responseCode: 451 });
}
