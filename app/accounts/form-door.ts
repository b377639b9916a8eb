import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isWowError, type Logger } from '#platform';
import { createError } from '../errors.ts';
import { readFormBody } from '../tickets/read-form-body.ts';
import type { AccountCookies } from './account-cookies.ts';
import { sendPage } from './accounts-context.ts';
import { renderProblem } from './problem-pages.ts';

/**
 * What every door with the accounts' forms sets up in its own scope (Fastify keeps a plugin's
 * parsers and hooks to its own routes): the cookies, the CSRF secret in its own cookie
 * (double submit, signed by @fastify/csrf — the same name everywhere, so a token from one
 * door's page is good at another's), and the bounded form parser.
 */
export async function useAccountForms(app: FastifyInstance, cookies: AccountCookies): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: cookies.names.csrf,
    cookieOpts: cookies.options,
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: 16 * 1024 },
    (_req, body, done) => {
      try {
        done(null, readFormBody(body as Buffer));
      } catch (err) {
        done(err as Error);
      }
    },
  );
}

/**
 * A job this server runs every `seconds` (0: never — tests run it themselves): a tick that
 * finds the last run still going is skipped, the timer never keeps the process alive, and a
 * run in progress is awaited when the server closes. A failed run is logged; the next tries again.
 */
export function runEvery(
  app: FastifyInstance,
  seconds: number,
  job: () => Promise<unknown>,
  failed: { log: Logger; message: string },
): void {
  if (seconds <= 0) return;
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= job()
      .catch((err: unknown) => failed.log.error({ err }, failed.message))
      .finally(() => (running = undefined));
  }, seconds * 1000);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}

function statusOf(err: unknown): number {
  return isWowError(err) ? err.status : ((err as { statusCode?: number }).statusCode ?? 500);
}

/** A JSON API's error as the customer APIs answer it: the code, a message saying what to fix, and whether to retry. */
export function sendApiProblem(err: unknown, req: FastifyRequest, reply: FastifyReply, what: string): FastifyReply {
  const status = statusOf(err);
  if (status >= 500) {
    req.log.error({ err, requestId: req.id }, `${what} request failed`);
    const internal = createError('WOW_ERR_INTERNAL', { requestId: req.id });
    return reply
      .code(status)
      .send({ code: internal.code, message: internal.message, requestId: req.id, retryable: true });
  }
  if (status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="waooaw"');
  const errors = isWowError(err) ? err.data?.errors : undefined;
  return reply.code(status).send({
    code: (err as { code?: string }).code ?? 'WOW_ERR_UNEXPECTED',
    message: err instanceof Error ? err.message : String(err),
    retryable: isWowError(err) ? err.retryable : false,
    ...(errors === undefined ? {} : { errors }),
  });
}

/**
 * A page's error as the accounts' doors show it: an expired form, a page asked for while
 * signed out (GET: sign in, then come back), the customer's own mistake with its message, and
 * anything else as our fault with a reference — never a stack or an internal message.
 */
export function sendPageProblem(
  err: unknown,
  req: FastifyRequest,
  reply: FastifyReply,
  back: { href: string; label: string },
  what: string,
): FastifyReply {
  const code = (err as { code?: string }).code;
  if (code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET')
    return sendPage(
      reply,
      403,
      renderProblem({
        title: 'The form has expired',
        text: 'The form was not sent from this site, or it was open too long (or cookies are off). Nothing was done. Go back, reload the page and send it again.',
        back,
      }),
    );
  if (isWowError(err, 'WOW_ERR_SESSION_REQUIRED'))
    return req.method === 'GET'
      ? reply
          .code(303)
          .header('Location', `/login?next=${encodeURIComponent(req.url)}`)
          .send()
      : sendPage(
          reply,
          401,
          renderProblem({ title: 'You are signed out', text: err.message, back: { href: '/login', label: 'Sign in' } }),
        );
  const status = statusOf(err);
  if (isWowError(err) && status < 500)
    return sendPage(
      reply,
      status,
      renderProblem({
        title: isWowError(err, 'WOW_ERR_LINK_INVALID') ? 'This link does not work' : 'That did not work',
        text: err.message,
        back,
      }),
    );
  if (status >= 500) req.log.error({ err, requestId: req.id }, `${what} request failed`);
  return sendPage(
    reply,
    status,
    renderProblem({
      title: status >= 500 ? 'Something went wrong' : 'The request could not be read',
      text:
        status >= 500
          ? `Something went wrong on our side and nothing was done. Try again; if it keeps failing, tell us the reference ${req.id}.`
          : 'The form could not be read. Go back and send it again.',
      back,
    }),
  );
}
