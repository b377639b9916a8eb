import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '#platform';
import { isWowError } from '#platform';
import { createCustomer, listTickets, openTicket } from '#domains/support';
import { storeBackends } from '../../../test/support/test-stores.ts';
import {
  completedCounts,
  dailyCounts,
  hourlyCostOf,
  organisationWork,
  parseRupees,
  recordRevenue,
  revenueOf,
  roiOf,
  setHourlyCost,
  timeSaved,
  valueOfMinutes,
  workFigures,
} from '../index.ts';

const t0 = Date.parse('2026-11-30T10:00:00Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000);

describe('ROI arithmetic', () => {
  it('multiplies counts by minutesSaved and values minutes at the hourly cost in exact paise, rounded half up', () => {
    const saved = timeSaved(
      [
        { agentId: 'seo', taskType: 'seo.audit', completed: 3 },
        { agentId: 'seo', taskType: 'seo.gone', completed: 2 },
        { agentId: 'content', taskType: 'content.post', completed: 1 },
      ],
      (agent, type) =>
        new Map([
          ['seo/seo.audit', 90],
          ['content/content.post', 45],
        ]).get(`${agent}/${type}`),
    );
    expect(saved).toEqual({ minutes: 315, unestimated: 2 });
    // 315 min at ₹1,000.01 an hour: 315 × 100001 / 60 = 525005.25 → 525005 paise.
    expect(valueOfMinutes(315, 100_001)).toBe(525_005);
    // Exactly half a paisa rounds up: 1 min at 30 paise an hour is 0.5 paise.
    expect(valueOfMinutes(1, 30)).toBe(1);
    expect(valueOfMinutes(1, 29)).toBe(0);
    // Far past 2^53 in the intermediate product, still exact.
    expect(valueOfMinutes(9_000_000, 1_000_000_000)).toBe(150_000_000_000_000);
    expect(() => valueOfMinutes(-1, 100)).toThrow(RangeError);
    expect(roiOf(saved, null, 5000)).toMatchObject({ timeValuePaise: null, totalPaise: 5000 });
    expect(roiOf(saved, 120_000, 5000)).toMatchObject({
      timeValuePaise: 630_000,
      revenuePaise: 5000,
      totalPaise: 635_000,
    });
  });

  it('reads rupees as people type them, exactly, and refuses the rest', () => {
    expect(parseRupees('1,500')).toBe(150_000);
    expect(parseRupees(' ₹1,234.5 ')).toBe(123_450);
    expect(parseRupees('0.07')).toBe(7);
    expect(parseRupees('19.99')).toBe(1999);
    for (const bad of ['', '1.234', '-5', '1e3', '12abc', '٣', '0x10', '1 000'])
      expect(parseRupees(bad), bad).toBeUndefined();
  });
});

describe.each(storeBackends('customer_dashboard'))('the dashboard figures on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let org: string;
  let other: string;
  let userId: string;

  beforeAll(async () => {
    ({ store, close } = await backend.open());
    org = (await createCustomer(store, { slug: 'acme', name: 'Acme' })).id;
    other = (await createCustomer(store, { slug: 'else', name: 'Else' })).id;
    userId = randomUUID();
    await store.query(
      `insert into commerce_users (id, email, email_key, name, password_hash) values ($1, 'a@acme.example', 'a@acme.example', 'Ada', 'x')`,
      [userId],
    );
  });
  afterAll(async () => close());

  /** A task row as the recorder leaves it, with its rating. */
  const task = async (o: {
    organisation?: string;
    agent?: string;
    type?: string;
    state: string;
    started?: Date | null;
    finished?: Date | null;
    stars?: number;
  }) => {
    const id = randomUUID();
    await store.query(
      `insert into customer_tasks (id, organisation_id, agent_id, task_type, input, state, request_sha256, created_at, started_at, finished_at)
       values ($1, $2, $3, $4, '{}', $5, 'x', $6, $7, $8)`,
      [
        id,
        o.organisation ?? org,
        o.agent ?? 'seo',
        o.type ?? 'seo.audit',
        o.state,
        at(-1),
        o.started ?? null,
        o.finished ?? null,
      ],
    );
    if (o.stars !== undefined)
      await store.query('insert into customer_task_ratings (task_id, stars) values ($1, $2)', [id, o.stars]);
    return id;
  };

  it("computes each agent's work, ratings, response times and hours active from the organisation's own tasks", async () => {
    // Five done SEO tasks taking 1..5 minutes, rated 5,4,3 (two unrated); one without a known start.
    for (let i = 0; i < 5; i++)
      await task({
        state: 'done',
        started: at(10 * i),
        finished: at(10 * i + i + 1),
        ...(i < 3 ? { stars: 5 - i } : {}),
      });
    await task({ state: 'done', started: null, finished: at(60), type: 'seo.keywords' });
    await task({ state: 'failed', started: at(70), finished: at(71) });
    await task({ state: 'working', started: at(80) });
    await task({ agent: 'content', type: 'content.post', state: 'done', started: at(0), finished: at(30), stars: 2 });
    // Another organisation's work is never counted.
    await task({ organisation: other, state: 'done', started: at(0), finished: at(500), stars: 1 });

    const work = await organisationWork(store, org);
    expect([...work.keys()]).toEqual(['content', 'seo']);
    const seo = work.get('seo');
    expect(seo).toMatchObject({
      tasksCompleted: 6,
      tasksFailed: 1,
      tasksOpen: 1,
      rating: { mean: 4, count: 3, starsTotal: 12 },
      responseTime: { count: 5, medianMs: 180_000 },
      activeMs: 15 * 60_000,
    });
    // p95 of 1..5 minutes by linear interpolation: 4 + 0.8 × (5 − 4) minutes.
    expect(seo?.responseTime.p95Ms).toBeCloseTo(288_000, 6);
    expect(work.get('content')).toMatchObject({
      tasksCompleted: 1,
      rating: { mean: 2, count: 1 },
      activeMs: 30 * 60_000,
    });

    expect(await completedCounts(store, org)).toEqual([
      { agentId: 'content', taskType: 'content.post', completed: 1 },
      { agentId: 'seo', taskType: 'seo.audit', completed: 5 },
      { agentId: 'seo', taskType: 'seo.keywords', completed: 1 },
    ]);
    expect((await organisationWork(store, randomUUID())).size).toBe(0);
  });

  it("counts completed tasks per day in the organisation's time zone", async () => {
    const day = randomUUID();
    const customer = (await createCustomer(store, { slug: `days-${day.slice(0, 8)}`, name: 'Days' })).id;
    // 20:00 UTC on 30 Nov is 1 Dec in Kolkata (UTC+5:30); 18:00 UTC is still 30 Nov there.
    await task({ organisation: customer, state: 'done', finished: new Date('2026-11-30T20:00:00Z') });
    await task({ organisation: customer, state: 'done', finished: new Date('2026-11-30T18:00:00Z') });
    await task({
      organisation: customer,
      state: 'done',
      finished: new Date('2026-12-01T10:00:00Z'),
      type: 'seo.keywords',
    });
    await task({ organisation: customer, state: 'failed', finished: new Date('2026-12-01T10:00:00Z') });
    const range = { from: '2026-11-30', to: '2026-12-01' };
    expect(await dailyCounts(store, customer, { ...range, timeZone: 'Asia/Kolkata' })).toEqual([
      { day: '2026-11-30', agentId: 'seo', taskType: 'seo.audit', completed: 1 },
      { day: '2026-12-01', agentId: 'seo', taskType: 'seo.audit', completed: 1 },
      { day: '2026-12-01', agentId: 'seo', taskType: 'seo.keywords', completed: 1 },
    ]);
    expect(await dailyCounts(store, customer, { ...range, timeZone: 'UTC' })).toEqual([
      { day: '2026-11-30', agentId: 'seo', taskType: 'seo.audit', completed: 2 },
      { day: '2026-12-01', agentId: 'seo', taskType: 'seo.keywords', completed: 1 },
    ]);
  });

  it('keeps the figures as a snapshot while nothing they count changes, and computes them again when a task or rating does', async () => {
    const customer = (await createCustomer(store, { slug: `snap-${randomUUID().slice(0, 8)}`, name: 'Snap' })).id;
    const range = { from: '2026-11-30', to: '2026-12-01', timeZone: 'Asia/Kolkata' };
    expect(await workFigures(store, customer, range)).toEqual({ work: new Map(), counts: [], daily: [] });
    const done = await task({ organisation: customer, state: 'done', started: at(0), finished: at(2) });
    const first = await workFigures(store, customer, range);
    expect(first.counts).toEqual([{ agentId: 'seo', taskType: 'seo.audit', completed: 1 }]);
    expect(first.work.get('seo')).toMatchObject({ tasksCompleted: 1, rating: { count: 0 } });
    expect(first.daily).toEqual([{ day: '2026-11-30', agentId: 'seo', taskType: 'seo.audit', completed: 1 }]);

    // While nothing changes the snapshot is what is read: marked here, the mark comes back.
    const mark = [{ agentId: 'seo', taskType: 'marked', completed: 99 }];
    await store.query('update customer_work_snapshots set counts = $2::jsonb where organisation_id = $1', [
      customer,
      JSON.stringify(mark),
    ]);
    expect((await workFigures(store, customer, range)).counts).toEqual(mark);
    // Other days are another snapshot, computed from the tasks.
    expect((await workFigures(store, customer, { ...range, timeZone: 'UTC' })).counts).toEqual(first.counts);

    // A rating changes what the figures count: computed again, whoever wrote it.
    await store.query('insert into customer_task_ratings (task_id, stars) values ($1, 4)', [done]);
    expect((await workFigures(store, customer, range)).work.get('seo')).toMatchObject({
      rating: { mean: 4, count: 1 },
    });
    // So does a task's new state.
    const open = await task({ organisation: customer, state: 'working', started: at(3) });
    expect((await workFigures(store, customer, range)).work.get('seo')).toMatchObject({ tasksOpen: 1 });
    await store.query(`update customer_tasks set state = 'done', finished_at = $2 where id = $1`, [open, at(5)]);
    const last = await workFigures(store, customer, range);
    expect(last.work.get('seo')).toMatchObject({ tasksOpen: 0, tasksCompleted: 2 });
    expect(last.counts).toEqual([{ agentId: 'seo', taskType: 'seo.audit', completed: 2 }]);
    // Two views at once after a change agree.
    await store.query('update customer_task_ratings set stars = 2 where task_id = $1', [done]);
    const [a, b] = await Promise.all([workFigures(store, customer, range), workFigures(store, customer, range)]);
    expect(a).toEqual(b);
    expect(a.work.get('seo')).toMatchObject({ rating: { mean: 2, count: 1 } });
  });

  it('keeps the hourly cost and the revenue recorded, refusing bad input field by field', async () => {
    const now = new Date('2026-12-01T09:00:00Z');
    expect(await hourlyCostOf(store, org)).toBeNull();
    expect(await setHourlyCost(store, { organisationId: org, userId, hourlyCost: '1,250.50', now })).toBe(125_050);
    expect(await setHourlyCost(store, { organisationId: org, userId, hourlyCost: '1500', now })).toBe(150_000);
    expect(await hourlyCostOf(store, org)).toBe(150_000);
    await expect(setHourlyCost(store, { organisationId: org, userId, hourlyCost: '1e9', now })).rejects.toMatchObject({
      code: 'WOW_ERR_ROI_INPUT',
    });

    await recordRevenue(store, {
      organisationId: org,
      userId,
      fields: { amount: '25,000', note: 'Orders', date: '2026-11-29' },
      now,
    });
    await recordRevenue(store, {
      organisationId: org,
      userId,
      fields: { amount: '0.01', note: '<b>x</b>', date: '2026-12-01' },
      now,
    });
    await recordRevenue(store, {
      organisationId: other,
      userId,
      fields: { amount: '99', note: 'theirs', date: '2026-12-01' },
      now,
    });
    const revenue = await revenueOf(store, org, 10);
    expect(revenue.totalPaise).toBe(2_500_001);
    expect(revenue.entries.map((e) => [e.occurredOn, e.amountPaise, e.note])).toEqual([
      ['2026-12-01', 1, '<b>x</b>'],
      ['2026-11-29', 2_500_000, 'Orders'],
    ]);

    const refused = await recordRevenue(store, {
      organisationId: org,
      userId,
      fields: { amount: '0', note: 'x'.repeat(201), date: '2026-02-30' },
      now,
    }).catch((err: unknown) => err);
    expect(isWowError(refused, 'WOW_ERR_ROI_INPUT')).toBe(true);
    expect((refused as { data: { errors: { field: string }[] } }).data.errors.map((e) => e.field)).toEqual([
      'amount',
      'note',
      'date',
    ]);
    // Not in the future: a week ahead is refused.
    await expect(
      recordRevenue(store, {
        organisationId: org,
        userId,
        fields: { amount: '5', note: 'later', date: '2026-12-08' },
        now,
      }),
    ).rejects.toMatchObject({ code: 'WOW_ERR_ROI_INPUT' });
    expect((await revenueOf(store, org, 10)).entries).toHaveLength(2);
  });

  it("lists only the customer's tickets, filtered and paged by cursor, each with its SLA state", async () => {
    const open = (subject: string, customerId: string, minutes = 0) =>
      store.transaction((tx) =>
        openTicket(tx, { subject, body: 'help', channel: 'api', customerId, requester: {}, at: at(minutes) }),
      );
    const tickets = [];
    for (let i = 0; i < 5; i++) tickets.push(await open(`Ticket ${i}`, org));
    await open('Not yours', other);
    await store.query(`update support_tickets set tier = 'L2' where id = $1`, [tickets[1]?.id]);
    await store.query(`update support_sla_clocks set met_at = started_at + interval '1 minute' where ticket_id = $1`, [
      tickets[2]?.id,
    ]);
    await store.query(`update support_sla_clocks set paused_since = started_at where ticket_id = $1`, [tickets[3]?.id]);
    await store.query(`update support_tickets set status = 'solved' where id = $1`, [tickets[4]?.id]);
    await store.query(`update support_sla_clocks set met_at = due_at + interval '1 minute' where ticket_id = $1`, [
      tickets[4]?.id,
    ]);

    // Seven hours into a normal ticket's 8-hour first response: less than a fifth left.
    const now = at(7 * 60);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listTickets(store, org, { limit: '2', ...(cursor === null ? {} : { cursor }) }, now);
      expect(page.tickets.length).toBeLessThanOrEqual(2);
      seen.push(...page.tickets.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen.sort()).toEqual(tickets.map((t) => t.id).sort());

    const all = await listTickets(store, org, {}, now);
    const sla = Object.fromEntries(all.tickets.map((t) => [t.subject, t.sla.state]));
    expect(sla).toEqual({
      'Ticket 0': 'at_risk',
      'Ticket 1': 'at_risk',
      'Ticket 2': 'met',
      'Ticket 3': 'paused',
      'Ticket 4': 'missed',
    });
    expect(
      (await listTickets(store, org, {}, at(9 * 60))).tickets.find((t) => t.subject === 'Ticket 0')?.sla,
    ).toMatchObject({
      state: 'breached',
    });
    expect((await listTickets(store, org, {}, at(60))).tickets.find((t) => t.subject === 'Ticket 0')?.sla.state).toBe(
      'on_track',
    );
    expect((await listTickets(store, org, { tier: 'L2' }, now)).tickets.map((t) => t.subject)).toEqual(['Ticket 1']);
    expect((await listTickets(store, org, { status: 'solved' }, now)).tickets.map((t) => t.subject)).toEqual([
      'Ticket 4',
    ]);
    for (const bad of [{ limit: '1000' }, { status: 'gone' }, { cursor: 'not-a-cursor' }, { tier: 'L9' }])
      await expect(listTickets(store, org, bad, now), JSON.stringify(bad)).rejects.toMatchObject({
        code: 'WOW_ERR_SUPPORT_INPUT',
      });
  });
});
