import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpListener, type SmtpListener } from '../../../app/email/smtp-listener.ts';
import { createLogger, createStore, migrate, type Store } from '#platform';
import {
  findByChannelId,
  findTicket,
  parseInboundMail,
  recordDeskMessage,
  ticketCsat,
  ticketMessages,
  isRecipientVerified,
} from '#domains/support';
import { createCustomerChannels } from '../src/delivery/customer-channels.ts';
import { deliverOutbound } from '../src/delivery/deliver-outbound.ts';
import { closeAndDropSchema, testDatabaseUrl, uniqueName } from '../../../test/support/servers.ts';
import { mailText, replyAddressOf } from '#domains/support/testing';

// Reading and threading customers' mail is the domain's (domains/support/test/email.test.ts);
// here, the mail that comes in over SMTP and the answers WowSupport sends out by mail.
const log = createLogger('silent');
const fixture = (name: string) => readFile(new URL(`../../../test/fixtures/support/mail/${name}.eml`, import.meta.url));
const ids = {
  plain: '<plain-1.20261201091402@customer.example>',
  reply: '<reply-2.20261201114019@customer.example>',
  html: '<CAHtml.0001.grace@mail.navy.example>',
  alternative: '<20261202073000.alt.1@kernel.example>',
  latin1: '<latin1.0042@kunde.example>',
};

/** Sends a raw mail to an SMTP server as a mail server would: the envelope, then DATA. */
async function deliver(
  port: number,
  raw: string | Buffer,
  envelope = { from: 'ada@customer.example', to: ['support@waooaw.example'] },
): Promise<{ code: number; response: string }> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    const info = await transport.sendMail({ envelope, raw });
    return { code: Number(info.response.slice(0, 3)), response: info.response };
  } catch (err) {
    const e = err as { responseCode?: number; response?: string };
    return { code: e.responseCode ?? 0, response: e.response ?? '' };
  } finally {
    transport.close();
  }
}

describe('the SMTP listener and the answers that go out by mail, on PostgreSQL', () => {
  let store: Store;
  let listener: SmtpListener;
  const captured: Buffer[] = [];
  let capture: SMTPServer;
  let capturePort = 0;
  beforeAll(async () => {
    store = await createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 4, schema: uniqueName('smtp'), log });
    await migrate(store, { log });
    listener = await startSmtpListener({
      host: '127.0.0.1',
      port: 0,
      store,
      log,
      deskAddress: 'support@waooaw.example',
      maxBytes: 64 * 1024,
      closeTimeoutMs: 1000,
    });
    // The customer's mail server, for the desk's answers.
    capture = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          captured.push(Buffer.concat(chunks));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
    capturePort = (capture.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await listener.close();
    await new Promise<void>((resolve) => capture.close(() => resolve()));
    await closeAndDropSchema(store);
  });

  it('takes a mail sent over SMTP onto a ticket (250), and ignores an auto-reply with 250 too', async () => {
    const sent = await deliver(listener.address.port, await fixture('plain'));
    expect(sent.code).toBe(250);
    const stored = await findByChannelId(store, 'email', ids.plain);
    expect(sent.response).toContain(`OK: ticket ${stored?.ticketId ?? 'none'}`);
    expect(await findTicket(store, stored?.ticketId ?? '')).toMatchObject({
      channel: 'email',
      requester: { email: 'ada@customer.example' },
    });
    const ignored = await deliver(listener.address.port, await fixture('auto-reply'));
    expect(ignored).toMatchObject({ code: 250, response: expect.stringContaining('ignored') as unknown });
    const bounce = await deliver(listener.address.port, mailText({ Subject: 'Undelivered Mail Returned to Sender' }), {
      from: '',
      to: ['support@waooaw.example'],
    });
    expect(bounce).toMatchObject({ code: 250, response: expect.stringContaining('null return path') as unknown });
  });

  it("takes a stranger's mail that names a ticket's Message-ID as a new ticket: it neither reopens, rates nor reads that ticket", async () => {
    const first = `<${uniqueName('victim')}@customer.example>`;
    expect(
      (
        await deliver(
          listener.address.port,
          mailText({ 'Message-ID': first, Subject: 'Invoice question' }, 'Why two charges?'),
        )
      ).code,
    ).toBe(250);
    const victim = (await findByChannelId(store, 'email', first))?.ticketId ?? '';
    await store.transaction((tx) =>
      recordDeskMessage(tx, victim, {
        direction: 'outbound',
        author: { kind: 'human', id: 'octocat' },
        body: 'Refunded the second charge.',
        autoSubmitted: false,
        action: 'solve',
      }),
    );
    const before = await ticketMessages(store, victim);

    // Mallory learnt the Message-ID (a forwarded mail, a CC, a leaked header): she answers the survey and writes more.
    const envelope = { from: 'mallory@evil.example', to: ['support@waooaw.example'] };
    const rating = await deliver(
      listener.address.port,
      mailText(
        {
          From: 'Mallory <mallory@evil.example>',
          'In-Reply-To': first,
          References: first,
          Subject: 'Re: Invoice question',
        },
        'Bad - the desk ignored me',
      ),
      envelope,
    );
    const reopen = await deliver(
      listener.address.port,
      mailText(
        { From: 'Mallory <mallory@evil.example>', References: first, Subject: 'Re: Invoice question' },
        'Please send the invoice to mallory@evil.example instead.',
      ),
      envelope,
    );
    // Her own mail under the victim's Message-ID is a duplicate, and the answer does not say whose.
    const replay = await deliver(
      listener.address.port,
      mailText({ From: 'Mallory <mallory@evil.example>', 'Message-ID': first, Subject: 'Which ticket?' }),
      envelope,
    );
    for (const sent of [rating, reopen, replay]) {
      expect(sent.code).toBe(250);
      expect(sent.response).not.toContain(victim);
    }
    expect(await findTicket(store, victim)).toMatchObject({ status: 'solved' });
    expect(await ticketMessages(store, victim)).toEqual(before);
    expect((await ticketCsat(store, victim)).map((c) => c.rating)).toEqual([null]);
    const mallorys = (
      await store.query<{ id: string; follows_ticket_id: string | null }>(
        'select id, follows_ticket_id from support_tickets where requester_email = $1',
        ['mallory@evil.example'],
      )
    ).rows;
    expect(mallorys).toHaveLength(2);
    expect(mallorys.map((t) => t.follows_ticket_id)).toEqual([null, null]);

    // Ada, the requester, still answers her own thread, to the address the desk's mail gave her.
    const address = await replyAddressOf(store, victim);
    expect(
      (
        await deliver(
          listener.address.port,
          mailText({ To: address, 'In-Reply-To': first, Subject: 'Re: Invoice question' }, 'Good - thanks!'),
          { from: 'ada@customer.example', to: [address] },
        )
      ).code,
    ).toBe(250);
    expect((await ticketCsat(store, victim)).map((c) => c.rating)).toEqual(['good']);
  });

  it("threads a mail only through the ticket's secret reply address: a forged From with the ticket's Message-IDs opens a ticket of its own", async () => {
    // Ada's ticket, and the desk's answer to it.
    const first = `<${uniqueName('refund')}@customer.example>`;
    expect(
      (await deliver(listener.address.port, mailText({ 'Message-ID': first, Subject: 'Refund' }, 'Refund order 7?')))
        .code,
    ).toBe(250);
    const ticketId = (await findByChannelId(store, 'email', first))?.ticketId ?? '';
    const answer = await store.transaction((tx) =>
      recordDeskMessage(tx, ticketId, {
        direction: 'outbound',
        author: { kind: 'human', id: 'octocat' },
        body: 'Refunded; reply "good" or "bad" to rate us.',
        autoSubmitted: false,
        action: 'ask_customer',
      }),
    );
    const channels = await createCustomerChannels({
      smtpUrl: `smtp://127.0.0.1:${capturePort}`,
      emailFrom: 'support@waooaw.example',
    });
    await deliverOutbound(store, channels, answer.messageId);
    const deskMail = await simpleParser(captured.at(-1) ?? Buffer.alloc(0));
    const deskId = `<${answer.messageId}@waooaw.example>`;
    const before = await ticketMessages(store, ticketId);

    // Mallory saw the thread (a forward, a CC): she has its Message-IDs and Ada's address,
    // and nothing at the MX checks SPF, DKIM or DMARC. She writes as Ada, to the desk.
    const forged = await deliver(
      listener.address.port,
      mailText(
        {
          From: 'Ada Lovelace <ada@customer.example>',
          'In-Reply-To': deskId,
          References: `${first} ${deskId}`,
          Subject: 'Re: Refund',
        },
        'Please send the refund to IBAN XX00 0000 EVIL instead.',
      ),
    );
    expect(forged.code).toBe(250);
    expect(forged.response).not.toContain(ticketId);
    expect(await ticketMessages(store, ticketId)).toEqual(before);

    // The desk's mail names the ticket's reply address, and only as Reply-To: never in its text.
    const replyTo = deskMail.replyTo?.value[0]?.address ?? '';
    expect(replyTo).toMatch(/^support\+t-[0-9a-f]{32}@waooaw\.example$/);
    const token = replyTo.slice('support+t-'.length, -'@waooaw.example'.length);
    expect(deskMail.text).not.toContain(token);
    // Nor is it in the database, from which the ticket's issue is written: only its sha256 is.
    const stored = await store.query<{ dump: string }>(
      `select concat((select json_agg(m)::text from support_messages m), (select json_agg(r)::text from support_email_reply_tokens r)) as dump`,
    );
    expect(stored.rows[0]?.dump).not.toContain(token);
    // Ada's mail client answers to it: the RCPT TO is accepted, and her mail lands on her ticket.
    const reply = await deliver(
      listener.address.port,
      mailText({ To: replyTo, 'In-Reply-To': deskId, Subject: 'Re: Refund' }, 'Good - thanks!'),
      { from: 'ada@customer.example', to: [replyTo] },
    );
    expect(reply).toMatchObject({ code: 250, response: expect.stringContaining(`ticket ${ticketId}`) as unknown });
    expect((await ticketMessages(store, ticketId)).at(-1)).toMatchObject({
      direction: 'inbound',
      body: 'Good - thanks!',
    });
    // A stranger who has the address (Ada forwarded the mail) is still no participant.
    const stranger = await deliver(
      listener.address.port,
      mailText({ From: 'Mallory <mallory@evil.example>', To: replyTo, Subject: 'Re: Refund' }, 'Me too.'),
      { from: 'mallory@evil.example', to: [replyTo] },
    );
    expect(stranger.code).toBe(250);
    expect(stranger.response).not.toContain(ticketId);
  });

  it('answers 550 to a mail it can never read and 552 to one too large, storing nothing', async () => {
    const before = (await store.query('select id from support_messages')).rows.length;
    const unreadable = await deliver(listener.address.port, 'Subject: no sender\r\n\r\nhello\r\n');
    expect(unreadable.code).toBe(550);
    expect(unreadable.response).toContain('has no From header');
    const large = await deliver(listener.address.port, mailText({}, 'x'.repeat(100 * 1024)));
    expect(large.code).toBe(552);
    expect((await store.query('select id from support_messages')).rows.length).toBe(before);
  });

  it('answers 451 when the database is down, so the sender keeps the mail and retries', async () => {
    const closed = await createStore({
      url: testDatabaseUrl,
      dataDir: '.data',
      poolMax: 1,
      schema: uniqueName('smtp_closed'),
      log,
    });
    await closeAndDropSchema(closed);
    const down = await startSmtpListener({
      host: '127.0.0.1',
      port: 0,
      store: closed,
      log,
      deskAddress: 'support@waooaw.example',
    });
    try {
      const sent = await deliver(down.address.port, await fixture('latin1'));
      expect(sent.code).toBe(451);
      expect(sent.response).toContain('try again later');
    } finally {
      await down.close();
    }
  });

  it("sends an answer marked Auto-Submitted and In-Reply-To, and the customer's reply to it threads back", async () => {
    const ticketId = (await findByChannelId(store, 'email', ids.plain))?.ticketId ?? '';
    const answer = await store.transaction((tx) =>
      recordDeskMessage(tx, ticketId, {
        direction: 'outbound',
        author: { kind: 'agent', id: 'wow-support' },
        body: 'Your endpoint answers 500; see https://waooaw.example/docs/webhooks.',
        autoSubmitted: true,
        action: 'ask_customer',
      }),
    );
    const channels = await createCustomerChannels({
      smtpUrl: `smtp://127.0.0.1:${capturePort}`,
      emailFrom: 'support@waooaw.example',
    });
    const delivered = await deliverOutbound(store, channels, answer.messageId);
    expect(delivered).toEqual({
      did: 'delivered',
      channel: 'email',
      channelMsgId: `<${answer.messageId}@waooaw.example>`,
    });

    const raw = captured.at(-1) ?? Buffer.alloc(0);
    const sent = await simpleParser(raw);
    expect(sent.headers.get('auto-submitted')).toBe('auto-replied');
    expect(sent.inReplyTo).toBe(ids.plain);
    const replyTo = sent.replyTo?.value[0]?.address ?? '';
    // A mail's From can be forged: until the requester answers through the ticket's reply
    // address, the desk's mail names the ticket, never the subject a stranger may have written.
    expect(sent.subject).toBe(`Re: Your support request ${ticketId}`);
    expect(await isRecipientVerified(store, ticketId)).toBe(false);
    // The desk's own answer, were it to come back (a forwarding loop), is an automatic mail.
    expect(await parseInboundMail(raw)).toMatchObject({ autoReply: true });

    const reply = mailText(
      {
        To: replyTo,
        Subject: 'Re: Webhook deliveries fail with 500',
        'In-Reply-To': `<${answer.messageId}@waooaw.example>`,
        References: `${ids.plain} <${answer.messageId}@waooaw.example>`,
      },
      'Fixed our endpoint, thanks.\r\n\r\nOn Tue, 1 Dec 2026, WAOOAW Support wrote:\r\n> Your endpoint answers 500',
    );
    expect(
      (await deliver(listener.address.port, reply, { from: 'ada@customer.example', to: [replyTo] })).response,
    ).toContain(`ticket ${ticketId}`);
    const messages = await ticketMessages(store, ticketId);
    expect(messages.map((m) => [m.direction, m.body])).toEqual([
      ['inbound', expect.stringContaining('since this morning') as unknown],
      ['outbound', 'Your endpoint answers 500; see https://waooaw.example/docs/webhooks.'],
      ['inbound', 'Fixed our endpoint, thanks.'],
    ]);
    expect(await findTicket(store, ticketId)).toMatchObject({ status: 'open' });
    expect(await isRecipientVerified(store, ticketId)).toBe(true);
  });
});
