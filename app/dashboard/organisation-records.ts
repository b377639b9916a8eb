import type { Store } from '#platform';
import {
  accountVersionSql,
  listInvoices,
  subscriptionsOf,
  timeZoneOf,
  trialsOf,
  type Invoice,
  type Pricing,
  type Subscription,
  type Trial,
} from '#domains/commerce';
import {
  figuresVersionSql,
  hourlyCostOf,
  revenueOf,
  workFigures,
  type RevenueEntry,
  type WorkFigures,
} from '#domains/customer';
import { readTicketPage, ticketsVersionSql, type StoredTicketPage } from '#domains/support';

/** Days of usage the dashboard charts: the last 30, today included. */
export const usageDays = 30;
const dayMs = 86_400_000;

/**
 * What the dashboard reads of an organisation's own rows: its billing time zone, trials,
 * subscriptions, work figures over the last `usageDays` days, ROI settings, revenue,
 * invoices, and its latest tickets as stored (their SLA states are judged at each view).
 */
export interface OrganisationRecords {
  timeZone: string;
  /** The `usageDays` days up to today in `timeZone`, YYYY-MM-DD. */
  days: string[];
  trials: Trial[];
  subscriptions: Subscription[];
  figures: WorkFigures;
  hourlyCostPaise: number | null;
  revenue: { entries: RevenueEntry[]; totalPaise: number };
  invoices: Invoice[];
  tickets: StoredTicketPage;
}

export interface RecordsReader {
  /** The records of the organisation as of now; shared, never to be changed by the caller. */
  of(organisationId: string, now: Date): Promise<OrganisationRecords>;
}

// Day formatters by time zone: making one is most of what a day's name costs.
const dayFormats = new Map<string, Intl.DateTimeFormat>();
const dayFormatIn = (timeZone: string): Intl.DateTimeFormat => {
  let format = dayFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format;
};

/** The calendar day of `now` in `timeZone`, YYYY-MM-DD, and the `count` days up to it. */
export function lastDays(now: Date, timeZone: string, count: number): string[] {
  const end = Date.parse(`${dayFormatIn(timeZone).format(now)}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(end - (count - 1 - i) * dayMs).toISOString().slice(0, 10));
}

// The three versions the records stand on, one round trip: each domain names its own.
const versionsSql = `select ${accountVersionSql} || ':' || ${figuresVersionSql} || ':' || ${ticketsVersionSql} as versions`;

interface Kept {
  /** The account's, the figures' and the tickets' versions, read before the records were. */
  versions: string;
  records: Promise<OrganisationRecords>;
}

/**
 * Reads an organisation's records, and keeps the last read of up to `limit` organisations
 * in this process while nothing in them has changed. Each view asks only their three
 * versions (commerce's account, the customer figures', the support tickets'; triggers bump
 * them whoever writes) in one statement, and reads everything again after a change or when
 * the organisation's day turns. The versions are read before the records, so a change made
 * during a read makes the next view read again rather than hide behind it; views arriving
 * during a read share it.
 */
export function recordsReader(deps: { store: Store; pricing: Pricing; limit?: number }): RecordsReader {
  const { store, pricing } = deps;
  const limit = deps.limit ?? 1000;
  const kept = new Map<string, Kept>();

  const read = async (organisationId: string, now: Date): Promise<OrganisationRecords> => {
    const timeZone = await timeZoneOf(store, organisationId, pricing);
    const days = lastDays(now, timeZone, usageDays);
    const [trials, subscriptions, figures, hourlyCostPaise, revenue, invoices, tickets] = await Promise.all([
      trialsOf(store, organisationId),
      subscriptionsOf(store, organisationId),
      workFigures(store, organisationId, { from: days[0] ?? '', to: days.at(-1) ?? '', timeZone }),
      hourlyCostOf(store, organisationId),
      revenueOf(store, organisationId, 20),
      listInvoices(store, { organisationId, limit: 20 }),
      readTicketPage(store, organisationId, { limit: 20 }),
    ]);
    return { timeZone, days, trials, subscriptions, figures, hourlyCostPaise, revenue, invoices, tickets };
  };

  return {
    async of(organisationId, now) {
      const versions = (await store.query<{ versions: string }>(versionsSql, [organisationId])).rows[0]?.versions ?? '';
      const last = kept.get(organisationId);
      if (last !== undefined && last.versions === versions) {
        const records = await last.records;
        if (records.days.at(-1) === lastDays(now, records.timeZone, 1)[0]) {
          // Most recently used last: the first in the map is the one to let go.
          kept.delete(organisationId);
          kept.set(organisationId, last);
          return records;
        }
      }
      const entry: Kept = { versions, records: read(organisationId, now) };
      kept.delete(organisationId);
      kept.set(organisationId, entry);
      if (kept.size > limit) kept.delete(kept.keys().next().value ?? '');
      try {
        return await entry.records;
      } catch (err) {
        if (kept.get(organisationId) === entry) kept.delete(organisationId);
        throw err;
      }
    },
  };
}
