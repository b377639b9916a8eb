import type { Invoice, Pricing, Subscription, Trial } from '#domains/commerce';
import { roiOf, timeSaved, type AgentWork, type Roi, type RevenueEntry } from '#domains/customer';
import { ticketPageAt, type TicketPage } from '#domains/support';
import type { CatalogAgent } from '../marketplace/load-catalog.ts';
import type { RecordsReader } from './organisation-records.ts';

/** The organisation a dashboard is for, and how the caller holds it: an owner, a member, or an API key (read only). */
export interface Viewer {
  organisation: { id: string; slug: string; name: string };
  role: 'owner' | 'member' | 'key';
}

/** An agent the organisation hired: one with a trial or a subscription, with its work for it. */
export interface HiredAgent {
  id: string;
  name: string;
  avatar: string;
  /** Still in the marketplace (its manifest is there): its profile and task estimates are known. */
  listed: boolean;
  trial: { state: Trial['state']; endsAt: string; daysLeft: number } | null;
  subscription: {
    status: Subscription['status'];
    planName: string;
    periodEnd: string;
    daysLeft: number;
    cancelAtPeriodEnd: boolean;
  } | null;
  work: AgentWork;
  /** The minutes its completed tasks saved, from each task type's minutesSaved. */
  minutesSaved: number;
}

export interface UsageDay {
  /** YYYY-MM-DD in the organisation's time zone. */
  day: string;
  tasksCompleted: number;
  minutesSaved: number;
}

export interface Dashboard {
  viewer: Viewer;
  timeZone: string;
  now: Date;
  agents: HiredAgent[];
  roi: Roi;
  revenue: RevenueEntry[];
  usage: UsageDay[];
  invoices: Invoice[];
  tickets: TicketPage;
}

const dayMs = 86_400_000;

const noWork = (agentId: string): AgentWork => ({
  agentId,
  tasksCompleted: 0,
  tasksFailed: 0,
  tasksOpen: 0,
  rating: { mean: null, count: 0, starsTotal: 0 },
  responseTime: { medianMs: null, p95Ms: null, count: 0 },
  activeMs: 0,
});

/** Whole days from `now` to `end`, rounded up (a few hours left is "1 day"), never below 0. */
export const daysLeft = (end: string, now: Date): number =>
  Math.max(0, Math.ceil((new Date(end).getTime() - now.getTime()) / dayMs));

/**
 * Everything the dashboard shows of one organisation, read from its rows: its trials and
 * subscriptions (the agents it hired), its tasks (work, ratings, response times, usage by
 * day), its ROI settings and revenue, its invoices and its support tickets.
 */
export async function readDashboard(
  deps: { records: RecordsReader; catalog: ReadonlyMap<string, CatalogAgent>; pricing: Pricing },
  viewer: Viewer,
  now: Date,
): Promise<Dashboard> {
  const { catalog, pricing } = deps;
  const orgId = viewer.organisation.id;
  const records = await deps.records.of(orgId, now);
  const { timeZone, days, trials, subscriptions, revenue, invoices } = records;
  const { work, counts, daily } = records.figures;
  const minutesSavedOf = (agentId: string, taskType: string) =>
    catalog.get(agentId)?.tasks.find((t) => t.type === taskType)?.minutesSaved;

  const ids = [...new Set([...trials.map((t) => t.agentId), ...subscriptions.map((s) => s.agentId)])];
  const agents = ids
    .map((id): HiredAgent => {
      const listed = catalog.get(id);
      const trial = trials.find((t) => t.agentId === id);
      const sub = subscriptions.find((s) => s.agentId === id);
      return {
        id,
        name: listed?.name ?? id,
        avatar: listed?.avatar ?? '🤖',
        listed: listed !== undefined,
        trial:
          trial === undefined
            ? null
            : {
                state: trial.state,
                endsAt: trial.endsAt,
                daysLeft: trial.state === 'active' ? daysLeft(trial.endsAt, now) : 0,
              },
        subscription:
          sub === undefined
            ? null
            : {
                status: sub.status,
                planName: pricing.plans[sub.planId].name,
                periodEnd: sub.currentPeriodEnd,
                daysLeft: sub.status === 'cancelled' ? 0 : daysLeft(sub.currentPeriodEnd, now),
                cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
              },
        work: work.get(id) ?? noWork(id),
        minutesSaved: timeSaved(
          counts.filter((c) => c.agentId === id),
          minutesSavedOf,
        ).minutes,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));

  const usage = days.map((day) => {
    const of = daily.filter((d) => d.day === day);
    return {
      day,
      tasksCompleted: of.reduce((n, d) => n + d.completed, 0),
      minutesSaved: timeSaved(of, minutesSavedOf).minutes,
    };
  });

  return {
    viewer,
    timeZone,
    now,
    agents,
    roi: roiOf(timeSaved(counts, minutesSavedOf), records.hourlyCostPaise, revenue.totalPaise),
    revenue: revenue.entries,
    usage,
    invoices,
    tickets: ticketPageAt(records.tickets, now),
  };
}
