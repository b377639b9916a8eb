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
  type User,
} from '#domains/commerce';
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
import { renderAccount, renderInvitation, renderOrganisation } from './organisation-pages.ts';

const accountNotices: Record<string, string> = {
  verified: 'Your email address is verified. Welcome.',
  password: 'Your password is changed, and every other device is signed out.',
  left: 'You left the organisation.',
};

/**
 * A signed-in customer's pages: `/account` (their organisations), `/orgs/:slug` (members,
 * roles, invitations, for owners), and the invitation link (`/invitations/accept`).
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
    extra: { invite?: { values: Record<string, string | undefined>; errors: FieldProblem[] }; problem?: string } = {},
  ) => {
    const organisation = await getMembership(store, req.params.slug, user.id);
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
