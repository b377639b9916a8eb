import { randomBytes } from 'node:crypto';
import { listAgents } from '#platform';
import {
  commerceErrors,
  createSession,
  endSession,
  newCodeVerifier,
  operatorAuthorizeUrl,
  signInOperator,
} from '#domains/commerce';
import { currentOperator, seeOther, sendPage, type AccountsContext } from './accounts-context.ts';
import { renderOperatorAgents, renderOperatorSignIn } from './operator-pages.ts';

/**
 * Operators: `GET /ops/sign-in` offers "Sign in with GitHub", `/auth/github` sends the
 * browser to GitHub with a fresh state (and PKCE verifier) kept in a short-lived cookie,
 * `/auth/github/callback` checks them and the team, and `/ops` lists the registry's agents
 * for a signed-in operator only.
 */
export function operatorRoutes(ctx: AccountsContext, opts: { heartbeatTimeoutMs: number }): void {
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
    const agents = await listAgents(store, { heartbeatTimeoutMs: opts.heartbeatTimeoutMs });
    return sendPage(reply, 200, renderOperatorAgents({ login, agents, csrf: reply.generateCsrf() }));
  });

  app.post('/ops/sign-out', { preHandler: app.csrfProtection.bind(app) }, async (req, reply) => {
    const secret = cookies.readSession(req);
    if (secret !== undefined) await endSession(store, secret);
    cookies.clearSession(reply);
    return seeOther(reply, '/ops/sign-in');
  });
}
