import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import nodemailer from 'nodemailer';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpListener, type SmtpListener } from '../email/smtp-listener.ts';
import { createLogger, type Store } from '#platform';
import { createReplyToken, findByChannelId, findTicket, replyAddress, ticketMessages } from '#domains/support';
import { uniqueName } from '../../test/support/servers.ts';
import { storeBackends } from '../../test/support/test-stores.ts';
import { mailText } from '#domains/support/testing';

// The email door's limits, over real SMTP sessions: who may connect and for how long, whom
// a mail may be for, how large it may be, and how much of it the desk keeps, answers with
// and logs.
const [postgres] = storeBackends('smtp_limits', { poolMax: 4 });

/** A raw SMTP session: each command's whole reply (multi-line replies included). */
interface Session {
  greeting: string;
  send(line: string): Promise<string>;
  /** Resolves with what the server said last once it closes the connection. */
  closed: Promise<string>;
  end(): void;
}

async function openSession(port: number): Promise<Session> {
  const socket: Socket = connect(port, '127.0.0.1');
  let buffer = '';
  let last = '';
  let waiting: ((reply: string) => void) | undefined;
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(last)));
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    // A reply ends with a line "NNN text" (a space, not a dash, after the code).
    if (!/(?:^|\r\n)\d{3} [^\r\n]*\r\n$/.test(buffer)) return;
    last = buffer;
    buffer = '';
    waiting?.(last);
    waiting = undefined;
  });
  const next = () => new Promise<string>((resolve) => (waiting = resolve));
  const greeting = await Promise.race([next(), closed]);
  return {
    greeting,
    send: (line) => {
      const reply = next();
      socket.write(`${line}\r\n`);
      return Promise.race([reply, closed]);
    },
    closed,
    end: () => socket.destroy(),
  };
}

/** Sends a raw mail as a mail server would; the reply's code and text. */
async function deliver(
  port: number,
  raw: string | Buffer,
  to = ['support@waooaw.example'],
): Promise<{ code: number; response: string }> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail({ envelope: { from: 'ada@customer.example', to }, raw });
    return { code: Number(info.response.slice(0, 3)), response: info.response };
  } catch (err) {
    const e = err as { responseCode?: number; response?: string };
    return { code: e.responseCode ?? 0, response: e.response ?? '' };
  } finally {
    transport.close();
  }
}

describe("the SMTP listener's limits", () => {
  let store: Store;
  let close: () => Promise<void>;
  const logged: Buffer[] = [];
  let listener: SmtpListener;
  beforeAll(async () => {
    if (postgres === undefined) throw new Error('storeBackends lists PostgreSQL first');
    ({ store, close } = await postgres.open());
    // Every line the listener logs, at every level, to count its bytes.
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk);
        done();
      },
    });
    const log = pino({ level: 'trace' }, capture);
    listener = await startSmtpListener({
      host: '127.0.0.1',
      port: 0,
      store,
      log,
      deskAddress: 'support@waooaw.example',
      domains: ['waooaw.example'],
    });
  });
  afterAll(async () => {
    await listener.close();
    await close();
  });

  it("takes mail for the desk's own domain only, and at most 50 recipients per mail", async () => {
    const session = await openSession(listener.address.port);
    try {
      expect(session.greeting).toMatch(/^220 /);
      expect(await session.send('EHLO relay.customer.example')).toMatch(/^250/);
      expect(await session.send('MAIL FROM:<ada@customer.example>')).toMatch(/^250 /);
      const elsewhere = await session.send('RCPT TO:<victim@elsewhere.example>');
      expect(elsewhere).toMatch(/^550 /);
      expect(elsewhere).toContain('takes mail for waooaw.example only');
      expect(await session.send('RCPT TO:<Support@WAOOAW.example>')).toMatch(/^250 /);
      for (let i = 2; i <= 50; i++) expect(await session.send(`RCPT TO:<desk-${i}@waooaw.example>`)).toMatch(/^250 /);
      expect(await session.send('RCPT TO:<desk-51@waooaw.example>')).toMatch(/^452 /);
    } finally {
      session.end();
    }
  });

  it('refuses a mail over its default size limit (10 MiB) with 552 and stores nothing', async () => {
    const before = (await store.query('select id from support_messages')).rows.length;
    const large = await deliver(listener.address.port, mailText({}, `${'x'.repeat(998)}\r\n`.repeat(11 * 1024)));
    expect(large.code).toBe(552);
    expect((await store.query('select id from support_messages')).rows.length).toBe(before);
  });

  it('keeps what the ticket API would keep of a large mail, and never logs or answers with the whole of any input', async () => {
    const logBytes = () => logged.reduce((n, b) => n + b.length, 0);
    const start = logBytes();

    // 5 MB of text under a 100,000-character subject: cut to the API's bounds, marked.
    const big = mailText(
      { Subject: 'S'.repeat(100_000).replace(/(.{900})/g, '$1\r\n ') },
      `${'word '.repeat(150)}word\r\n`.repeat(7 * 1024),
    );
    const taken = await deliver(listener.address.port, big);
    expect(taken.code).toBe(250);
    const ticketId = /ticket ([0-9a-f-]{36})/.exec(taken.response)?.[1] ?? '';
    const ticket = await findTicket(store, ticketId);
    expect(ticket?.subject.length).toBeLessThanOrEqual(200);
    const [message] = await ticketMessages(store, ticketId);
    expect(message?.body.length).toBeLessThanOrEqual(50_000);
    expect(message?.body).toMatch(/\[The mail's text was cut here: the desk keeps its first 50,000 characters\.\]$/);

    // Headers a stranger fills: each would be echoed in the answer and the log.
    const autoReply = await deliver(
      listener.address.port,
      mailText({ 'Auto-Submitted': `auto-replied; ${'a'.repeat(500_000)}` }),
    );
    expect(autoReply.code).toBe(250);
    expect(autoReply.response.length).toBeLessThan(512);
    const noSender = await deliver(listener.address.port, mailText({ From: 'nobody '.repeat(100_000) }));
    expect(noSender.code).toBe(550);
    expect(noSender.response).toContain('holds no email address');
    expect(noSender.response.length).toBeLessThan(512);
    // A Message-ID too long for the database's index is no id: the mail gets one derived from its content.
    const longId = await deliver(
      listener.address.port,
      mailText({ 'Message-ID': `<${randomBytes(5_000).toString('hex')}@customer.example>` }),
    );
    expect(longId.code).toBe(250);

    expect(logBytes() - start).toBeLessThan(16 * 1024);
  });

  it("reads at most 100 of a mail's recipients, and at most 20 reply addresses among them, however many it lists", async () => {
    const first = `<${uniqueName('thread')}@customer.example>`;
    expect((await deliver(listener.address.port, mailText({ 'Message-ID': first }))).code).toBe(250);
    const ticketId = (await findByChannelId(store, 'email', first))?.ticketId ?? '';
    const address = replyAddress('support@waooaw.example', await createReplyToken(store, ticketId));
    // The envelope's recipient is the first; the To header's follow.
    const to = (fillers: string[]) => mailText({ To: [...fillers, address].join(',\r\n ') });
    const others = (n: number) => Array.from({ length: n }, (_, i) => `desk-${i}@waooaw.example`);
    const tokens = (n: number) =>
      Array.from({ length: n }, (_, i) => `support+t-${i.toString(16).padStart(32, '0')}@waooaw.example`);
    expect((await deliver(listener.address.port, to(others(98)))).response).toContain(`ticket ${ticketId}`);
    expect((await deliver(listener.address.port, to(others(99)))).response).not.toContain(ticketId);
    expect((await deliver(listener.address.port, to(tokens(19)))).response).toContain(`ticket ${ticketId}`);
    expect((await deliver(listener.address.port, to(tokens(20)))).response).not.toContain(ticketId);
  });

  it('serves at most maxClients connections at once, and closes a connection that goes quiet', async () => {
    const small = await startSmtpListener({
      host: '127.0.0.1',
      port: 0,
      store,
      log: createLogger('silent'),
      deskAddress: 'support@waooaw.example',
      maxClients: 2,
      socketTimeoutMs: 200,
    });
    const sessions: Session[] = [];
    try {
      for (let i = 0; i < 2; i++) sessions.push(await openSession(small.address.port));
      expect(sessions.map((s) => s.greeting.slice(0, 4))).toEqual(['220 ', '220 ']);
      const third = await openSession(small.address.port);
      sessions.push(third);
      expect(third.greeting).toMatch(/^421 /);
      // The first two said nothing after the greeting: the listener hangs up on them.
      for (const quiet of sessions.slice(0, 2)) expect(await quiet.closed).toMatch(/^421 .*[Tt]imeout/);
    } finally {
      for (const s of sessions) s.end();
      await small.close();
    }
  });
});
