import type { CompletedCount } from './organisation-work.ts';

/** A task type's estimate of a person's minutes it saves (the manifest's `minutesSaved`), or undefined when unknown. */
export type MinutesSavedOf = (agentId: string, taskType: string) => number | undefined;

export interface TimeSaved {
  /** Σ over completed tasks of their type's minutesSaved. */
  minutes: number;
  /** Completed tasks whose type has no estimate (an agent or task type no longer listed): not counted. */
  unestimated: number;
}

/** The minutes the completed tasks saved: each type's count × its minutesSaved, in integers. */
export function timeSaved(counts: readonly CompletedCount[], minutesSavedOf: MinutesSavedOf): TimeSaved {
  let minutes = 0;
  let unestimated = 0;
  for (const c of counts) {
    const each = minutesSavedOf(c.agentId, c.taskType);
    if (each === undefined) unestimated += c.completed;
    else minutes += c.completed * each;
  }
  return { minutes, unestimated };
}

/**
 * What `minutes` of a person's work cost at `hourlyCostPaise` an hour: minutes × hourly / 60,
 * rounded half up to the paisa, in integer arithmetic (bigint) so no float ever rounds it.
 */
export function valueOfMinutes(minutes: number, hourlyCostPaise: number): number {
  if (!Number.isSafeInteger(minutes) || !Number.isSafeInteger(hourlyCostPaise) || minutes < 0 || hourlyCostPaise < 0)
    throw new RangeError('valueOfMinutes takes non-negative safe integers');
  return Number((BigInt(minutes) * BigInt(hourlyCostPaise) * 2n + 60n) / 120n);
}

/** The ROI as the dashboard shows it; every amount is integer paise. */
export interface Roi {
  timeSaved: TimeSaved;
  /** null until an owner sets the organisation's hourly cost. */
  hourlyCostPaise: number | null;
  timeValuePaise: number | null;
  revenuePaise: number;
  /** The time's value (0 while no hourly cost is set) plus the revenue recorded. */
  totalPaise: number;
}

export function roiOf(saved: TimeSaved, hourlyCostPaise: number | null, revenuePaise: number): Roi {
  const timeValuePaise = hourlyCostPaise === null ? null : valueOfMinutes(saved.minutes, hourlyCostPaise);
  return {
    timeSaved: saved,
    hourlyCostPaise,
    timeValuePaise,
    revenuePaise,
    totalPaise: (timeValuePaise ?? 0) + revenuePaise,
  };
}

/**
 * Rupees as a person types them ("12,500", "₹1,234.5", "99.99") to exact paise, or
 * undefined for anything else (a third decimal, a sign, an exponent): parsed as digits,
 * never through a float.
 */
export function parseRupees(text: string): number | undefined {
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/^₹\s*/, '').replace(/,/g, ''));
  if (match === null) return undefined;
  const paise = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(paise) ? paise : undefined;
}
