/** An agent's handling over a span: how many events, how many failed, the mean time. */
export interface HealthSpan {
  handled: number;
  errorRate: number;
  meanMs: number;
}

export interface HealthFigures {
  agentId: string;
  baseline: HealthSpan;
  current: HealthSpan;
}

export type Signal = 'latency' | 'errors';

export type Judgement =
  | { state: 'regressed'; signals: Signal[]; summary: string }
  | { state: 'healthy'; summary: string }
  | { state: 'unknown'; why: string };

export interface HealthPolicy {
  /** The rise over baseline that is a regression: 0.2 is +20%. */
  rise: number;
  /** The current window and the baseline before it. */
  windowMinutes: number;
  baselineHours: number;
  /** Fewer events than these say nothing either way. */
  minBaselineEvents: number;
  minCurrentEvents: number;
  /** Floors under the rise, so 2 ms → 3 ms or 0 → 1 failure in 500 is not an incident. */
  minLatencyRiseMs: number;
  minErrorRiseRate: number;
  /** Healthy judgements in a row before an incident closes: one good minute is not recovery. */
  healthyChecksToClose: number;
}

export const defaultHealthPolicy: HealthPolicy = {
  rise: 0.2,
  windowMinutes: 10,
  baselineHours: 7 * 24,
  minBaselineEvents: 30,
  minCurrentEvents: 10,
  minLatencyRiseMs: 5,
  minErrorRiseRate: 0.02,
  healthyChecksToClose: 2,
};

/** Compares an agent's current window with its own baseline. */
export function judgeHealth(f: HealthFigures, policy: HealthPolicy = defaultHealthPolicy): Judgement {
  if (f.baseline.handled < policy.minBaselineEvents)
    return {
      state: 'unknown',
      why: `${f.baseline.handled} events in the baseline, fewer than ${policy.minBaselineEvents}`,
    };
  if (f.current.handled < policy.minCurrentEvents)
    return {
      state: 'unknown',
      why: `${f.current.handled} events in the last ${policy.windowMinutes} minutes, fewer than ${policy.minCurrentEvents}`,
    };
  const signals: Signal[] = [];
  const { baseline: b, current: c } = f;
  if (c.meanMs > b.meanMs * (1 + policy.rise) && c.meanMs - b.meanMs >= policy.minLatencyRiseMs)
    signals.push('latency');
  if (c.errorRate > b.errorRate * (1 + policy.rise) && c.errorRate - b.errorRate >= policy.minErrorRiseRate)
    signals.push('errors');
  return signals.length === 0
    ? { state: 'healthy', summary: describeHealth(f, []) }
    : { state: 'regressed', signals, summary: describeHealth(f, signals) };
}

/** One line a person reads on the incident's issue and in the customer's notice. */
export function describeHealth(f: HealthFigures, signals: Signal[]): string {
  const ms = (n: number) => `${Math.round(n)} ms`;
  const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
  const rise = (now: number, base: number) =>
    base === 0 ? '' : ` (${now >= base ? '+' : ''}${Math.round(((now - base) / base) * 100)}%)`;
  const parts: string[] = [];
  if (signals.length === 0 || signals.includes('latency'))
    parts.push(
      `mean response ${ms(f.current.meanMs)} against a baseline of ${ms(f.baseline.meanMs)}${rise(f.current.meanMs, f.baseline.meanMs)}`,
    );
  if (signals.length === 0 || signals.includes('errors'))
    parts.push(`${pct(f.current.errorRate)} of events failed against a baseline of ${pct(f.baseline.errorRate)}`);
  return `${f.agentId}: ${parts.join('; ')}`;
}
