import { randomBytes } from 'node:crypto';
import {
  commerceErrors,
  createSession,
  endSession,
  newCodeVerifier,
  operatorAuthorizeUrl,
  signInOperator,
} from '#domains/commerce';
import { currentOperator, seeOther, sendPage, type AccountsContext } from './accounts-context.ts';
import { errorSchema } from '../marketplace/catalog-json.ts';
import type { OpsFigures } from '../ops/ops-figures.ts';
import { opsFiguresSchema } from '../ops/ops-json.ts';
import { renderOpsDashboard } from '../ops/ops-page.ts';
import { renderOperatorSignIn } from './operator-pages.ts';

/**
 * Operators: `GET /ops/sign-in` offers "Sign in with GitHub", `/auth/github` sends the
 * browser to GitHub with a fresh state (and PKCE verifier) kept in a short-lived cookie,
 * `/auth/github/callback` checks them and the team, and `/ops` (the platform's dashboard) and
 * its JSON twin `/api/ops/figures` answer a signed-in operator only.
 */
export function operatorRoutes(ctx: AccountsContext, opts: { figures: (now: Date) => Promise<OpsFigures> }): void {
  const { app, store, settings, cookies } = ctx;
  const github = 'missing' in settings.operators ? undefined : settings.operators;
  const callbackUrl = `${ctx.publicUrl}/auth/github/callback`;

  app.get('/ops/sign-in', async (_req, reply) =>
    sendPage(
      reply,
      'missing' in settings.operators ? 503 : 200,
      renderOperatorSignIn({
        missing: 'missing' in settings.operators ? settings.operators.missing : undefined,
        problem: undefined,
      }),
    ),
  );

  app.get('/auth/github', async (_req, reply) => {
    if ('missing' in settings.operators)
      throw commerceErrors.createError('WOW_ERR_OPERATOR_SIGN_IN_OFF', {
        missing: settings.operators.missing.join(', '),
      });
    const github = settings.operators;
    const state = randomBytes(24).toString('base64url');
    const verifier = newCodeVerifier();
    void reply.setCookie(cookies.names.signIn, `${state}.${verifier}`, { ...cookies.options, maxAge: 600 });
    return reply.redirect(
      await operatorAuthorizeUrl(github, { state, codeVerifier: verifier, redirectUri: callbackUrl }),
      302,
    );
  });

  app.get('/auth/github/callback', async (req, reply) => {
    if (github === undefined) return seeOther(reply, '/ops/sign-in');
    const [state, verifier] = (req.cookies[cookies.names.signIn] ?? '').split('.');
    void reply.clearCookie(cookies.names.signIn, cookies.options);
    const url = new URL(req.url, 'http://callback.invalid');
    const { login } = await signInOperator(github, {
      callback: url.searchParams,
      expectedState: state,
      codeVerifier: verifier,
      redirectUri: callbackUrl,
      ...(ctx.githubFetch === undefined ? {} : { fetch: ctx.githubFetch }),
    });
    const old = cookies.readSession(req);
    if (old !== undefined) await endSession(store, old);
    const session = await createSession(
      store,
      { operatorLogin: login },
      { now: ctx.clock(), ttlSeconds: settings.operatorSessionSeconds },
    );
    cookies.setSession(reply, session.secret, session.expiresAt);
    return seeOther(reply, '/ops');
  });

  app.get('/ops', async (req, reply) => {
    const login = await currentOperator(ctx, req);
    if (login === undefined) return seeOther(reply, '/ops/sign-in');
    const figures = await opts.figures(ctx.clock());
    return sendPage(reply, 200, renderOpsDashboard({ login, figures, csrf: reply.generateCsrf() }));
  });

  app.get(
    '/api/ops/figures',
    {
      schema: {
        summary: "The operators' dashboard as JSON: agents, the four layers, trials, revenue and support by tier",
        tags: ['operators'],
        response: { 200: opsFiguresSchema, 401: errorSchema },
      },
    },
    async (req, reply) => {
      // Answered here, not by the door's error handler: that one sends pages, and this is an API.
      if ((await currentOperator(ctx, req)) === undefined) {
        const err = commerceErrors.createError('WOW_ERR_SESSION_REQUIRED', { who: 'operator' });
        return reply.code(401).header('Cache-Control', 'no-store').send({ code: err.code, message: err.message });
      }
      return reply.header('Cache-Control', 'no-store').send(await opts.figures(ctx.clock()));
    },
  );

  app.post('/ops/sign-out', { preHandler: app.csrfProtection.bind(app) }, async (req, reply) => {
    const secret = cookies.readSession(req);
    if (secret !== undefined) await endSession(store, secret);
    cookies.clearSession(reply);
    return seeOther(reply, '/ops/sign-in');
  });
}
