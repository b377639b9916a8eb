import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Store } from '../../agents/runtime/src/index.ts';
import { submitWebForm } from '../../agents/wowsupport/src/index.ts';
import { renderConfirmation, renderFailure, renderSupportForm } from './support-form-page.ts';

export interface SupportFormOptions {
  store: Store;
}

/**
 * The support web form: `GET /support` shows it, `POST /support` (a plain form post, no
 * script needed) opens a ticket on the web channel and shows its reference, or shows the
 * form again with each field's problem and what was typed.
 */
export const supportForm: FastifyPluginAsync<SupportFormOptions> = async (app, opts) => {
  // Only inside this plugin: the rest of the server takes no form posts.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.get('/support', async (_req, reply) => sendPage(reply, 200, renderSupportForm({ values: {}, errors: [], submission: randomUUID() })));

  app.post('/support', async (req, reply) => {
    const fields = formFields(req.body);
    const outcome = await submitWebForm(opts.store, fields);
    if (outcome.ok) return sendPage(reply, 201, renderConfirmation(outcome.ticket));
    // The same submission id again: fixing the errors and sending still makes one ticket.
    return sendPage(reply, 422, renderSupportForm({ values: fields, errors: outcome.errors, submission: fields.submission ?? randomUUID() }));
  });

  app.setErrorHandler((err, req, reply) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) req.log.error({ err }, 'support form request failed');
    return sendPage(reply, status, renderFailure(status));
  });
};

function formFields(body: unknown): Record<string, string | undefined> {
  if (body === null || typeof body !== 'object') return {};
  return Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function sendPage(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply.code(status)
    .header('Content-Type', 'text/html; charset=utf-8')
    // No script, no outside resource, posts only here, never framed (clickjacking).
    .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('Cache-Control', 'no-store')
    .send(page);
}
