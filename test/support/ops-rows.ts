import { randomUUID } from 'node:crypto';
import { createHealthRecorder, type Store } from '#platform';
import { createManualPayments, parsePricing, subscribe, type BillingTerms } from '#domains/commerce';
import { createCustomer, openTicket, recordDeskMessage, setTicketRouting } from '#domains/support';
import { readFileSync } from 'node:fs';

export const opsPricing = parsePricing(
  readFileSync(new URL('../../config/pricing.yml', import.meta.url), 'utf8'),
  'config/pricing.yml',
);

/** The hostile name one registered agent carries, and an incident's hostile signal: both must come out as text. */
export const hostileName = '<script>alert("ops")</script>';
export const hostileSignal = '<img src=x onerror=alert(1)>';

/**
 * The rows the operators' dashboard is read from, at `now`: the registry (keeper, a CoE agent,
 * live; seo-sage, a customer agent of app/test/fixtures/marketplace-agents, live and working;
 * a CoE agent with a hostile name, never live), a day of handling, an open incident, two
 * subscriptions (one cancelled within the month), three trials and three support tickets.
 */
export async function seedOpsRows(store: Store, now: Date): Promise<void> {
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  await store.query(
    `insert into agents (id, name, version, description, manifest) values
       ('keeper', 'Keeper', '1.2.0', 'x', '{}'), ('seo-sage', 'SEO Sage', '2.0.1', 'x', '{}'), ('rogue', $1, '0.0.1', 'x', '{}')`,
    [hostileName],
  );
  // Liveness is judged against the database's clock: these heartbeats are fresh whatever `now` is.
  await store.query(
    `insert into agent_instances (instance_id, agent_id, host, pid, in_flight) values ('k1', 'keeper', 'h', 1, 0),
       ('s1', 'seo-sage', 'h', 2, 1)`,
  );
  const health = createHealthRecorder();
  // keeper: 48 events in the day, 6 failed (2 an hour, 12.5%); seo-sage: 12 tasks, none failed.
  for (let i = 0; i < 48; i++) health.record('keeper', 20, i % 8 !== 0, ago(i * 30));
  for (let i = 0; i < 12; i++) health.record('seo-sage', 900, true, ago(i * 60));
  await health.flush(store);
  await store.query(
    `insert into support_incidents (id, agent_id, signals, opened_figures, latest_figures, opened_at, issue_number)
     values ($1, 'keeper', $2, '{}', '{}', $3, 42)`,
    [randomUUID(), ['errors', hostileSignal], ago(30)],
  );

  const terms: BillingTerms = { pricing: opsPricing, provider: createManualPayments() };
  const org = async (slug: string) => (await createCustomer(store, { slug, name: slug })).id;
  const [pune, mumbai] = [await org('pune-books'), await org('mumbai-mart')];
  const twoMonthsAgo = ago(60 * 24 * 61);
  await subscribe(store, terms, {
    organisationId: pune,
    agent: { id: 'seo-sage', priceTier: 'standard' },
    now: twoMonthsAgo,
  });
  await subscribe(store, terms, {
    organisationId: mumbai,
    agent: { id: 'seo-sage', priceTier: 'standard' },
    now: twoMonthsAgo,
  });
  await store.query(
    `update commerce_subscriptions set status = 'cancelled', current_period_end = $2 where organisation_id = $1`,
    [mumbai, ago(60 * 24 * 3)],
  );
  // Seven-day trials: two over (one subscribed), one started two days ago.
  for (const [organisationId, startedDaysAgo, state] of [
    [pune, 10, 'converted'],
    [mumbai, 10, 'ended'],
    [await org('delhi-deli'), 2, 'active'],
  ] as const) {
    const started = ago(60 * 24 * startedDaysAgo);
    const ends = ago(60 * 24 * (startedDaysAgo - 7));
    await store.query(
      `insert into commerce_trials (id, organisation_id, agent_id, started_at, ends_at, industry, goals, audience, tone,
         good_result, state, ended_at)
       values ($1, $2, 'seo-sage', $3, $4, 'Books', 'Readers', 'Pune', 'warm', 'Fixes', $5, $6)`,
      [randomUUID(), organisationId, started, ends, state, state === 'active' ? null : ends],
    );
  }

  // Support: two tickets solved at L1 (answered in 30 s and 90 s), one escalated to L2 and open.
  const desk = { direction: 'outbound', author: { kind: 'agent', id: 'wowsupport' }, autoSubmitted: false } as const;
  for (const [opened, answered, tier] of [
    [60, 59.5, 'L1'],
    [50, 48.5, 'L1'],
    [40, undefined, 'L2'],
  ] as const)
    await store.transaction(async (tx) => {
      const t = await openTicket(tx, { subject: 'Q', body: 'Why?', channel: 'api', requester: {}, at: ago(opened) });
      // Tickets are stamped with the database's clock; the dashboard counts them by the server's.
      await tx.query('update support_tickets set created_at = $2 where id = $1', [t.id, ago(opened)]);
      if (tier !== 'L1') await setTicketRouting(tx, t.id, { tier });
      if (answered !== undefined)
        await recordDeskMessage(tx, t.id, { ...desk, body: 'Because.', at: ago(answered), action: 'solve' });
    });
}
