import type { Judgement } from './judge-health.ts';

export type RemedyVerdict =
  { verdict: 'recovered'; window: number } | { verdict: 'unrecovered'; window: number } | { verdict: 'pending' };

/**
 * The rule, over the windows after a remedy in order (the first is the first whole window
 * after it): `healthyChecksToClose` healthy windows in a row are recovery; a window not
 * judged healthy once `verifyWindows` have passed is not. A window with too little traffic
 * to judge is no recovery either. WowAnalytics' look applies it to the windows it judges
 * from the recorded minutes (judge-remedies.ts); `wow playbooks test --recorded` to
 * recorded windows.
 */
export function remedyVerdict(
  windows: readonly Judgement['state'][],
  opts: { verifyWindows: number; healthyChecksToClose: number },
): RemedyVerdict {
  let healthy = 0;
  for (const [i, state] of windows.entries()) {
    const window = i + 1;
    healthy = state === 'healthy' ? healthy + 1 : 0;
    if (healthy >= opts.healthyChecksToClose) return { verdict: 'recovered', window };
    if (state !== 'healthy' && window >= opts.verifyWindows) return { verdict: 'unrecovered', window };
  }
  return { verdict: 'pending' };
}

/** How many windows can decide the rule: a verdict comes by the last of them, whatever they show. */
export const decidingWindows = (opts: { verifyWindows: number; healthyChecksToClose: number }): number =>
  opts.verifyWindows + opts.healthyChecksToClose - 1;
