import type { FastifyInstance } from 'fastify';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpListener, type SmtpListener } from '../email/smtp-listener.ts';
import { createServer } from '../server/create-server.ts';
import {
  createBus,
  createLogger,
  createMetrics,
  loadConfig,
  readSharedSettings,
  type Bus,
  type Store,
} from '#platform';
import {
  createCustomer,
  findByChannelId,
  findTicket,
  issueApiKey,
  ticketMessages,
  supportSettings,
} from '#domains/support';
import { hostileJsonBodies, hostileTexts } from '../../test/fixtures/hostile/corpus.ts';
import { uniqueName } from '../../test/support/servers.ts';
import { storeBackends } from '../../test/support/test-stores.ts';

// The hostile-input corpus through the desk's three customer doors: the ticket API, the
// web form and mail. A one-line field (a subject, a name) refuses every character that
// hides or reorders text; a text field (a message) refuses control characters only, since
// zero-width joiners and direction marks are part of ordinary emoji, Persian, Arabic and
// Hebrew text. Mail is never refused for them: what would be refused is removed. The
// corpus's bodies go by mail too: only the size limit refuses one; bytes that are not the
// UTF-8 the mail says become U+FFFD, as any mail reader shows them.
const log = createLogger('silent');
const [postgres] = storeBackends('hostile_text', { poolMax: 4 });

/** Control characters other than tab, line feed and carriage return: refused in every field. */
const control = /[^\P{Cc}\t\n\r]/u;
/** What a one-line field refuses and a mail's subject loses. */
const hidden = /[\p{Cc}\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/gu;

describe("hostile text at the support desk's doors", () => {
  let store: Store;
  let close: () => Promise<void>;
  let bus: Bus;
  let server: FastifyInstance;
  let smtp: SmtpListener;
  let auth: { authorization: string };
  beforeAll(async () => {
    if (postgres === undefined) throw new Error('storeBackends lists PostgreSQL first');
    ({ store, close } = await postgres.open());
    bus = await createBus({
      streamMaxLen: 10_000,
      defaults: { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 },
      log,
    });
    server = await createServer({
      config: loadConfig({}),
      support: readSharedSettings(supportSettings, { SUPPORT_RATE_LIMIT_PER_MINUTE: '100000' }),
      bus,
      store,
      log,
      metrics: createMetrics({ defaultMetrics: false }),
    });
    smtp = await startSmtpListener({ host: '127.0.0.1', port: 0, store, log, deskAddress: 'support@waooaw.example' });
    const customer = await createCustomer(store, {
      slug: uniqueName('hostile').replace(/_/g, '-'),
      name: 'Hostile Inc',
    });
    auth = { authorization: `Bearer ${(await issueApiKey(store, customer.slug)).key}` };
  });
  afterAll(async () => {
    await smtp.close();
    await server.close();
    await bus.close();
    await close();
  });

  const tickets = async () =>
    (await store.query<{ n: number }>('select count(*)::int as n from support_tickets')).rows[0]?.n;
  /** Delivers a raw mail over SMTP; the listener's reply. */
  const mail = async (raw: Buffer): Promise<string> => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtp.address.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      return (
        await transport.sendMail({ envelope: { from: 'eve@customer.example', to: ['support@waooaw.example'] }, raw })
      ).response;
    } catch (err) {
      return (err as { response?: string }).response ?? String(err);
    } finally {
      transport.close();
    }
  };
  const expectHealthy = async () =>
    expect((await server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  const api = (url: string, payload: unknown) =>
    server.inject({
      method: 'POST',
      url,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  const form = (fields: Record<string, string>) =>
    server.inject({
      method: 'POST',
      url: '/support',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });

  describe.each(hostileTexts.map((t) => [t.name, t] as const))('%s', (_name, { text, legitimate }) => {
    it('through the ticket API: refused with 422 naming the field, or taken as sent; never a 5xx', async () => {
      const before = await tickets();
      const asSubject = await api('/api/tickets', { subject: text, body: 'Plain text.', requester: { name: text } });
      if (legitimate) expect(asSubject.statusCode).toBe(201);
      else {
        expect(asSubject.statusCode).toBe(422);
        const answer = asSubject.json<{ code: string; errors: { field: string; message: string }[] }>();
        expect(answer.code).toBe('WOW_ERR_SUPPORT_INPUT');
        expect(answer.errors.map((e) => e.field)).toEqual(['subject', 'requester.name']);
        expect(answer.errors[0]?.message).toMatch(/^contains U\+[0-9A-F]{4} \(.+\) at character \d+/);
        expect(await tickets()).toBe(before);
      }

      const asBody = await api('/api/tickets', { subject: 'Plain subject', body: text });
      if (control.test(text)) {
        expect(asBody.statusCode).toBe(422);
        expect(asBody.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['body']);
      } else {
        expect(asBody.statusCode).toBe(201);
        const read = await server.inject({
          method: 'GET',
          url: `/api/tickets/${asBody.json<{ id: string }>().id}`,
          headers: auth,
        });
        expect(read.json<{ messages: { body: string }[] }>().messages[0]?.body).toBe(text.trim());
      }

      const ticket = (await api('/api/tickets', { subject: 'For a reply', body: 'First.' })).json<{ id: string }>();
      const reply = await api(`/api/tickets/${ticket.id}/messages`, { body: text });
      expect(reply.statusCode).toBe(control.test(text) ? 422 : 201);
      await expectHealthy();
    });

    it("through the web form: the form again with the field's problem, or a ticket; never a 5xx", async () => {
      const before = await tickets();
      const res = await form({ email: 'eve@example.com', subject: text, message: text });
      const refused = [...(legitimate ? [] : ['subject']), ...(control.test(text) ? ['message'] : [])];
      if (refused.length === 0) expect(res.statusCode).toBe(201);
      else {
        expect(res.statusCode).toBe(422);
        for (const field of refused)
          expect(res.body).toMatch(new RegExp(`<a href="#${field}">contains U\\+[0-9A-F]{4} `));
        expect(await tickets()).toBe(before);
      }
      await expectHealthy();
    });

    it('by mail: taken (250) with what hides text removed from the subject and control characters from the text', async () => {
      const messageId = `<${uniqueName('hostile')}@customer.example>`;
      const word = (s: string) => `=?UTF-8?B?${Buffer.from(s).toString('base64')}?=`;
      const raw = [
        `From: ${word(`Eve ${text}`)} <eve@customer.example>`,
        'To: support@waooaw.example',
        `Subject: ${word(text)}`,
        `Message-ID: ${messageId}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from(`Before.\n${text}\nAfter.`).toString('base64'),
        '',
      ].join('\r\n');
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: smtp.address.port,
        secure: false,
        ignoreTLS: true,
      });
      const sent = await transport
        .sendMail({ envelope: { from: 'eve@customer.example', to: ['support@waooaw.example'] }, raw })
        .finally(() => transport.close());
      expect(sent.response).toMatch(/^250 /);
      const stored = await findByChannelId(store, 'email', messageId);
      const ticket = await findTicket(store, stored?.ticketId ?? '');
      expect(ticket?.subject).toBe(text.replace(hidden, '').trim() || '(no subject)');
      expect(ticket?.requester.name).toBe(`Eve ${text}`.replace(hidden, '').trim());
      const [message] = await ticketMessages(store, stored?.ticketId ?? '');
      expect(message?.body).toBe(`Before.\n${text}\nAfter.`.replace(new RegExp(control.source, 'gu'), ''));
    });
  });

  describe.each(hostileJsonBodies().map((b) => [b.name, b] as const))('a mail whose body is %s', (name, { body }) => {
    // Only the size limit refuses a mail for its body; anything else is text, taken (250).
    const tooLarge = body.length > 10 * 1024 * 1024;
    it(
      tooLarge
        ? 'is refused with 552 over the SMTP size limit, storing nothing; the listener takes the next mail'
        : 'is taken (250) as text, invalid UTF-8 as U+FFFD, and cut to what the API keeps; the listener takes the next mail',
      async () => {
        const before = await tickets();
        const messageId = `<${uniqueName('body')}@customer.example>`;
        const raw = Buffer.concat([
          Buffer.from(
            [
              'From: Eve <eve@customer.example>',
              'To: support@waooaw.example',
              `Subject: ${name}`,
              `Message-ID: ${messageId}`,
              'MIME-Version: 1.0',
              'Content-Type: text/plain; charset=utf-8',
              'Content-Transfer-Encoding: 8bit',
              '',
              '',
            ].join('\r\n'),
          ),
          body,
          Buffer.from('\r\n'),
        ]);
        const sent = await mail(raw);
        if (tooLarge) {
          expect(sent).toMatch(/^552 /);
          expect(await tickets()).toBe(before);
        } else {
          expect(sent).toMatch(/^250 OK: ticket /);
          const stored = await findByChannelId(store, 'email', messageId);
          const [message] = await ticketMessages(store, stored?.ticketId ?? '');
          const text = body.toString('utf8').trim();
          expect(message?.body).toEqual(
            text.length <= 50_000 ? text : expect.stringMatching(/\[The mail's text was cut here: the desk keeps/),
          );
        }
        expect(await mail(Buffer.from(`From: ada@customer.example\r\nSubject: next\r\n\r\nStill there?\r\n`))).toMatch(
          /^250 /,
        );
        await expectHealthy();
      },
    );
  });

  it("refuses a NUL in a rating's comment with 422 naming it", async () => {
    const ticket = (await api('/api/tickets', { subject: 'Rate', body: 'Me.' })).json<{ id: string }>();
    const res = await api(`/api/tickets/${ticket.id}/rating`, { rating: 'good', comment: 'fine\u0000' });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['comment']);
  });
});
