import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOrganisationContext, type Store } from '#platform';
import { organisationsOf, signUp, verifyEmail } from '#domains/commerce';
import { tokenIn } from '#domains/commerce/testing';
import { storeBackends } from '../../test/support/test-stores.ts';

const now = new Date('2026-12-01T09:00:00Z');

// The task runner gives an agent its organisation's business as answered in a trial's
// questionnaire (commerce), read through the customer domain's view: the answers given when
// trying this agent, else the latest given for another; none before any trial.
describe.each(storeBackends('organisation-context'))("a task's organisation context on $name", (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await backend.open());
  });
  afterAll(async () => {
    await close();
  });

  const trial = (organisationId: string, agentId: string, industry: string, startedAt: Date) =>
    store.query(
      `insert into commerce_trials (id, organisation_id, agent_id, started_at, ends_at, industry, goals, audience, tone, good_result)
       values (gen_random_uuid(), $1, $2, $3, $3::timestamptz + interval '7 days', $4, 'More leads', 'Clinics', ' Warm ', 'A plan')`,
      [organisationId, agentId, startedAt, industry],
    );

  it("reads the trial's answers: this agent's first, else the latest of another's", async () => {
    const { mail } = await signUp(
      store,
      { name: 'Ada', email: 'ada@clinic.example', password: 'correct horse battery', organisation: 'Clinic' },
      { now, publicUrl: 'http://localhost', ttlSeconds: 3600 },
    );
    const user = await verifyEmail(store, tokenIn(mail.body, '/verify-email'), now);
    const [org] = await organisationsOf(store, user.id);
    if (org === undefined) throw new Error('no organisation');
    const task = (agentId: string) => readOrganisationContext(store, undefined, { organisationId: org.id, agentId });

    expect(await task('seo')).toEqual({ pastDeliverables: [], feedback: [] });
    await trial(org.id, 'content', 'Healthcare', now);
    await trial(org.id, 'social', 'Dental care', new Date(now.getTime() + 60_000));
    expect(await task('seo')).toEqual({
      industry: 'Dental care',
      goals: 'More leads',
      audience: 'Clinics',
      tone: 'Warm',
      goodResult: 'A plan',
      pastDeliverables: [],
      feedback: [],
    });
    expect((await task('content')).industry).toBe('Healthcare');
  });
});
