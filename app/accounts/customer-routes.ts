import type { FastifyRequest } from 'fastify';
import { isWowError } from '#platform';
import {
  createSession,
  endSession,
  logIn,
  loginAccountKey,
  requestPasswordReset,
  resetPassword,
  signUp,
  verifyEmail,
  type AccountMail,
  type User,
} from '#domains/commerce';
import { createError } from '../errors.ts';
import { currentUser, linkOptions, mailer, seeOther, sendPage, type AccountsContext } from './accounts-context.ts';
import {
  renderForgotPassword,
  renderLogIn,
  renderMailSent,
  renderNewPassword,
  renderSignUp,
  renderVerifyEmail,
} from './customer-pages.ts';
import type { FieldProblem } from './account-layout.ts';
import { fieldProblems, formFields, localPath } from './form-fields.ts';

const tokenOf = (req: FastifyRequest): string => {
  const token = (req.query as { token?: unknown }).token;
  return typeof token === 'string' ? token.slice(0, 200) : '';
};

/**
 * The customer's account pages: sign up (`/signup`), verify the address (`/verify-email`),
 * sign in and out (`/login`, `/logout`), reset the password (`/reset-password`,
 * `/reset-password/new`). Every POST carries a CSRF token and answers 303, or the form
 * again with each field's problem.
 */
export function customerRoutes(ctx: AccountsContext): void {
  const { app, store, settings, cookies } = ctx;
  const csrf = { preHandler: app.csrfProtection.bind(app) };

  // Sign-in attempts are counted per client address (each one) and per account (each failure).
  const window = settings.login.windowSeconds * 1000;
  const perIp = app.createRateLimit({
    max: settings.login.perIp,
    timeWindow: window,
    keyGenerator: (req) => `login-ip:${req.ip}`,
  });
  const perAccount = app.createRateLimit({
    max: settings.login.perAccount,
    timeWindow: window,
    keyGenerator: (req) => `login-account:${loginAccountKey(req.body) ?? ''}`,
  });
  // Mail sent on a stranger's word (sign-up, reset): a few per client address, so the forms cannot bomb an inbox.
  const mailPerIp = app.createRateLimit({
    max: settings.mailPerIp,
    timeWindow: window,
    keyGenerator: (req) => `mail-ip:${req.ip}`,
  });
  const refuseOver = async (check: ReturnType<typeof app.createRateLimit>, req: FastifyRequest, increment = true) => {
    const limit = await check(req, { increment });
    // Counting this attempt, past the limit; only looking, at it already (failures counted later).
    if (!limit.isAllowed && (increment ? limit.isExceeded : limit.remaining <= 0)) {
      const retryAfterSeconds = Math.max(1, limit.ttlInSeconds);
      throw createError('WOW_ERR_TOO_MANY_ATTEMPTS', { retryAfterSeconds }, { data: { retryAfterSeconds } });
    }
  };

  /** A new session for the user in a new cookie; the browser's old session, if any, ends (rotation on sign-in). */
  const signIn = async (req: FastifyRequest, reply: Parameters<typeof seeOther>[0], user: User) => {
    const old = cookies.readSession(req);
    if (old !== undefined) await endSession(store, old);
    const session = await createSession(
      store,
      { userId: user.id },
      { now: ctx.clock(), ttlSeconds: settings.sessionSeconds },
    );
    cookies.setSession(reply, session.secret, session.expiresAt);
  };

  app.get('/signup', async (_req, reply) =>
    sendPage(reply, 200, renderSignUp({ values: {}, errors: [], csrf: reply.generateCsrf() })),
  );

  app.post('/signup', csrf, async (req, reply) => {
    const fields = formFields(req.body);
    const send = mailer(ctx, 'verify new accounts');
    try {
      await refuseOver(mailPerIp, req);
      send((await signUp(store, fields, linkOptions(ctx, settings.verifySeconds))).mail);
    } catch (err) {
      const errors = fieldProblems(err);
      if (errors === undefined) throw err;
      return sendPage(reply, 422, renderSignUp({ values: fields, errors, csrf: reply.generateCsrf() }));
    }
    return seeOther(reply, '/signup/sent');
  });

  app.get('/signup/sent', async (_req, reply) => sendPage(reply, 200, renderMailSent('signup')));

  app.get('/verify-email', async (req, reply) =>
    sendPage(reply, 200, renderVerifyEmail({ token: tokenOf(req), csrf: reply.generateCsrf() })),
  );

  app.post('/verify-email', csrf, async (req, reply) => {
    const user = await verifyEmail(store, formFields(req.body).token ?? '', ctx.clock());
    await signIn(req, reply, user);
    return seeOther(reply, '/account?notice=verified');
  });

  app.get('/login', async (req, reply) => {
    const query = req.query as { next?: unknown; notice?: unknown };
    if ((await currentUser(ctx, req)) !== undefined) return seeOther(reply, '/account');
    return sendPage(
      reply,
      200,
      renderLogIn({
        values: {},
        errors: [],
        csrf: reply.generateCsrf(),
        next: localPath(typeof query.next === 'string' ? query.next : undefined),
        notice:
          query.notice === 'signed-out'
            ? 'You are signed out.'
            : query.notice === 'reset'
              ? 'Your password was changed.'
              : undefined,
      }),
    );
  });

  app.post('/login', csrf, async (req, reply) => {
    const fields = formFields(req.body);
    const next = localPath(fields.next);
    const again = (status: number, problem: string | undefined, errors: FieldProblem[] = []) =>
      sendPage(
        reply,
        status,
        renderLogIn({
          values: { email: fields.email },
          errors,
          problem,
          csrf: reply.generateCsrf(),
          next,
          notice: undefined,
        }),
      );
    await refuseOver(perIp, req);
    await refuseOver(perAccount, req, false);
    let user: User;
    try {
      user = await logIn(store, fields, linkOptions(ctx, settings.verifySeconds));
    } catch (err) {
      if (isWowError(err, 'WOW_ERR_LOGIN_FAILED')) {
        await perAccount(req);
        return again(401, err.message);
      }
      if (isWowError(err, 'WOW_ERR_EMAIL_UNVERIFIED')) {
        const mail = err.data?.mail as AccountMail | undefined;
        if (mail !== undefined) ctx.sendMail?.(mail);
        return again(403, err.message);
      }
      const errors = fieldProblems(err);
      if (errors === undefined) throw err;
      return again(422, undefined, errors);
    }
    await signIn(req, reply, user);
    return seeOther(reply, next ?? '/account');
  });

  app.post('/logout', csrf, async (req, reply) => {
    const secret = cookies.readSession(req);
    if (secret !== undefined) await endSession(store, secret);
    cookies.clearSession(reply);
    return seeOther(reply, '/login?notice=signed-out');
  });

  app.get('/reset-password', async (_req, reply) =>
    sendPage(reply, 200, renderForgotPassword({ values: {}, errors: [], csrf: reply.generateCsrf() })),
  );

  app.post('/reset-password', csrf, async (req, reply) => {
    const fields = formFields(req.body);
    const send = mailer(ctx, 'send password reset links');
    try {
      await refuseOver(mailPerIp, req);
      const { mail } = await requestPasswordReset(store, fields, linkOptions(ctx, settings.resetSeconds));
      if (mail !== undefined) send(mail);
    } catch (err) {
      const errors = fieldProblems(err);
      if (errors === undefined) throw err;
      return sendPage(reply, 422, renderForgotPassword({ values: fields, errors, csrf: reply.generateCsrf() }));
    }
    return seeOther(reply, '/reset-password/sent');
  });

  app.get('/reset-password/sent', async (_req, reply) => sendPage(reply, 200, renderMailSent('reset')));

  app.get('/reset-password/new', async (req, reply) =>
    sendPage(
      reply,
      200,
      renderNewPassword({ values: {}, errors: [], token: tokenOf(req), csrf: reply.generateCsrf() }),
    ),
  );

  app.post('/reset-password/new', csrf, async (req, reply) => {
    const fields = formFields(req.body);
    let user: User;
    try {
      user = await resetPassword(store, fields, ctx.clock());
    } catch (err) {
      const errors = fieldProblems(err);
      if (errors === undefined) throw err;
      return sendPage(
        reply,
        422,
        renderNewPassword({
          values: {},
          errors,
          token: (fields.token ?? '').slice(0, 200),
          csrf: reply.generateCsrf(),
        }),
      );
    }
    // Every session of the account ended with the reset; this browser gets a new one.
    await signIn(req, reply, user);
    return seeOther(reply, '/account?notice=password');
  });
}
