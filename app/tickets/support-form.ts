import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { isWowError, type Store } from '#platform';
import { signSubmission, submitWebForm, type SupportSettings } from '#domains/support';
import { readFormBody } from './read-form-body.ts';
import { renderConfirmation, renderFailure, renderRateLimited, renderSupportForm } from './support-form-page.ts';

export interface SupportFormOptions {
  store: Store;
  /** The desk's SUPPORT_FORM_* settings: the limits per client and per email address, the submission key. */
  settings: SupportSettings['form'];
  /** The rate limit's hour windows are read from it; tests pin it. */
  clock: () => Date;
}

/**
 * The support web form: `GET /support` shows it, `POST /support` (a plain form post, no
 * script needed) opens a ticket on the web channel and shows its reference, shows the
 * form again with each field's problem and what was typed, or, past the form's rate
 * limit, says when to try again (429).
 */
export const supportForm: FastifyPluginAsync<SupportFormOptions> = async (app, opts) => {
  // Without SUPPORT_FORM_KEY, one of this process's own: its forms are posted back to it.
  const settings = { ...opts.settings, key: opts.settings.key ?? randomBytes(32) };

  // Only inside this plugin: the rest of the server takes no form posts.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: 64 * 1024 },
    (_req, body, done) => {
      try {
        done(null, readFormBody(body as Buffer));
      } catch (err) {
        done(err as Error);
      }
    },
  );

  app.get('/support', async (_req, reply) =>
    sendPage(reply, 200, renderSupportForm({ values: {}, errors: [], submission: signSubmission(settings.key) })),
  );

  app.post('/support', async (req, reply) => {
    const fields = formFields(req.body);
    const outcome = await submitWebForm(opts.store, settings, { fields, clientAddress: req.ip, now: opts.clock() });
    if (outcome.ok) return sendPage(reply, 201, renderConfirmation(outcome.ticket));
    return sendPage(
      reply,
      422,
      renderSupportForm({ values: fields, errors: outcome.errors, submission: outcome.submission }),
    );
  });

  app.setErrorHandler((err, req, reply) => {
    if (isWowError(err, 'WOW_ERR_FORM_RATE_LIMITED')) {
      const retryAfterSeconds = Number(err.data?.retryAfterSeconds ?? 3600);
      const retryAt = err.data?.retryAt;
      void reply.header('Retry-After', String(retryAfterSeconds));
      return sendPage(
        reply,
        429,
        renderRateLimited(new Date(typeof retryAt === 'string' ? retryAt : Number.NaN), retryAfterSeconds),
      );
    }
    // A WowError carries its status; Fastify's own refusals (413, 415) their statusCode.
    const status = isWowError(err) ? err.status : ((err as { statusCode?: number }).statusCode ?? 500);
    if (status >= 500) req.log.error({ err, requestId: req.id }, 'support form request failed');
    return sendPage(reply, status, renderFailure(status, req.id));
  });
};

function formFields(body: unknown): Record<string, string | undefined> {
  if (body === null || typeof body !== 'object') return {};
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function sendPage(reply: FastifyReply, status: number, page: string): FastifyReply {
  return (
    reply
      .code(status)
      .header('Content-Type', 'text/html; charset=utf-8')
      // No script, no outside resource, posts only here, never framed (clickjacking).
      .header(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      )
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer')
      .header('Cache-Control', 'no-store')
      .send(page)
  );
}
