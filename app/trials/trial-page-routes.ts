import type { FastifyInstance, FastifyReply } from 'fastify';
import { isWowError, type AgentManifest } from '#platform';
import { customerFacingAgent, findTrial, organisationsOf, startTrial, type User } from '#domains/commerce';
import { seeOther, sendPage } from '../accounts/accounts-context.ts';
import { fieldProblems, formFields } from '../accounts/form-fields.ts';
import type { FieldProblem } from '../accounts/account-layout.ts';
import { renderTrialForm, renderTrialStatus } from './trial-pages.ts';
import { requireUser, type TrialsContext } from './trials-context.ts';

type Params = { Params: { id: string } };

/**
 * `GET /agents/:id/trial`: the organisation's trial of the agent when it has one, else the
 * questionnaire; `POST` starts the trial and sends the browser to it (303), or shows the
 * form again with what to fix.
 */
export function trialPageRoutes(app: FastifyInstance, ctx: TrialsContext): void {
  const csrf = { preHandler: app.csrfProtection.bind(app) };

  const formPage = async (
    reply: FastifyReply,
    status: number,
    view: { user: User; agent: AgentManifest; chosen: string | undefined; values?: Record<string, string | undefined> },
    extra: { errors?: FieldProblem[]; problem?: string } = {},
  ) =>
    sendPage(
      reply,
      status,
      renderTrialForm({
        ...view,
        organisations: await organisationsOf(ctx.store, view.user.id),
        csrf: reply.generateCsrf(),
        values: view.values ?? {},
        errors: extra.errors ?? [],
        problem: extra.problem,
      }),
    );

  app.get<Params>('/agents/:id/trial', async (req, reply) => {
    const user = await requireUser(ctx, req);
    const agent = customerFacingAgent(await ctx.agents(), req.params.id);
    const query = req.query as { organisation?: unknown; notice?: unknown };
    const organisations = await organisationsOf(ctx.store, user.id);
    const organisation =
      organisations.find((o) => o.slug === query.organisation) ??
      (organisations.length === 1 ? organisations[0] : undefined);
    const trial = organisation === undefined ? undefined : await findTrial(ctx.store, organisation.id, agent.id);
    if (organisation === undefined || trial === undefined)
      return formPage(reply, 200, { user, agent, chosen: organisation?.slug });
    return sendPage(
      reply,
      200,
      renderTrialStatus({
        user,
        agent,
        organisation,
        trial,
        started: query.notice === 'started',
        now: ctx.clock(),
        csrf: reply.generateCsrf(),
      }),
    );
  });

  app.post<Params>('/agents/:id/trial', csrf, async (req, reply) => {
    const user = await requireUser(ctx, req);
    const agents = await ctx.agents();
    const agent = customerFacingAgent(agents, req.params.id);
    const fields = formFields(req.body);
    const view = { user, agent, chosen: fields.organisation, values: fields };
    let started: Awaited<ReturnType<typeof startTrial>>;
    try {
      started = await startTrial(ctx.store, {
        agents,
        agentId: agent.id,
        by: { userId: user.id, organisation: fields.organisation },
        fields,
        now: ctx.clock(),
      });
    } catch (err) {
      const errors = fieldProblems(err);
      if (errors !== undefined) return formPage(reply, 422, view, { errors });
      if (isWowError(err, 'WOW_ERR_TRIAL_EXISTS') || isWowError(err, 'WOW_ERR_NOT_MEMBER'))
        return formPage(reply, err.status, view, { problem: err.message });
      throw err;
    }
    const organisationId = started.trial.organisationId;
    const slug = (await organisationsOf(ctx.store, user.id)).find((o) => o.id === organisationId)?.slug ?? '';
    return seeOther(
      reply,
      `/agents/${encodeURIComponent(agent.id)}/trial?organisation=${encodeURIComponent(slug)}&notice=started`,
    );
  });
}
