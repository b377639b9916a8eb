import { describe, expect, it } from 'vitest';
import { decidingWindows, remedyVerdict } from '../src/incidents/remedy-verdict.ts';

// The one rule a remedy is judged by: the live look (judge-remedies.ts, over the windows it
// judges from the recorded minutes) and `wow playbooks test --recorded` both apply it.
const rule = { verifyWindows: 3, healthyChecksToClose: 2 };
const h = 'healthy' as const;
const r = 'regressed' as const;
const u = 'unknown' as const;

describe('remedyVerdict', () => {
  it.each([
    { windows: [], verdict: { verdict: 'pending' } },
    { windows: [r, r], verdict: { verdict: 'pending' } },
    // Healthy in the last window of its given ones: one more decides.
    { windows: [r, r, h], verdict: { verdict: 'pending' } },
    // Healthy windows in a row are recovery, before the remedy's windows are up too.
    { windows: [h, h], verdict: { verdict: 'recovered', window: 2 } },
    { windows: [r, h, h], verdict: { verdict: 'recovered', window: 3 } },
    // A window not healthy once they are up is no recovery: regressed, or too quiet to tell.
    { windows: [r, r, r], verdict: { verdict: 'unrecovered', window: 3 } },
    { windows: [u, u, u], verdict: { verdict: 'unrecovered', window: 3 } },
    { windows: [h, r, h, u], verdict: { verdict: 'unrecovered', window: 4 } },
    { windows: [r, r, h, h], verdict: { verdict: 'recovered', window: 4 } },
  ] as const)('$windows → $verdict.verdict', ({ windows, verdict }) => {
    expect(remedyVerdict(windows, rule)).toEqual(verdict);
  });

  it('always decides by its deciding windows, whatever they show', () => {
    const states = [h, r, u] as const;
    for (const opts of [
      rule,
      { verifyWindows: 1, healthyChecksToClose: 2 },
      { verifyWindows: 5, healthyChecksToClose: 1 },
    ]) {
      const n = decidingWindows(opts);
      // Every sequence of n windows (3^n of them) reaches a verdict.
      for (let i = 0; i < 3 ** n; i += 1) {
        const windows = Array.from({ length: n }, (_, k) => states[Math.floor(i / 3 ** k) % 3] ?? h);
        expect(remedyVerdict(windows, opts).verdict, windows.join()).not.toBe('pending');
      }
    }
  });
});
