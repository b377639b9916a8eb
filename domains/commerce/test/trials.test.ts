import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWowError, loadManifests, type AgentManifest, type CloudEvent, type Store } from '#platform';
import {
  acceptInvitation,
  cancelAtPeriodEnd,
  checkEntitlement,
  createManualPayments,
  loadPricing,
  runBillingCycle,
  subscribe,
  findTrial,
  inviteMember,
  organisationsOf,
  signUp,
  startTrial,
  subscriptionStatusFrom,
  tickTrials,
  verifyEmail,
  type AccountMail,
  type Organisation,
  type SubscriptionStatus,
  type TrialTickOptions,
} from '#domains/commerce';
import { tokenIn } from '#domains/commerce/testing';
import { storeBackends } from '../../../test/support/test-stores.ts';

const t0 = new Date('2026-12-01T09:00:00Z');
const days = (n: number) => new Date(t0.getTime() + n * 86_400_000);
const link = { now: t0, publicUrl: 'https://waooaw.example', ttlSeconds: 3600 };
const answers = {
  industry: 'Independent bookshops and online book sales',
  goals: 'More visitors from search to our event pages.\nMore newsletter sign-ups.',
  audience: 'Readers in Pune who come to author events',
  tone: 'warm and plain',
  goodResult: 'A list of fixes we can make this week',
};

async function errorOf(work: Promise<unknown>): Promise<{ code: string; message: string; data: unknown }> {
  try {
    await work;
  } catch (err) {
    if (isWowError(err)) return { code: err.code, message: err.message, data: err.data };
    throw err;
  }
  return { code: 'no error', message: '', data: undefined };
}

let agents: AgentManifest[];
beforeAll(async () => {
  const dir = fileURLToPath(new URL('fixtures/trial-agents', import.meta.url));
  agents = (await loadManifests(dir)).map((m) => m.manifest);
});

describe.each(storeBackends('trials'))('trials on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let owner: { id: string; email: string };
  let member: { id: string; email: string };
  let org: Organisation;
  /** Billing's side, as the tests set it: organisation:agent → status. */
  const subscriptions = new Map<string, SubscriptionStatus>();
  const subscriptionStatus = (organisationId: string, agentId: string) =>
    Promise.resolve(subscriptions.get(`${organisationId}:${agentId}`));

  async function account(email: string, organisation: string) {
    const { mail } = await signUp(
      store,
      { name: email.split('@')[0], email, password: 'correct horse battery', organisation },
      link,
    );
    const user = await verifyEmail(store, tokenIn(mail.body, '/verify-email'), t0);
    return { id: user.id, email, organisations: await organisationsOf(store, user.id) };
  }

  beforeAll(async () => {
    ({ store, close } = await backend.open());
    const ada = await account('ada@example.com', 'Pune Books');
    const [first] = ada.organisations;
    if (first === undefined) throw new Error('no organisation');
    org = first;
    owner = ada;
    // A member of Pune Books, with an organisation of her own too.
    const bea = await account('bea@example.com', 'Bea Consulting');
    const { mail } = await inviteMember(
      store,
      { slug: org.slug, by: ada.id, fields: { email: bea.email, role: 'member' } },
      link,
    );
    await acceptInvitation(store, { token: tokenIn(mail.body, '/invitations/accept'), userId: bea.id }, t0);
    member = bea;
  });
  afterAll(async () => {
    await close();
  });

  const outbox = async (type: string) =>
    (
      await store.query<{ event: CloudEvent<Record<string, unknown>> }>(
        "select event from outbox where event->>'type' = $1 order by id",
        [type],
      )
    ).rows.map((r) => r.event);

  const tickOptions = (mails: AccountMail[]): TrialTickOptions => ({
    agents,
    subscriptionStatus,
    publicUrl: 'https://waooaw.example',
    sendMail: (mail) => {
      mails.push(mail);
      return Promise.resolve();
    },
  });

  it('starts a member’s 7-day trial, publishes commerce.trial.started and asks for the first deliverable with the answers', async () => {
    const { trial, firstTask } = await startTrial(store, {
      agents,
      agentId: 'seo',
      by: { userId: member.id, organisation: org.slug },
      fields: { ...answers, industry: `  ${answers.industry} ` },
      now: t0,
    });
    expect(trial).toMatchObject({
      organisationId: org.id,
      agentId: 'seo',
      startedBy: member.id,
      startedAt: t0.toISOString(),
      endsAt: days(7).toISOString(),
      state: 'active',
      endedAt: null,
      answers,
    });
    expect(firstTask?.taskType).toBe('seo.audit');
    expect(await findTrial(store, org.id, 'seo')).toEqual(trial);
    expect(trial.firstTaskId).toBe(firstTask?.taskId);

    const [started] = await outbox('commerce.trial.started');
    expect(started).toMatchObject({
      subject: trial.id,
      customer: org.slug,
      data: { trialId: trial.id, organisationId: org.id, agentId: 'seo', endsAt: days(7).toISOString() },
    });
    const [requested] = await outbox('customer.task.requested');
    // The first task type's input: string fields of the answers' names, cut to their maxLength;
    // `tone` is not one of its enum, `goal` is an integer, `url` is the agent's to ask for.
    expect(requested).toMatchObject({ subject: firstTask?.taskId, customer: org.slug });
    expect(requested?.data).toEqual({
      taskId: firstTask?.taskId,
      organisationId: org.id,
      agentId: 'seo',
      taskType: 'seo.audit',
      input: { industry: 'Independent bookshop', audience: answers.audience, good_result: answers.goodResult },
    });
  });

  it('refuses a second trial of the same agent, also when requests race: the unique key decides', async () => {
    const again = await errorOf(
      startTrial(store, { agents, agentId: 'seo', by: { userId: owner.id }, fields: answers, now: days(1) }),
    );
    expect(again.code).toBe('WOW_ERR_TRIAL_EXISTS');
    expect(again.message).toBe(
      '"Pune Books" has had its free trial of seo already (started 1 December 2026, ends 8 December 2026): one trial per organisation and agent. Subscribe at /agents/seo to keep working with it.',
    );

    const racing = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        startTrial(store, { agents, agentId: 'tutor', by: { userId: owner.id }, fields: answers, now: t0 }),
      ),
    );
    expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of racing.filter((r) => r.status === 'rejected'))
      expect(isWowError(r.reason, 'WOW_ERR_TRIAL_EXISTS')).toBe(true);
    expect((await outbox('commerce.trial.started')).filter((e) => e.data.agentId === 'tutor')).toHaveLength(1);
    // An agent without a task type: the trial starts, no task is asked for.
    const tutor = await findTrial(store, org.id, 'tutor');
    expect(tutor?.firstTaskId).toBeNull();
    expect((await outbox('customer.task.requested')).filter((e) => e.data.agentId === 'tutor')).toEqual([]);
  });

  it('names each field at fault and writes nothing', async () => {
    const { code, data, message } = await errorOf(
      startTrial(store, {
        agents,
        agentId: 'seo',
        by: { userId: member.id, organisation: 'bea-consulting' },
        fields: { industry: 'x'.repeat(101), goals: '  ', audience: 'Readers\u0007', tone: 'plain' },
        now: t0,
      }),
    );
    expect(code).toBe('WOW_ERR_ACCOUNT_INPUT');
    expect(data).toEqual({
      errors: [
        { field: 'industry', message: 'Enter your industry in at most 100 characters' },
        { field: 'goals', message: 'Enter your goals' },
        { field: 'audience', message: 'Enter your audience as plain text, without control characters' },
        { field: 'goodResult', message: 'Enter what a good result looks like' },
      ],
    });
    expect(message).toContain('goals: Enter your goals');
    // Bea is in two organisations: which one must be said.
    const unsaid = await errorOf(
      startTrial(store, { agents, agentId: 'seo', by: { userId: member.id }, fields: answers, now: t0 }),
    );
    expect(unsaid.data).toEqual({
      errors: [{ field: 'organisation', message: 'Choose the organisation the trial is for' }],
    });
    expect((await store.query('select 1 from commerce_trials where organisation_id <> $1', [org.id])).rows).toEqual([]);
  });

  it('lets only members try, and only customer-facing agents', async () => {
    const outsider = await account('eve@example.com', 'Eve Ltd');
    expect(
      (
        await errorOf(
          startTrial(store, {
            agents,
            agentId: 'seo',
            by: { userId: outsider.id, organisation: org.slug },
            fields: answers,
            now: t0,
          }),
        )
      ).code,
    ).toBe('WOW_ERR_NOT_MEMBER');
    for (const agentId of ['wowcoe', 'uncatalogued', 'nobody', 'x'.repeat(500)]) {
      const refused = await errorOf(
        startTrial(store, { agents, agentId, by: { userId: owner.id }, fields: answers, now: t0 }),
      );
      expect(refused.code).toBe('WOW_ERR_TRIAL_AGENT');
      expect(refused.message).toContain('The marketplace at /agents lists the agents you can try.');
    }
    // The organisation's API key acts for it: no member started it.
    const { trial } = await startTrial(store, {
      agents,
      agentId: 'seo',
      by: { organisation: outsider.organisations[0] as Organisation },
      fields: answers,
      now: t0,
    });
    expect(trial.startedBy).toBeNull();
  });

  it('entitles by trial until its end, then says why not and where to subscribe', async () => {
    const entitled = (agentId: string, at: Date, organisationId = org.id) =>
      checkEntitlement({ db: store, subscriptionStatus }, organisationId, agentId, at);
    expect(await entitled('seo', days(6.9))).toEqual({ ok: true, via: 'trial' });
    expect(await entitled('seo', days(7))).toEqual({
      ok: false,
      reason:
        'Your trial of seo ended on 8 December 2026; subscribe at /agents/seo. Everything it delivered stays yours.',
      action: '/agents/seo',
    });
    expect(await entitled('other', days(1))).toEqual({
      ok: false,
      reason: 'There is no trial or subscription for other. Start a free trial or subscribe at /agents/other.',
      action: '/agents/other',
    });
    subscriptions.set(`${org.id}:other`, 'past_due');
    expect(await entitled('other', days(1))).toEqual({ ok: true, via: 'subscription' });
    subscriptions.set(`${org.id}:other`, 'suspended');
    expect(await entitled('other', days(1))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('Your subscription to other is suspended for non-payment') as unknown,
      action: '/dashboard',
    });
    subscriptions.set(`${org.id}:other`, 'cancelled');
    expect((await entitled('other', days(1))).ok).toBe(false);
    subscriptions.set(`${org.id}:seo`, 'active');
    expect(await entitled('seo', days(30))).toEqual({ ok: true, via: 'subscription' });
    subscriptions.clear();
  });

  it('reminds on day 5 and day 7 once however many ticks run, retries a failed mail, and ends the trial at its end', async () => {
    const mails: AccountMail[] = [];
    const before = await tickTrials(store, days(3.9), tickOptions(mails));
    expect(before).toEqual({ reminded: [], ended: [], failed: [] });

    // Day 5 begins 4 days after the start. Two schedulers at once, then a third late.
    await Promise.all([tickTrials(store, days(4), tickOptions(mails)), tickTrials(store, days(4), tickOptions(mails))]);
    await tickTrials(store, days(4.5), tickOptions(mails));
    const seo = await findTrial(store, org.id, 'seo');
    const day5 = mails.filter((m) => m.id.startsWith(`trial-reminder-${seo?.id}-5-`));
    // The owner, and Bea, who started it.
    expect(day5.map((m) => m.to).sort()).toEqual(['ada@example.com', 'bea@example.com']);
    expect(day5[0]?.subject).toBe('Your free trial of SEO Specialist ends on 8 December 2026');
    expect(day5[0]?.body).toContain("Pune Books's free trial of SEO Specialist ends on 8 December 2026 at 09:00 UTC.");
    expect(day5[0]?.body).toContain('Subscribe: https://waooaw.example/agents/seo');

    // Day 7: the mail server refuses once; the next tick sends it.
    const refusing = { ...tickOptions(mails), sendMail: () => Promise.reject(new Error('SMTP 451 try later')) };
    const failed = await tickTrials(store, days(6), refusing);
    expect(failed.failed.filter((f) => f.trialId === seo?.id)).toEqual([
      { trialId: seo?.id, step: 7, error: 'SMTP 451 try later' },
    ]);
    mails.length = 0;
    await Promise.all([
      tickTrials(store, days(6.1), tickOptions(mails)),
      tickTrials(store, days(6.1), tickOptions(mails)),
    ]);
    const day7 = mails.filter((m) => m.id.startsWith(`trial-reminder-${seo?.id}-7-`));
    expect(day7.map((m) => m.to).sort()).toEqual(['ada@example.com', 'bea@example.com']);
    expect(day7[0]?.body).toContain('Today is the last day of');

    // The end: only the trial's row changes (and the outbox has its event). Nothing is deleted.
    const counts = async () => {
      const tables = await store.query<{ name: string }>(
        "select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1",
      );
      const result: Record<string, number> = {};
      for (const { name } of tables.rows)
        result[name] = Number((await store.query<{ n: string }>(`select count(*) as n from "${name}"`)).rows[0]?.n);
      return result;
    };
    const trialsBefore = (await store.query('select * from commerce_trials order by id')).rows;
    const countsBefore = await counts();
    mails.length = 0;
    const [first, second] = await Promise.all([
      tickTrials(store, days(7), tickOptions(mails)),
      tickTrials(store, days(7), tickOptions(mails)),
    ]);
    const ended = [...(first?.ended ?? []), ...(second?.ended ?? [])];
    expect(ended.filter((e) => e.trialId === seo?.id)).toEqual([{ trialId: seo?.id, converted: false }]);
    expect(await counts()).toEqual({ ...countsBefore, outbox: (countsBefore.outbox ?? 0) + ended.length });
    const trialsAfter = (await store.query('select * from commerce_trials order by id')).rows;
    expect(trialsAfter.map((r) => ({ ...r, state: undefined, ended_at: undefined }))).toEqual(
      trialsBefore.map((r) => ({ ...r, state: undefined, ended_at: undefined })),
    );
    expect(await findTrial(store, org.id, 'seo')).toMatchObject({ state: 'ended', endedAt: days(7).toISOString() });
    const endedEvents = (await outbox('commerce.trial.ended')).filter((e) => e.subject === seo?.id);
    expect(endedEvents.map((e) => e.data)).toEqual([
      { trialId: seo?.id, organisationId: org.id, agentId: 'seo', converted: false },
    ]);
    // No mail about a reminder already sent; later ticks do nothing more.
    expect(mails.filter((m) => m.id.includes(seo?.id ?? '-'))).toEqual([]);
    expect((await tickTrials(store, days(9), tickOptions(mails))).ended).toEqual([]);
  });

  it('converts a trial whose organisation subscribed, without reminding it', async () => {
    const { trial } = await startTrial(store, {
      agents,
      agentId: 'seo',
      by: { userId: member.id, organisation: 'bea-consulting' },
      fields: answers,
      now: days(10),
    });
    subscriptions.set(`${trial.organisationId}:seo`, 'active');
    const mails: AccountMail[] = [];
    const reminded = await tickTrials(store, days(14), tickOptions(mails));
    expect(reminded.reminded).toEqual([{ trialId: trial.id, day: 5, mailed: 0 }]);
    // Billing cannot be read: the trial stays active for the next tick, which ends it.
    const unread = { ...tickOptions(mails), subscriptionStatus: () => Promise.reject(new Error('billing is down')) };
    const failed = await tickTrials(store, days(17), unread);
    expect(failed.failed.filter((f) => f.step === 'end')).toEqual([
      { trialId: trial.id, step: 'end', error: 'billing is down' },
    ]);
    expect((await findTrial(store, trial.organisationId, 'seo'))?.state).toBe('active');
    const end = await tickTrials(store, days(17), tickOptions(mails));
    expect(end.ended).toEqual([{ trialId: trial.id, converted: true }]);
    expect(mails).toEqual([]);
    expect((await findTrial(store, trial.organisationId, 'seo'))?.state).toBe('converted');
    subscriptions.clear();
  });

  it('reads billing’s commerce_subscriptions: none, then active (entitled), then cancelled at period end (refused)', async () => {
    const terms = { pricing: await loadPricing('config/pricing.yml'), provider: createManualPayments() };
    const statusOf = subscriptionStatusFrom(store);
    const entitled = (at: Date) => checkEntitlement({ db: store, subscriptionStatus: statusOf }, org.id, 'content', at);
    expect(await statusOf(org.id, 'content')).toBeUndefined();
    await subscribe(store, terms, {
      organisationId: org.id,
      agent: { id: 'content', priceTier: 'basic' },
      now: days(40),
    });
    expect(await statusOf(org.id, 'content')).toBe('active');
    expect(await entitled(days(41))).toEqual({ ok: true, via: 'subscription' });
    await cancelAtPeriodEnd(store, { organisationId: org.id, agentId: 'content', now: days(41) });
    await runBillingCycle(store, terms, days(75), { organisationId: org.id });
    expect(await statusOf(org.id, 'content')).toBe('cancelled');
    expect(await entitled(days(75))).toMatchObject({ ok: false });
  });
});
