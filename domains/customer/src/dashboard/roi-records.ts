import { randomUUID } from 'node:crypto';
import type { PgQueryable } from '#platform';
import { createError } from '../errors.ts';
import { parseRupees } from './roi.ts';

/** The highest hourly cost and revenue entry taken (the tables' checks say the same). */
export const maxHourlyCostPaise = 1_000_000_000;
export const maxRevenuePaise = 100_000_000_000;
export const maxNoteLength = 200;

/** Revenue an organisation's member recorded as coming from the agents' work. */
export interface RevenueEntry {
  id: string;
  amountPaise: number;
  note: string;
  /** YYYY-MM-DD. */
  occurredOn: string;
  recordedAt: string;
}

const problems = (errors: { field: string; message: string }[]) =>
  createError(
    'WOW_ERR_ROI_INPUT',
    { problems: errors.map((e) => `${e.field}: ${e.message}`).join('; ') },
    { data: { errors } },
  );

/** The organisation's cost of an hour of a person's work in paise, or null while no owner has set it. */
export async function hourlyCostOf(db: PgQueryable, organisationId: string): Promise<number | null> {
  const { rows } = await db.query<{ hourly_cost_paise: string }>(
    'select hourly_cost_paise from customer_roi_settings where organisation_id = $1',
    [organisationId],
  );
  return rows[0] === undefined ? null : Number(rows[0].hourly_cost_paise);
}

/**
 * Sets the hourly cost from a form's rupees (`hourlyCost`: "1,500" or "1500.50"); the
 * caller checked that `userId` is an owner. WOW_ERR_ROI_INPUT names the field at fault.
 */
export async function setHourlyCost(
  db: PgQueryable,
  input: { organisationId: string; userId: string; hourlyCost: string | undefined; now: Date },
): Promise<number> {
  const paise = parseRupees((input.hourlyCost ?? '').slice(0, 40));
  if (paise === undefined || paise > maxHourlyCostPaise)
    throw problems([
      {
        field: 'hourlyCost',
        message: 'Enter the cost of an hour in rupees, like 1500 or 1,250.50 (at most ₹1,00,00,000)',
      },
    ]);
  await db.query(
    `insert into customer_roi_settings (organisation_id, hourly_cost_paise, updated_by, updated_at) values ($1, $2, $3, $4)
     on conflict (organisation_id) do update
       set hourly_cost_paise = excluded.hourly_cost_paise, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    [input.organisationId, paise, input.userId, input.now],
  );
  return paise;
}

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day (YYYY-MM-DD) from 2000 to `latest`, or undefined. */
function calendarDay(text: string, latest: Date): string | undefined {
  const match = dayPattern.exec(text.trim());
  if (match === null) return undefined;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const at = new Date(Date.UTC(y, m - 1, d));
  if (at.getUTCFullYear() !== y || at.getUTCMonth() !== m - 1 || at.getUTCDate() !== d) return undefined;
  // A day later than tomorrow in UTC is a day that cannot have had revenue yet, in any zone.
  return y >= 2000 && at.getTime() <= latest.getTime() + 86_400_000 ? match[0] : undefined;
}

/**
 * Records revenue from a form (`amount` in rupees, `note`, `date` YYYY-MM-DD); every
 * field's problem is reported at once in WOW_ERR_ROI_INPUT.
 */
export async function recordRevenue(
  db: PgQueryable,
  input: {
    organisationId: string;
    userId: string;
    fields: { amount?: string | undefined; note?: string | undefined; date?: string | undefined };
    now: Date;
  },
): Promise<RevenueEntry> {
  const amount = parseRupees((input.fields.amount ?? '').slice(0, 40));
  const note = (input.fields.note ?? '').trim();
  const day = calendarDay((input.fields.date ?? '').slice(0, 20), input.now);
  const errors = [
    ...(amount === undefined || amount < 1 || amount > maxRevenuePaise
      ? [{ field: 'amount', message: 'Enter the amount in rupees, like 25000 or 1,999.50 (more than zero)' }]
      : []),
    ...(note.length === 0 || note.length > maxNoteLength
      ? [{ field: 'note', message: `Say in up to ${maxNoteLength} characters where the revenue came from` }]
      : []),
    ...(day === undefined
      ? [{ field: 'date', message: 'Enter the day it came in, like 2026-11-30, not in the future' }]
      : []),
  ];
  if (errors.length > 0 || amount === undefined || day === undefined) throw problems(errors);
  const id = randomUUID();
  await db.query(
    `insert into customer_revenue_impacts (id, organisation_id, amount_paise, note, occurred_on, recorded_by, recorded_at)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [id, input.organisationId, amount, note, day, input.userId, input.now],
  );
  return { id, amountPaise: amount, note, occurredOn: day, recordedAt: input.now.toISOString() };
}

/** The organisation's recorded revenue: the total of every entry, and the latest `limit` entries. */
export async function revenueOf(
  db: PgQueryable,
  organisationId: string,
  limit: number,
): Promise<{ totalPaise: number; entries: RevenueEntry[] }> {
  const total = await db.query<{ total: string }>(
    'select coalesce(sum(amount_paise), 0)::text as total from customer_revenue_impacts where organisation_id = $1',
    [organisationId],
  );
  const { rows } = await db.query<{ id: string; amount_paise: string; note: string; day: string; recorded_at: Date }>(
    `select id::text, amount_paise::text, note, to_char(occurred_on, 'YYYY-MM-DD') as day, recorded_at
       from customer_revenue_impacts where organisation_id = $1 order by occurred_on desc, recorded_at desc limit $2`,
    [organisationId, Math.min(Math.max(limit, 1), 100)],
  );
  return {
    totalPaise: Number(total.rows[0]?.total ?? 0),
    entries: rows.map((r) => ({
      id: r.id,
      amountPaise: Number(r.amount_paise),
      note: r.note,
      occurredOn: r.day,
      recordedAt: new Date(r.recorded_at).toISOString(),
    })),
  };
}
