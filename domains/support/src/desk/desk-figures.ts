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
