import { randomUUID } from 'node:crypto';
import type { Store } from '#platform';
import {
  createManualPayments,
  createSession,
  listInvoices,
  loadPricing,
  markInvoicePaid,
  organisationsOf,
  runBillingCycle,
  signUp,
  subscribe,
  verifyEmail,
  type BillingTerms,
} from '#domains/commerce';
import { tokenIn } from '#domains/commerce/testing';
import { getCustomer, submitTicket } from '#domains/support';

const dayMs = 86_400_000;

/** What a year of one organisation's use looks like on its dashboard, as the bench seeds it. */
export interface DashboardYear {
  /** The signed-in owner's session cookie (`wow_session=…`). */
  cookie: string;
  tasks: number;
  ratings: number;
  invoices: number;
  tickets: number;
}

/**
 * One organisation with a year behind it, through the domains' own functions where a year
 * can be lived through (sign-up, three subscriptions renewed and paid every month through
 * the manual driver, support tickets by the ticket API) and by one insert where it cannot:
 * `tasksPerDay` done tasks a day for each agent, every 5th of them rated, as the recorder
 * leaves them. Returns the owner's session for the pages under load.
 */
export async function seedDashboardYear(
  store: Store,
  opts: { agents: { id: string; priceTier: 'basic' | 'standard' | 'premium' }[]; now: Date; tasksPerDay: number },
): Promise<DashboardYear> {
  const { now } = opts;
  const start = new Date(now.getTime() - 365 * dayMs);
  const link = { now: start, publicUrl: 'http://localhost', ttlSeconds: 3600 };
  const email = `owner-${randomUUID().slice(0, 8)}@bench.example`;
  const { mail } = await signUp(
    store,
    { name: 'Bench Owner', email, password: 'correct horse battery staple', organisation: 'Bench Books Ltd' },
    link,
  );
  const user = await verifyEmail(store, tokenIn(mail.body, '/verify-email'), start);
  const [org] = await organisationsOf(store, user.id);
  if (org === undefined) throw new Error('sign-up made no organisation');

  const terms: BillingTerms = { pricing: await loadPricing('config/pricing.yml'), provider: createManualPayments() };
  const payAll = async (at: Date) => {
    for (const invoice of await listInvoices(store, { organisationId: org.id, status: 'open' }))
      await markInvoicePaid(store, terms.pricing, { number: invoice.number, by: 'bench', now: at });
  };
  for (const agent of opts.agents)
    await subscribe(store, terms, { organisationId: org.id, agent, timeZone: 'Asia/Kolkata', now: start });
  await payAll(start);
  for (let month = 1; month <= 12; month++) {
    const at = new Date(start.getTime() + month * 30.5 * dayMs);
    if (at > now) break;
    await runBillingCycle(store, terms, at);
    await payAll(at);
  }

  // Done tasks spread over the year's hours, 2 to 9 minutes' work each; every 5th rated 3 to 5.
  const agentIds = opts.agents.map((a) => a.id);
  const inserted = await store.query(
    `insert into customer_tasks (id, organisation_id, agent_id, task_type, input, state, request_sha256,
                                 created_at, started_at, finished_at, summary)
     select gen_random_uuid(), $1, a.id, a.id || case when n % 3 = 0 then '.draft' else '.audit' end, '{}', 'done',
            md5(a.id || n::text), t.at - interval '5 seconds', t.at,
            t.at + make_interval(secs => 120 + (n * 37) % 420), 'did an audit for a bookshop'
       from unnest($2::text[]) as a(id)
       cross join generate_series(1, $3::int) as n
       cross join lateral (select $4::timestamptz + make_interval(secs => (n::bigint * 86400 * 365 / $3)::double precision) as at) t`,
    [org.id, agentIds, opts.tasksPerDay * 365, start],
  );
  const rated = await store.query(
    `insert into customer_task_ratings (task_id, stars)
     select id, 3 + (abs(hashtext(id::text)) % 3) from customer_tasks
      where organisation_id = $1 and abs(hashtext(id::text)) % 5 = 0`,
    [org.id],
  );

  const customer = await getCustomer(store, org.slug);
  const tickets = 48;
  for (let i = 0; i < tickets; i++) {
    const answer = await submitTicket(
      store,
      { customer, idempotencyKey: randomUUID() },
      { subject: `Question ${String(i + 1)} about our audits`, body: 'Could the audit say more about headings?' },
    );
    if (answer.status !== 201) throw new Error(`a seeded ticket was refused: ${JSON.stringify(answer.body)}`);
  }

  const { secret } = await createSession(store, { userId: user.id }, { now, ttlSeconds: 86_400 });
  return {
    cookie: `wow_session=${secret}`,
    tasks: inserted.rowCount ?? 0,
    ratings: rated.rowCount ?? 0,
    invoices: (await listInvoices(store, { organisationId: org.id, limit: 1000 })).length,
    tickets,
  };
}
