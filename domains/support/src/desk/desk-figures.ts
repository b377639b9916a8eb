import type { PgQueryable } from '#platform';
import type { TicketStatus } from './ticket-status.ts';
import type { SlaClockKind } from './sla.ts';
import type { Tier } from './tickets.ts';
import type { CsatRating } from './csat.ts';

/** The desk at a glance, for operators' dashboards: counts only, never a customer's words. */
export interface DeskFigures {
  tickets: { tier: Tier; status: TicketStatus; count: number }[];
  /** Clocks past due and still running (not met, stopped or paused): tickets someone must answer now. */
  overdueClocks: { kind: SlaClockKind; count: number }[];
  /** Every rating customers gave, by rating. */
  csatRatings: { rating: CsatRating; count: number }[];
}

export async function deskFigures(db: PgQueryable): Promise<DeskFigures> {
  const [tickets, overdue, csat] = await Promise.all([
    db.query<{ tier: Tier; status: TicketStatus; count: number }>(
      'select tier, status, count(*)::int as count from support_tickets group by tier, status',
    ),
    db.query<{ kind: SlaClockKind; count: number }>(
      `select kind, count(*)::int as count from support_sla_clocks
       where breached_at is not null and met_at is null and stopped_at is null and paused_since is null group by kind`,
    ),
    db.query<{ rating: CsatRating; count: number }>(
      'select rating, count(*)::int as count from support_csat where rating is not null group by rating',
    ),
  ]);
  return { tickets: tickets.rows, overdueClocks: overdue.rows, csatRatings: csat.rows };
}

/** The seed's targets per tier: the share of tickets reaching a tier solved there, and its first response. */
export const tierTargets = {
  L1: { solvedShare: 0.9, responseMinutes: 1 },
  L2: { solvedShare: 0.8, responseMinutes: 15 },
  L3: { solvedShare: 1, responseMinutes: 60 },
} as const satisfies Record<Tier, { solvedShare: number; responseMinutes: number }>;

/** One tier's work since a moment, against its targets (operators' dashboard). */
export interface TierFigures {
  tier: Tier;
  /** Tickets that reached this tier: a ticket escalates L1 → L2 → L3, never back. */
  reached: number;
  /** Of those, solved at this tier (its tier is still this one and it is solved or closed). */
  solvedHere: number;
  /** solvedHere / reached; null before any ticket reached the tier. */
  solvedShare: number | null;
  /** Median minutes to the first response of the tickets that ended at this tier, pauses left out; null without any. */
  medianResponseMinutes: number | null;
  target: { solvedShare: number; responseMinutes: number };
}

/**
 * Support by tier for tickets opened since `since`. A ticket records its current tier only,
 * so a ticket solved at L2 counts as reaching L1 and L2, and its first response counts for
 * the tier it ended at — the desk answers first at L1, so L2's and L3's figures read slow
 * only when L1 handed over late.
 */
export async function tierFigures(db: PgQueryable, since: Date): Promise<TierFigures[]> {
  const { rows } = await db.query<{ tier: Tier; tickets: number; solved: number; median: number | null }>(
    `select t.tier, count(*)::int as tickets,
            (count(*) filter (where t.status in ('solved', 'closed')))::int as solved,
            percentile_cont(0.5) within group (order by extract(epoch from (c.met_at - c.started_at - c.paused_total)) / 60)
              filter (where c.met_at is not null) as median
       from support_tickets t
       left join support_sla_clocks c on c.ticket_id = t.id and c.kind = 'first_response'
      where t.created_at >= $1
      group by t.tier`,
    [since],
  );
  const tiers = ['L1', 'L2', 'L3'] as const;
  const at = (tier: Tier) => rows.find((r) => r.tier === tier);
  return tiers.map((tier, i) => {
    const reached = tiers.slice(i).reduce((sum, t) => sum + (at(t)?.tickets ?? 0), 0);
    const solvedHere = at(tier)?.solved ?? 0;
    const median = at(tier)?.median;
    return {
      tier,
      reached,
      solvedHere,
      solvedShare: reached === 0 ? null : solvedHere / reached,
      medianResponseMinutes: median ?? null,
      target: tierTargets[tier],
    };
  });
}
