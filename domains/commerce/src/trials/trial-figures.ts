import type { PgQueryable } from '#platform';

/** Trials started since a moment and what became of them (operators' dashboard). */
export interface TrialFigures {
  since: string;
  started: number;
  /** Still running: neither converted nor ended yet. */
  active: number;
  converted: number;
  ended: number;
  /** converted / started; null before any trial started. Running trials count as not (yet) converted. */
  conversionRate: number | null;
}

export async function trialFigures(db: PgQueryable, since: Date): Promise<TrialFigures> {
  const { rows } = await db.query<{ started: number; active: number; converted: number; ended: number }>(
    `select count(*)::int as started,
            (count(*) filter (where state = 'active'))::int as active,
            (count(*) filter (where state = 'converted'))::int as converted,
            (count(*) filter (where state = 'ended'))::int as ended
       from commerce_trials where started_at >= $1`,
    [since],
  );
  const { started, active, converted, ended } = rows[0] ?? { started: 0, active: 0, converted: 0, ended: 0 };
  return {
    since: since.toISOString(),
    started,
    active,
    converted,
    ended,
    conversionRate: started === 0 ? null : converted / started,
  };
}
