import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '#platform';
import {
  createManualPayments,
  loadPricing,
  markInvoicePaid,
  organisationsOf,
  signUp,
  subscribe,
  verifyEmail,
  type BillingTerms,
  type Organisation,
} from '#domains/commerce';
import { tokenIn } from '#domains/commerce/testing';
import { recordRevenue, setHourlyCost } from '#domains/customer';
import { getCustomer, submitTicket, ticketPageAt } from '#domains/support';
import { recordsReader, type RecordsReader } from '../dashboard/organisation-records.ts';
import { storeBackends } from '../../test/support/test-stores.ts';

const now = new Date('2026-12-01T09:00:00Z');
const minutes = (m: number, from = now) => new Date(from.getTime() + m * 60_000);

describe.each(storeBackends('dashboard-records'))("the dashboard's kept records on $name", (backend) => {
  let store: Store;
  let closeStore: () => Promise<void>;
  let terms: BillingTerms;
  let count = 0;

  beforeAll(async () => {
    ({ store, close: closeStore } = await backend.open());
    terms = { pricing: await loadPricing('config/pricing.yml'), provider: createManualPayments() };
  });
  afterAll(async () => {
    await closeStore();
  });

  /** A verified owner with an organisation of their own, and a reader of fresh records. */
  async function organisation(): Promise<{ org: Organisation; userId: string; reader: RecordsReader }> {
    count += 1;
    const link = { now, publicUrl: 'http://localhost:3000', ttlSeconds: 3600 };
    const { mail } = await signUp(
      store,
      {
        name: 'Ada',
        email: `owner-${String(count)}@records.example`,
        password: 'correct horse battery',
        organisation: `Org ${String(count)}`,
      },
      link,
    );
    const user = await verifyEmail(store, tokenIn(mail.body, '/verify-email'), now);
    const [org] = await organisationsOf(store, user.id);
    if (org === undefined) throw new Error('no organisation');
    return { org, userId: user.id, reader: recordsReader({ store, pricing: terms.pricing }) };
  }

  /** The ticket's running clocks (the intake started them) set to a target of `target` minutes from now, as the desk's sweep keeps them. */
  async function clocksDue(ticketId: string | undefined, target: number) {
    const { rowCount } = await store.query(
      `update support_sla_clocks set started_at = $2, target_minutes = $3, due_at = $4
        where ticket_id = $1 and met_at is null and stopped_at is null`,
      [ticketId, now, target, minutes(target)],
    );
    expect(rowCount).toBeGreaterThan(0);
  }

  it('keeps what it read while nothing changes, and reads again after any write to the account, the figures or the tickets', async () => {
    const { org, userId, reader } = await organisation();
    const first = await reader.of(org.id, now);
    expect(first.subscriptions).toEqual([]);
    expect(await reader.of(org.id, now)).toBe(first);

    // Commerce's account, written by its own functions (not through the dashboard's door).
    const { invoice } = await subscribe(store, terms, {
      organisationId: org.id,
      agent: { id: 'seo-sage', priceTier: 'standard' },
      timeZone: 'Asia/Kolkata',
      now,
    });
    const subscribed = await reader.of(org.id, now);
    expect(subscribed).not.toBe(first);
    expect(subscribed.subscriptions.map((s) => s.agentId)).toEqual(['seo-sage']);
    expect(subscribed.invoices.map((i) => i.status)).toEqual(['open']);
    expect(subscribed.timeZone).toBe('Asia/Kolkata');
    expect(await reader.of(org.id, now)).toBe(subscribed);
    await markInvoicePaid(store, terms.pricing, { number: invoice?.number ?? '', by: 'test', now });
    expect((await reader.of(org.id, now)).invoices.map((i) => i.status)).toEqual(['paid']);

    // The customer figures: the ROI's settings and revenue, and a task done.
    await setHourlyCost(store, { organisationId: org.id, userId, hourlyCost: '1500', now });
    expect((await reader.of(org.id, now)).hourlyCostPaise).toBe(150_000);
    await recordRevenue(store, {
      organisationId: org.id,
      userId,
      fields: { amount: '2500', note: 'A client from the audit', date: '2026-11-30' },
      now,
    });
    expect((await reader.of(org.id, now)).revenue.totalPaise).toBe(250_000);
    await store.query(
      `insert into customer_tasks (id, organisation_id, agent_id, task_type, input, state, request_sha256, created_at, started_at, finished_at)
       values ($1, $2, 'seo-sage', 'seo-sage.audit', '{}', 'done', 'x', $3, $3, $4)`,
      [randomUUID(), org.id, minutes(-30), minutes(-10)],
    );
    expect((await reader.of(org.id, now)).figures.counts).toEqual([
      { agentId: 'seo-sage', taskType: 'seo-sage.audit', completed: 1 },
    ]);

    // The support tickets, and their SLA clocks as the desk's sweep moves them.
    const answer = await submitTicket(
      store,
      { customer: await getCustomer(store, org.slug), idempotencyKey: randomUUID() },
      { subject: 'Where is my audit?', body: 'Please look.' },
    );
    expect(answer.status).toBe(201);
    const ticketed = await reader.of(org.id, now);
    expect(ticketed.tickets.tickets.map((t) => t.subject)).toEqual(['Where is my audit?']);
    const ticketId = ticketed.tickets.tickets[0]?.id;
    await clocksDue(ticketId, 60);
    const clocked = await reader.of(org.id, now);
    expect(clocked).not.toBe(ticketed);
    expect(ticketPageAt(clocked.tickets, now).tickets[0]?.sla.state).toBe('on_track');
    expect(await reader.of(org.id, now)).toBe(clocked);
  });

  it('judges the SLA states of a kept page at each view: on track, at risk with a fifth left, breached once due', async () => {
    const { org, reader } = await organisation();
    await submitTicket(
      store,
      { customer: await getCustomer(store, org.slug), idempotencyKey: randomUUID() },
      { subject: 'Slow pages', body: 'Since Monday.' },
    );
    const [ticket] = (await reader.of(org.id, now)).tickets.tickets;
    await clocksDue(ticket?.id, 60);
    const kept = await reader.of(org.id, now);
    const stateAt = (at: Date) => ticketPageAt(kept.tickets, at).tickets[0]?.sla;
    expect(stateAt(minutes(47))).toEqual({ state: 'on_track', dueAt: minutes(60).toISOString() });
    // 12 minutes (a fifth of the target) left, and less.
    expect(stateAt(minutes(49))?.state).toBe('at_risk');
    expect(stateAt(minutes(60))?.state).toBe('breached');
    // The same page, read again at a later moment, is the one kept: only the judgement moved.
    expect(await reader.of(org.id, minutes(61))).toBe(kept);
  });

  it("reads again when the organisation's day turns, and shares one read among views that arrive during it", async () => {
    const { org, reader } = await organisation();
    const [a, b] = await Promise.all([reader.of(org.id, now), reader.of(org.id, now)]);
    expect(b).toBe(a);
    expect(a.days.at(-1)).toBe('2026-12-01');
    const tomorrow = await reader.of(org.id, minutes(24 * 60));
    expect(tomorrow).not.toBe(a);
    expect(tomorrow.days.at(-1)).toBe('2026-12-02');
    expect(tomorrow.days).toHaveLength(30);
  });

  it('lets an organisation with an account, figures and tickets be deleted (the versions go with it)', async () => {
    const { org, userId } = await organisation();
    await subscribe(store, terms, {
      organisationId: org.id,
      agent: { id: 'seo-sage', priceTier: 'standard' },
      timeZone: 'Asia/Kolkata',
      now,
    });
    await setHourlyCost(store, { organisationId: org.id, userId, hourlyCost: '900', now });
    await store.query('delete from commerce_organisations where id = $1', [org.id]);
    const left = await store.query(
      `select (select count(*) from commerce_account_versions where organisation_id = $1)::int as account,
              (select count(*) from customer_work_versions where organisation_id = $1)::int as figures`,
      [org.id],
    );
    expect(left.rows[0]).toEqual({ account: 0, figures: 0 });
  });
});
