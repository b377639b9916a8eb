import { describe, expect, it } from 'vitest';
import { backupsToKeep } from '../keep-backups.ts';

/** One backup a day at 02:00 UTC for `days` days up to 2026-12-04 (a Friday), plus extra ones on the last day. */
function daily(days: number): { id: string; finishedAt: Date }[] {
  const last = Date.UTC(2026, 11, 4, 2);
  const backups = Array.from({ length: days }, (_, i) => ({
    id: `d${i}`,
    finishedAt: new Date(last - i * 86_400_000),
  }));
  return [...backups, { id: 'later-same-day', finishedAt: new Date(last + 3_600_000) }];
}

describe('backupsToKeep', () => {
  it('keeps the newest of each of the last N days and of each of the last M ISO weeks', () => {
    const kept = backupsToKeep(daily(40), { daily: 3, weekly: 3 });
    // Days: Dec 4 (the later one of that day), Dec 3, Dec 2.
    // Weeks (Monday-based): Nov 30–Dec 4 → Dec 4's later one, Nov 23–29 → Nov 29, Nov 16–22 → Nov 22.
    expect([...kept].sort()).toEqual(['d1', 'd2', 'd5', 'd12', 'later-same-day'].sort());
  });

  it('always keeps the newest, and keeps nothing else with the smallest retention', () => {
    expect([...backupsToKeep(daily(5), { daily: 1, weekly: 0 })]).toEqual(['later-same-day']);
    expect(backupsToKeep([], { daily: 7, weekly: 4 }).size).toBe(0);
  });

  it('keeps every backup when there are fewer periods than it may keep', () => {
    const few = daily(2).filter((b) => b.id !== 'later-same-day');
    expect(backupsToKeep(few, { daily: 7, weekly: 4 })).toEqual(new Set(['d0', 'd1']));
  });
});
