import type { Metrics, Store } from '#platform';
import { deskFigures, type DeskFigures } from '#domains/support';
import { openIncidents } from '../../agents/wowanalytics/src/index.ts';

/**
 * The support desk's figures in `/metrics`, read from the database when Prometheus
 * scrapes: every server shows the same figures (dashboards take their `max`), and agent
 * workers, which serve no desk, show none.
 */
export function watchDeskMetrics(metrics: Metrics, store: Store): void {
  let last: Promise<DeskFigures> | undefined;
  // One read per scrape serves the three desk gauges.
  const figures = () => {
    last ??= deskFigures(store).finally(() => setImmediate(() => (last = undefined)));
    return last;
  };
  metrics.watchGauge({
    name: 'wow_support_tickets',
    help: 'Tickets by tier (L1, L2, L3) and status (new, open, pending_customer, on_hold, solved, closed).',
    labelNames: ['tier', 'status'],
    read: async () =>
      (await figures()).tickets.map((t) => ({ labels: { tier: t.tier, status: t.status }, value: t.count })),
  });
  metrics.watchGauge({
    name: 'wow_support_sla_overdue_clocks',
    help: 'SLA clocks past due and still running (first_response, next_response, resolution): tickets to answer now.',
    labelNames: ['kind'],
    read: async () => (await figures()).overdueClocks.map((c) => ({ labels: { kind: c.kind }, value: c.count })),
  });
  metrics.watchGauge({
    name: 'wow_support_csat_ratings',
    help: 'Satisfaction ratings customers gave solved tickets, by rating (good, bad), since the desk began.',
    labelNames: ['rating'],
    read: async () => (await figures()).csatRatings.map((c) => ({ labels: { rating: c.rating }, value: c.count })),
  });
  metrics.watchGauge({
    name: 'wow_incidents_open',
    help: 'Incidents WowAnalytics has open, per agent (at most one each): the agent regressed against its baseline.',
    labelNames: ['agent'],
    read: async () => (await openIncidents(store)).map((i) => ({ labels: { agent: i.agentId }, value: 1 })),
  });
}
