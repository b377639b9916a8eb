import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail as the SMTP sink received it. */
export interface SunkMail {
  to: string;
  subject: string;
  text: string;
}

/** An SMTP server on loopback that keeps every mail: the inbox of the accounts' tests. */
export interface SmtpSink {
  url: string;
  readonly mails: SunkMail[];
  /** The next mail to `to` not taken yet, waiting for it (mail is sent in the background). */
  next(to: string): Promise<SunkMail>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: SunkMail[] = [];
  const taken = new Set<SunkMail>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
          mails.push({ to: to?.value[0]?.address ?? '', subject: parsed.subject ?? '', text: parsed.text ?? '' });
          callback();
        })
        .catch((err: unknown) => callback(err as Error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async next(to) {
      for (let i = 0; i < 500; i++) {
        const mail = mails.find((m) => !taken.has(m) && m.to.toLowerCase() === to.toLowerCase());
        if (mail !== undefined) {
          taken.add(mail);
          return mail;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no mail to ${to} arrived; got: ${mails.map((m) => `${m.to} "${m.subject}"`).join(', ')}`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A browser over `inject`: it keeps the cookies the server sets and posts each form with
 * the CSRF token of the last page it read, as a person's browser does.
 */
export class InjectBrowser {
  readonly cookies = new Map<string, string>();
  csrf = '';
  private readonly server: FastifyInstance;
  private readonly headers: Record<string, string>;
  constructor(server: FastifyInstance, headers: Record<string, string> = {}) {
    this.server = server;
    this.headers = headers;
  }

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies) {
      // Cleared (expires at the epoch); a test's pinned clock makes other expiry dates no guide.
      const expired = c.expires !== undefined && new Date(c.expires).getTime() < 86_400_000;
      if (c.value === '' || expired || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token !== undefined) this.csrf = token;
    return res;
  }

  private cookieHeader(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.server.inject({ method: 'GET', url, headers: { ...this.headers, ...this.cookieHeader() } }),
    );
  }

  /** Posts a form; `_csrf` is the last page's unless `fields` gives one (or `null`: none at all). */
  async post(
    url: string,
    fields: Record<string, string>,
    csrf: string | null = this.csrf,
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams(csrf === null ? fields : { _csrf: csrf, ...fields });
    return this.keep(
      await this.server.inject({
        method: 'POST',
        url,
        headers: { ...this.headers, ...this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      }),
    );
  }
}
