import { describe, expect, it } from 'vitest';
import { perSecondLimit } from '../per-second-limit.ts';

describe('perSecondLimit', () => {
  it('lets `perSecond` calls a second through per key, and starts again in the next second', () => {
    const within = perSecondLimit(2);
    const t = new Date('2026-12-06T02:40:00.100Z');
    expect([within('a', t), within('a', t), within('a', t), within('b', t)]).toEqual([true, true, false, true]);
    const later = new Date('2026-12-06T02:40:00.900Z');
    expect(within('a', later)).toBe(false);
    const next = new Date('2026-12-06T02:40:01.000Z');
    expect([within('a', next), within('a', next), within('a', next)]).toEqual([true, true, false]);
  });
});
