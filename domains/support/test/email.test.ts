import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createStore, isWowError, migrate, type Store } from '#platform';
import { findByChannelId, findTicket, recordDeskMessage, ticketMessages } from '../src/desk/tickets.ts';
import { messageAttachments } from '../src/email/message-attachments.ts';
import { parseInboundMail } from '../src/email/parse-inbound-mail.ts';
import { receiveEmail } from '../src/email/receive-email.ts';
import {
  createReplyToken,
  pruneReplyTokens,
  replyAddress,
  ticketsOfReplyAddresses,
} from '../src/email/reply-address.ts';
import { stripQuotedReply } from '../src/desk/strip-quoted-reply.ts';
import { closeAndDropSchema, testDatabaseUrl, uniqueName } from '../../../test/support/servers.ts';
import { mailText, replyAddressOf } from '#domains/support/testing';

const log = createLogger('silent');
const fixture = (name: string) => readFile(new URL(`../../../test/fixtures/support/mail/${name}.eml`, import.meta.url));
const ids = {
  plain: '<plain-1.20261201091402@customer.example>',
  reply: '<reply-2.20261201114019@customer.example>',
  html: '<CAHtml.0001.grace@mail.navy.example>',
  alternative: '<20261202073000.alt.1@kernel.example>',
  latin1: '<latin1.0042@kunde.example>',
};
const attached = [
  {
    filename: 'invoice-2026-11.pdf',
    contentType: 'application/pdf',
    size: 102,
    sha256: '8a5401ccc8eb25de01f15dd3fcd3d7905416420012fc3e304245dfefe185482f',
  },
  {
    filename: 'errors.csv',
    contentType: 'text/csv',
    size: 63,
    sha256: 'e86e2f50d7f239f0d10f046c00fd982a51fa83821395c22bc3e2364b415bc0fa',
  },
];

describe("reading a customer's mail", () => {
  it('reads a plain mail: its ids, sender, subject and text', async () => {
    const mail = await parseInboundMail(await fixture('plain'));
    expect(mail).toMatchObject({
      messageId: ids.plain,
      from: { address: 'ada@customer.example', name: 'Ada Lovelace' },
      subject: 'Webhook deliveries fail with 500',
      recipients: ['support@waooaw.example'],
      attachments: [],
      autoReply: false,
      autoReplyReason: null,
    });
    expect(mail.text).toMatch(/^Hello,\n\nsince this morning every webhook delivery/);
    // A signature is the customer's own text, not a quote: it stays.
    expect(mail.text).toContain('Platform team, Customer Example Ltd.');
  });

  it('turns an HTML-only mail into text, links and lists kept readable', async () => {
    const mail = await parseInboundMail(await fixture('html-only'));
    expect(mail.from).toEqual({ address: 'grace@navy.example', name: 'Grace Hopper' });
    expect(mail.text).toMatch(
      /I think my API key leaked in a CI log\. How do I reset it\s+\[https:\/\/waooaw\.example\/docs\/keys\]\?/,
    );
    expect(mail.text).toContain('* Key prefix: wow_sk_3f9a');
    expect(mail.text).not.toMatch(/<\/?(p|b|ul|li|style)\b|margin/);
  });

  it('takes the plain part of multipart/alternative and keeps attachments as metadata only', async () => {
    const mail = await parseInboundMail(await fixture('alternative-attachment'));
    expect(mail.text).toBe(
      'The November invoice charges us twice for the same seat. The invoice and\nour error log are attached.',
    );
    expect(mail.attachments).toEqual(attached);
    expect(JSON.stringify(mail)).not.toContain('JVBERi0');
  });

  it('reads a reply: its recipients (envelope, To, Cc; once each) and the new text without the quoted mail', async () => {
    const mail = await parseInboundMail(await fixture('reply'), {
      envelopeTo: ['support+t-0123@waooaw.example', 'support@waooaw.example'],
    });
    expect(mail).toMatchObject({
      messageId: ids.reply,
      recipients: ['support+t-0123@waooaw.example', 'support@waooaw.example'],
      subject: 'Re: Webhook deliveries fail with 500',
    });
    expect(
      (await parseInboundMail(mailText({ To: 'Desk <Support@WAOOAW.example>, b@x.example', Cc: 'Team: c@x.example;' })))
        .recipients,
    ).toEqual(['support@waooaw.example', 'b@x.example', 'c@x.example']);
    expect(mail.text).toBe('One more detail: it started right after we rotated our TLS certificate.');
  });

  it('decodes a mail in ISO-8859-1, quoted-printable, headers and body', async () => {
    const mail = await parseInboundMail(await fixture('latin1'));
    expect(mail.from).toEqual({ address: 'juergen@kunde.example', name: 'Jürgen Müller' });
    expect(mail.subject).toBe('Rechnung für November fehlt');
    expect(mail.text).toContain(
      'die Rechnung für November ist in unserem Konto nicht zu finden. Können Sie sie bitte erneut senden?',
    );
    expect(mail.text).toContain('Mit freundlichen Grüßen\nJürgen Müller, Café Schön');
  });

  it("knows automatic mail by its headers and return path, and a person's by Auto-Submitted: no", async () => {
    expect(await parseInboundMail(await fixture('auto-reply'))).toMatchObject({
      autoReply: true,
      autoReplyReason: 'Auto-Submitted: auto-replied',
    });
    const reason = async (headers: Record<string, string>, envelopeFrom?: string) =>
      (await parseInboundMail(mailText(headers), { envelopeFrom })).autoReplyReason;
    expect(await reason({ 'Auto-Submitted': 'auto-generated' })).toBe('Auto-Submitted: auto-generated');
    expect(await reason({ 'Auto-Submitted': 'auto-notified; owner-email="a@b.example"' })).toMatch(
      /^Auto-Submitted: auto-notified/,
    );
    expect(await reason({ Precedence: 'bulk' })).toBe('Precedence: bulk');
    expect(await reason({ Precedence: 'junk' })).toBe('Precedence: junk');
    expect(await reason({ Precedence: 'auto_reply' })).toBe('Precedence: auto_reply');
    expect(await reason({ 'X-Autoreply': 'yes' })).toBe('X-Autoreply header');
    expect(await reason({ 'X-Autorespond': 'Out of office' })).toBe('X-Autorespond header');
    expect(await reason({ 'Return-Path': '<>' })).toMatch(/null return path/);
    expect(await reason({ 'Return-Path': '<MAILER-DAEMON@mx.customer.example>' })).toMatch(/bounce/);
    expect(await reason({ From: 'Mail Delivery System <MAILER-DAEMON@mx.customer.example>' })).toMatch(/bounce/);
    // The envelope's null sender wins over a Return-Path header a relay left behind.
    expect(await reason({ 'Return-Path': '<ada@customer.example>' }, '')).toMatch(/null return path/);
    expect(await reason({ 'Auto-Submitted': 'no', Precedence: 'first-class' }, 'ada@customer.example')).toBeNull();
  });

  it('refuses mail without a sender address with WOW_ERR_EMAIL_INVALID, saying what is missing', async () => {
    for (const [raw, why] of [
      ['', 'it has no From header'],
      ['just some text, no headers\r\n', 'it has no From header'],
      [mailText({ From: 'bob' }), 'its From header "bob" holds no email address'],
    ] as const) {
      const err: unknown = await parseInboundMail(raw).catch((e: unknown) => e);
      expect(isWowError(err, 'WOW_ERR_EMAIL_INVALID')).toBe(true);
      expect((err as Error).message).toContain(why);
    }
  });

  it('gives a mail without a Message-ID one derived from its content, the same for a redelivery', async () => {
    const raw = mailText({ 'Message-ID': '' });
    const first = await parseInboundMail(raw);
    expect(first.messageId).toMatch(/^<[0-9a-f]{32}@no-message-id\.waooaw\.invalid>$/);
    expect(
      (await parseInboundMail(`Received: by relay2.example; Tue, 01 Dec 2026 09:01:00 +0000\r\n${raw}`)).messageId,
    ).toBe(first.messageId);
  });
});

describe('stripping the quoted mail below a reply', () => {
  it('cuts at the reply header of Gmail, Outlook and older clients, wrapped or not', () => {
    expect(
      stripQuotedReply(
        'Thanks, that fixed it.\n\nOn Tue, 1 Dec 2026 at 09:14, Ada Lovelace\n<ada@customer.example> wrote:\n> It broke.',
      ),
    ).toBe('Thanks, that fixed it.');
    expect(
      stripQuotedReply('Still broken.\r\n\r\n-----Original Message-----\r\nFrom: Support\r\nIt should work now.'),
    ).toBe('Still broken.');
    expect(
      stripQuotedReply(
        'See the log.\n\n________________________________\n' +
          'From: WAOOAW Support <support@waooaw.example>\nSent: Tuesday, December 1, 2026 10:00\nSubject: Re: Help',
      ),
    ).toBe('See the log.');
    expect(
      stripQuotedReply(
        'See the log.\n\nFrom: WAOOAW Support <support@waooaw.example>\nSent: Tuesday, December 1, 2026 10:00\nTo: Ada',
      ),
    ).toBe('See the log.');
    expect(
      stripQuotedReply('Danke!\n\nAm 01.12.2026 um 09:14 schrieb Support <support@waooaw.example>:\n> Bitte'),
    ).toBe('Danke!');
    expect(stripQuotedReply('Yes.\n\n> Did it work?\n> Tell us.\n')).toBe('Yes.');
  });

  it('keeps answers written between quotes, and a mail that is only a quote', () => {
    const inline = '> Which region?\nEU.\n> Which plan?\nTeam.';
    expect(stripQuotedReply(inline)).toBe(inline);
    expect(stripQuotedReply('> only a forward\n> of the old mail')).toBe('> only a forward\n> of the old mail');
    expect(stripQuotedReply('On Monday the webhook wrote: nothing.\nIt is still empty.')).toBe(
      'On Monday the webhook wrote: nothing.\nIt is still empty.',
    );
  });
});

const backends = [
  {
    name: 'PostgreSQL',
    open: async () =>
      createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 4, schema: uniqueName('email'), log }),
  },
  { name: 'embedded PGlite', open: async (dir: string) => createStore({ dataDir: dir, poolMax: 1, log }) },
];

describe.each(backends)('receiving email on $name', (backend) => {
  let store: Store;
  let dir: string;
  let firstTicket = '';
  const count = async (table: string) =>
    Number((await store.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]?.n);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wow-email-'));
    store = await backend.open(dir);
    await migrate(store, { log });
  });
  afterAll(async () => {
    await closeAndDropSchema(store);
    await rm(dir, { recursive: true, force: true });
  });

  it('opens an email ticket for a new mail, its Message-ID on the first message', async () => {
    const outcome = await receiveEmail(store, await parseInboundMail(await fixture('plain')));
    expect(outcome).toMatchObject({ did: 'opened' });
    if (outcome.did !== 'opened') return;
    firstTicket = outcome.ticketId;
    expect(await findTicket(store, outcome.ticketId)).toMatchObject({
      subject: 'Webhook deliveries fail with 500',
      channel: 'email',
      status: 'new',
      requester: { email: 'ada@customer.example', name: 'Ada Lovelace' },
    });
    const [message] = await ticketMessages(store, outcome.ticketId);
    expect(message).toMatchObject({
      id: outcome.messageId,
      direction: 'inbound',
      channel: 'email',
      channelMsgId: ids.plain,
    });
    const events = (
      await store.query<{ type: string; subject: string }>(
        `select event->>'type' as type, event->>'subject' as subject from outbox order by id`,
      )
    ).rows;
    expect(events).toEqual([{ type: 'support.ticket.opened', subject: outcome.ticketId }]);
  });

  it("threads a reply sent to the ticket's reply address onto it, without the quoted mail", async () => {
    const outcome = await receiveEmail(
      store,
      await parseInboundMail(await fixture('reply'), { envelopeTo: [await replyAddressOf(store, firstTicket)] }),
    );
    expect(outcome).toMatchObject({ did: 'threaded', ticketId: firstTicket, repliedTo: firstTicket, followUp: false });
    const messages = await ticketMessages(store, firstTicket);
    expect(messages.map((m) => [m.channelMsgId, m.author.id])).toEqual([
      [ids.plain, 'ada@customer.example'],
      [ids.reply, 'ada@customer.example'],
    ]);
    expect(messages[1]?.body).toBe('One more detail: it started right after we rotated our TLS certificate.');
  });

  it('creates nothing twice when a mail is delivered again, even twice at once', async () => {
    const before = [await count('support_tickets'), await count('support_messages'), await count('outbox')];
    expect(await receiveEmail(store, await parseInboundMail(await fixture('plain')))).toMatchObject({
      did: 'duplicate',
      ticketId: firstTicket,
    });
    expect(await receiveEmail(store, await parseInboundMail(await fixture('reply')))).toMatchObject({
      did: 'duplicate',
      ticketId: firstTicket,
    });
    expect([await count('support_tickets'), await count('support_messages'), await count('outbox')]).toEqual(before);
    const latin1 = await parseInboundMail(await fixture('latin1'));
    const both = await Promise.all([receiveEmail(store, latin1), receiveEmail(store, latin1)]);
    expect(both.map((o) => o.did).sort()).toEqual(['duplicate', 'opened']);
    expect(await count('support_tickets')).toBe((before[0] ?? 0) + 1);
  });

  it("ignores an auto-reply, and mail from the desk's own address, storing nothing", async () => {
    const before = await count('support_messages');
    expect(await receiveEmail(store, await parseInboundMail(await fixture('auto-reply')))).toEqual({
      did: 'ignored',
      why: 'an automatic mail (Auto-Submitted: auto-replied), never answered',
    });
    const own = await parseInboundMail(mailText({ From: 'WAOOAW Support <Support@waooaw.example>' }));
    expect(await receiveEmail(store, own, { deskAddress: 'support@waooaw.example' })).toMatchObject({
      did: 'ignored',
      why: expect.stringContaining('own address') as unknown,
    });
    expect(await count('support_messages')).toBe(before);
  });

  it("keeps the attachments' metadata on the message", async () => {
    const outcome = await receiveEmail(store, await parseInboundMail(await fixture('alternative-attachment')));
    expect(outcome).toMatchObject({ did: 'opened' });
    if (outcome.did !== 'opened') return;
    expect(await messageAttachments(store, outcome.messageId)).toEqual(attached);
    expect(await messageAttachments(store, (await ticketMessages(store, firstTicket))[0]?.id ?? '')).toEqual([]);
  });

  it('threads by a reply address in To or Cc too, never by In-Reply-To or References, and only for a participant', async () => {
    const html = await receiveEmail(store, await parseInboundMail(await fixture('html-only')));
    const graceTicket = html.did === 'opened' ? html.ticketId : '';
    const grace = 'Grace Hopper <grace@navy.example>';
    // Her own Message-ID in both headers, to the desk's plain address: a ticket of its own.
    const named = await receiveEmail(
      store,
      await parseInboundMail(mailText({ From: grace, 'In-Reply-To': ids.html, References: ids.html })),
    );
    expect(named).toMatchObject({ did: 'opened' });
    const address = await replyAddressOf(store, graceTicket);
    const cc = await receiveEmail(
      store,
      await parseInboundMail(mailText({ From: grace, Cc: `Support <${address.toUpperCase()}>`, Subject: 'Re: key' })),
    );
    expect(cc).toMatchObject({ did: 'threaded', ticketId: graceTicket });
    // Ada has the address (a forward) but no part in Grace's ticket; a token the desk never made names nothing.
    for (const to of [address, address.replace(/t-[0-9a-f]{4}/, 't-0000')])
      expect(await receiveEmail(store, await parseInboundMail(mailText({ To: to })))).toMatchObject({
        did: 'opened',
      });
  });

  it("finds a ticket by its reply address whatever the desk's own address holds (a +tag of its own, capitals)", async () => {
    const token = await createReplyToken(store, firstTicket);
    expect(await ticketsOfReplyAddresses(store, [replyAddress('Help+Desk@WAOOAW.example', token)])).toEqual([
      firstTicket,
    ]);
    expect(await ticketsOfReplyAddresses(store, [`help+t-${token}x@waooaw.example`, 'help@waooaw.example'])).toEqual(
      [],
    );
  });

  it('forgets the reply addresses of tickets solved or closed more than the days given, and only those', async () => {
    const opened = async (n: number) => {
      const o = await receiveEmail(
        store,
        await parseInboundMail(mailText({ 'Message-ID': `<forget-${n}@customer.example>`, Subject: `Forget ${n}` })),
      );
      if (o.did !== 'opened') throw new Error(o.did);
      return o.ticketId;
    };
    // Each ticket as the desk leaves it: solved or closed at a time, or reopened since.
    const ticket = async (n: number, status: string, solvedAt: string | null, closedAt: string | null) => {
      const id = await opened(n);
      await store.query('update support_tickets set status = $2, solved_at = $3, closed_at = $4 where id = $1', [
        id,
        status,
        solvedAt,
        closedAt,
      ]);
      const address = replyAddress('support@waooaw.example', await createReplyToken(store, id));
      return { id, address, named: () => ticketsOfReplyAddresses(store, [address]) };
    };
    const solvedLongAgo = await ticket(1, 'solved', '2024-03-01T00:00:00Z', null);
    const closedLongAgo = await ticket(2, 'closed', '2024-03-01T00:00:00Z', '2024-04-01T00:00:00Z');
    const closedLately = await ticket(3, 'closed', '2024-03-01T00:00:00Z', '2025-05-01T00:00:00Z');
    const reopened = await ticket(4, 'open', '2024-03-01T00:00:00Z', null);
    // A year before 2025-06-01: the first two were settled before it.
    expect(await pruneReplyTokens(store, new Date('2025-06-01T00:00:00Z'), 365)).toBe(2);
    expect(await solvedLongAgo.named()).toEqual([]);
    expect(await closedLongAgo.named()).toEqual([]);
    expect(await closedLately.named()).toEqual([closedLately.id]);
    expect(await reopened.named()).toEqual([reopened.id]);
    // Its requester's mail to a forgotten address is a new ticket of its own; to one kept, it
    // answers that ticket (closed: in a linked follow-up).
    const to = async (address: string) => receiveEmail(store, await parseInboundMail(mailText({ To: address })));
    expect(await to(solvedLongAgo.address)).toMatchObject({ did: 'opened' });
    expect(await to(closedLately.address)).toMatchObject({ did: 'threaded', repliedTo: closedLately.id });
  });

  it('opens a linked follow-up for a reply to a closed ticket', async () => {
    const closed = await receiveEmail(
      store,
      await parseInboundMail(mailText({ 'Message-ID': '<to-close@customer.example>', Subject: 'Billing' })),
    );
    if (closed.did !== 'opened') throw new Error(closed.did);
    const desk = {
      direction: 'outbound',
      author: { kind: 'human', id: 'octocat' },
      body: 'Refunded.',
      autoSubmitted: false,
    } as const;
    await store.transaction((tx) => recordDeskMessage(tx, closed.ticketId, { ...desk, action: 'solve' }));
    await store.transaction((tx) => recordDeskMessage(tx, closed.ticketId, { ...desk, action: 'close' }));
    const outcome = await receiveEmail(
      store,
      await parseInboundMail(
        mailText({ To: await replyAddressOf(store, closed.ticketId), Subject: 'Re: Billing' }, 'Charged again.'),
      ),
    );
    expect(outcome).toMatchObject({ did: 'threaded', repliedTo: closed.ticketId, followUp: true });
    if (outcome.did !== 'threaded') return;
    expect(outcome.ticketId).not.toBe(closed.ticketId);
    expect(await findTicket(store, outcome.ticketId)).toMatchObject({
      subject: 'Re: Billing',
      channel: 'email',
      followsTicketId: closed.ticketId,
      requester: { email: 'ada@customer.example' },
    });
    expect(await findByChannelId(store, 'email', '<to-close@customer.example>')).toMatchObject({
      ticketId: closed.ticketId,
    });
  });
});
