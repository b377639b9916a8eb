import { assertEventTypeValid, requestTermsSchema } from '#platform';
import { withVisibleEscapes } from './hostile-characters.ts';
import type { RequestTerms } from './validate-answers.ts';

/** The limits a line may set, as agent.yml's `answers` names them. */
const limitNames = ['timeoutMs', 'maxTimeoutMs', 'concurrency', 'queue'] as const;
type LimitName = (typeof limitNames)[number];

/** The most request types one agent answers: each is a protocol, its handler and its callers' terms. */
export const maxRequestTypes = 20;

const show = (text: string) => `"${withVisibleEscapes(text.length > 80 ? `${text.slice(0, 80)}…` : text)}"`;

/**
 * The answer to "Requests it answers", one request type a line:
 * `<type> [timeoutMs=<ms>] [maxTimeoutMs=<ms>] [concurrency=<n>] [queue=<n>] [- why these limits]`,
 * e.g. `search.articles timeoutMs=10000 maxTimeoutMs=30000 concurrency=16 - a search takes milliseconds`.
 * The limits are checked by the platform's own schema of agent.yml's `answers`, so the
 * questionnaire and the manifest agree on their bounds; every problem goes to `problem`.
 */
export function requestTerms(lines: readonly string[], problem: (message: string) => void): RequestTerms[] {
  if (lines.length > maxRequestTypes) {
    problem(`lists ${lines.length} request types; an agent answers at most ${maxRequestTypes}.`);
    return [];
  }
  const found: RequestTerms[] = [];
  for (const line of lines) {
    const [head = '', ...about] = line.split(/\s+[-–]\s+/);
    const [type = '', ...settings] = head.trim().split(/\s+/);
    try {
      assertEventTypeValid(type);
    } catch {
      problem(
        `${show(type)} is not a request type: write <domain>.<entity>.<action> in lowercase first on the line, e.g. "search.articles timeoutMs=10000".`,
      );
      continue;
    }
    if (found.some((t) => t.type === type)) {
      problem(`${show(type)} is listed twice; keep one line for it.`);
      continue;
    }
    const limits: Partial<Record<LimitName, number>> = {};
    let ok = true;
    for (const setting of settings) {
      const m = /^([A-Za-z]+)=(\S+)$/.exec(setting);
      const name = limitNames.find((n) => n === m?.[1]);
      if (m === null || name === undefined) {
        problem(
          `${show(setting)} (for ${type}) is not a limit: write name=value with a name of ${limitNames.join(', ')}, e.g. timeoutMs=5000.`,
        );
        ok = false;
        continue;
      }
      if (limits[name] !== undefined) {
        problem(`${type} sets ${name} twice; keep one.`);
        ok = false;
        continue;
      }
      const value = /^\d{1,7}$/.test(m[2] ?? '') ? Number(m[2]) : Number.NaN;
      limits[name] = value;
    }
    const checked = requestTermsSchema.safeParse(
      Object.fromEntries(Object.entries(limits).map(([k, v]) => [k, Number.isNaN(v) ? 'not a whole number' : v])),
    );
    if (!checked.success) {
      for (const issue of checked.error.issues) problem(`${type} ${issue.path.join('.')}: ${issue.message}.`);
      ok = false;
    } else if (checked.data.maxTimeoutMs !== undefined && checked.data.maxTimeoutMs < checked.data.timeoutMs) {
      problem(
        `${type} maxTimeoutMs is ${checked.data.maxTimeoutMs}, below its timeoutMs of ${checked.data.timeoutMs}: make it at least that.`,
      );
      ok = false;
    }
    if (!ok) continue;
    const why = about.join(' - ').trim();
    found.push({
      type,
      timeoutMs: limits.timeoutMs,
      maxTimeoutMs: limits.maxTimeoutMs,
      concurrency: limits.concurrency,
      queue: limits.queue,
      why: why === '' ? undefined : why,
    });
  }
  return found;
}
