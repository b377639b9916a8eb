import type { FastifyReply, FastifyRequest } from 'fastify';
import { isWowError } from '#platform';
import {
  acceptInvitation,
  changeRole,
  getMembership,
  inviteMember,
  membersOf,
  organisationsOf,
  readInvitation,
  removeMember,
  requireOwner,
  type User,
} from '#domains/commerce';
import { chooseTaskNotices, getTaskNoticeChoice } from '#domains/customer';
import { getCustomer, setCustomerWebhook } from '#domains/support';
import type { FieldProblem } from './account-layout.ts';
import {
  currentUser,
  linkOptions,
  mailer,
  requireUser,
  seeOther,
  sendPage,
  type AccountsContext,
} from './accounts-context.ts';
import { fieldProblems, formFields } from './form-fields.ts';
import { renderAccount, renderInvitation, renderOrganisation, type NoticeSettingsView } from './organisation-pages.ts';

const accountNotices: Record<string, string> = {
  verified: 'Your email address is verified. Welcome.',
  password: 'Your password is changed, and every other device is signed out.',
  left: 'You left the organisation.',
};

/**
 * A signed-in customer's pages: `/account` (their organisations), `/orgs/:slug` (members,
 * roles, invitations and the webhook, for owners; each member's task notices), and the
 * invitation link (`/invitations/accept`).
 */
export function organisationRoutes(ctx: AccountsContext): void {
  const { app, store, settings } = ctx;
  const csrf = { preHandler: app.csrfProtection.bind(app) };

  app.get('/account', async (req, reply) => {
    const user = await requireUser(ctx, req);
    const notice = (req.query as { notice?: unknown }).notice;
    return sendPage(
      reply,
      200,
      renderAccount({
        user,
        organisations: await organisationsOf(store, user.id),
        csrf: reply.generateCsrf(),
        notice: typeof notice === 'string' ? accountNotices[notice] : undefined,
      }),
    );
  });

  /** The organisation's page, again with the invitation form's problems or an action's refusal. */
  const organisationPage = async (
    req: FastifyRequest<{ Params: { slug: string } }>,
    reply: FastifyReply,
    user: User,
    status: number,
    extra: {
      invite?: { values: Record<string, string | undefined>; errors: FieldProblem[] };
      problem?: string;
      notices?: Partial<NoticeSettingsView>;
    } = {},
  ) => {
    const organisation = await getMembership(store, req.params.slug, user.id);
    const webhookUrl = organisation.role === 'owner' ? (await getCustomer(store, organisation.slug)).webhookUrl : null;
    const notice = (req.query as { notice?: unknown }).notice;
    return sendPage(
      reply,
      status,
      renderOrganisation({
        user,
        organisation,
        members: await membersOf(store, organisation.id),
        csrf: reply.generateCsrf(),
        notice: status === 200 && typeof notice === 'string' ? notice : undefined,
        invite: extra.invite ?? { values: {}, errors: [] },
        problem: extra.problem,
        notices: {
          choice: await getTaskNoticeChoice(store, organisation.id, user.id),
          webhookUrl,
          webhookErrors: [],
          webhookValue: webhookUrl ?? '',
          ...extra.notices,
        },
      }),
    );
  };

  app.get<{ Params: { slug: string } }>('/orgs/:slug', async (req, reply) =>
    organisationPage(req, reply, await requireUser(ctx, req), 200),
  );

  app.post<{ Params: { slug: string } }>('/orgs/:slug/invitations', csrf, async (req, reply) => {
    const user = await requireUser(ctx, req);
    const fields = formFields(req.body);
    const send = mailer(ctx, 'send invitations');
    try {
      const { mail } = await inviteMember(
        store,
        { slug: req.params.slug, by: user.id, fields },
        linkOptions(ctx, settings.inviteSeconds),
      );
      send(mail);
    } catch (err) {
      const errors = fieldProblems(err);
      if (errors !== undefined) return organisationPage(req, reply, user, 422, { invite: { values: fields, errors } });
      if (isWowError(err, 'WOW_ERR_ALREADY_MEMBER'))
        return organisationPage(req, reply, user, 409, {
          invite: { values: fields, errors: [{ field: 'email', message: err.message }] },
        });
      throw err;
    }
    return seeOther(reply, `/orgs/${encodeURIComponent(req.params.slug)}?notice=invited`);
  });

  app.post<{ Params: { slug: string; userId: string } }>(
    '/orgs/:slug/members/:userId/role',
    csrf,
    async (req, reply) => {
      const user = await requireUser(ctx, req);
      const role = formFields(req.body).role;
      try {
        await changeRole(store, {
          slug: req.params.slug,
          by: user.id,
          userId: req.params.userId,
          role: role === 'owner' ? 'owner' : 'member',
        });
      } catch (err) {
        if (isWowError(err, 'WOW_ERR_LAST_OWNER') || isWowError(err, 'WOW_ERR_NOT_OWNER'))
          return organisationPage(req, reply, user, err.status, { problem: err.message });
        throw err;
      }
      return seeOther(reply, `/orgs/${encodeURIComponent(req.params.slug)}?notice=role`);
    },
  );

  app.post<{ Params: { slug: string; userId: string } }>(
    '/orgs/:slug/members/:userId/remove',
    csrf,
    async (req, reply) => {
      const user = await requireUser(ctx, req);
      try {
        await removeMember(store, { slug: req.params.slug, by: user.id, userId: req.params.userId });
      } catch (err) {
        if (isWowError(err, 'WOW_ERR_LAST_OWNER') || isWowError(err, 'WOW_ERR_NOT_OWNER'))
          return organisationPage(req, reply, user, err.status, { problem: err.message });
        throw err;
      }
      return req.params.userId === user.id
        ? seeOther(reply, '/account?notice=left')
        : seeOther(reply, `/orgs/${encodeURIComponent(req.params.slug)}?notice=removed`);
    },
  );

  app.post<{ Params: { slug: string } }>('/orgs/:slug/task-notices', csrf, async (req, reply) => {
    const user = await requireUser(ctx, req);
    const organisation = await getMembership(store, req.params.slug, user.id);
    try {
      await chooseTaskNotices(store, {
        organisationId: organisation.id,
        userId: user.id,
        choice: formFields(req.body).choice,
        now: ctx.clock(),
      });
    } catch (err) {
      if (isWowError(err, 'WOW_ERR_TASK_NOTICE_CHOICE'))
        return organisationPage(req, reply, user, err.status, { problem: err.message });
      throw err;
    }
    return seeOther(reply, `/orgs/${encodeURIComponent(req.params.slug)}?notice=notices`);
  });

  /** Sets the webhook and answers with its new secret on the page itself: no redirect carries it, no log keeps it. */
  app.post<{ Params: { slug: string } }>('/orgs/:slug/webhook', csrf, async (req, reply) => {
    const user = await requireUser(ctx, req);
    const value = (formFields(req.body).webhookUrl ?? '').slice(0, 4000);
    try {
      const organisation = await requireOwner(store, req.params.slug, user.id, 'set the webhook');
      const set = await setCustomerWebhook(
        store,
        { customerId: organisation.id, webhookUrl: value },
        { secretsKey: ctx.secretsKey },
      );
      return await organisationPage(req, reply, user, 200, {
        notices: { webhookUrl: set.webhookUrl, webhookValue: set.webhookUrl ?? '', newSecret: set.webhookSecret ?? '' },
      });
    } catch (err) {
      if (isWowError(err, 'WOW_ERR_SUPPORT_INPUT'))
        return organisationPage(req, reply, user, 422, {
          notices: { webhookValue: value, webhookErrors: (err.data?.errors as FieldProblem[] | undefined) ?? [] },
        });
      if (isWowError(err, 'WOW_ERR_NOT_OWNER') || isWowError(err, 'WOW_ERR_SECRETS_KEY_MISSING'))
        return organisationPage(req, reply, user, err.status, { problem: err.message });
      throw err;
    }
  });

  app.post<{ Params: { slug: string } }>('/orgs/:slug/webhook/remove', csrf, async (req, reply) => {
    const user = await requireUser(ctx, req);
    try {
      const organisation = await requireOwner(store, req.params.slug, user.id, 'remove the webhook');
      await setCustomerWebhook(
        store,
        { customerId: organisation.id, webhookUrl: null },
        { secretsKey: ctx.secretsKey },
      );
    } catch (err) {
      if (isWowError(err, 'WOW_ERR_NOT_OWNER'))
        return organisationPage(req, reply, user, err.status, { problem: err.message });
      throw err;
    }
    return seeOther(reply, `/orgs/${encodeURIComponent(req.params.slug)}?notice=webhook-removed`);
  });

  app.get('/invitations/accept', async (req, reply) => {
    const raw = (req.query as { token?: unknown }).token;
    const token = typeof raw === 'string' ? raw.slice(0, 200) : '';
    const invitation = await readInvitation(store, token, ctx.clock());
    return sendPage(
      reply,
      200,
      renderInvitation({ invitation, token, user: await currentUser(ctx, req), csrf: reply.generateCsrf() }),
    );
  });

  app.post('/invitations/accept', csrf, async (req, reply) => {
    const user = await requireUser(ctx, req);
    const organisation = await acceptInvitation(
      store,
      { token: formFields(req.body).token ?? '', userId: user.id },
      ctx.clock(),
    );
    return seeOther(reply, `/orgs/${encodeURIComponent(organisation.slug)}?notice=joined`);
  });
}
