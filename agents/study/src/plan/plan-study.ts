import rrule from 'rrule';
import { TaskNeedsInput } from '#platform';
import type { Topic, Weekday } from './read-plan-input.ts';
import { daysBetween, wallTime, zonedInstant } from './zoned-time.ts';

// rrule ships CommonJS: Node gives its exports as the default import.
const { RRule, datetime } = rrule;

export interface Session {
  n: number;
  kind: 'study' | 'review';
  /** The day and the wall-clock times in the student's time zone. */
  date: string;
  weekday: string;
  start: string;
  end: string;
  /** The same moments as instants, exact whatever the reader's clock. */
  startUtc: string;
  endUtc: string;
  topics: string[];
}

export interface TopicShare extends Topic {
  sessions: number;
  hours: number;
}

export interface StudyPlan {
  timezone: string;
  start: string;
  exam: string;
  weeks: number;
  weekdays: Weekday[];
  hoursPerWeek: number;
  sessionMinutes: number;
  /** The rule the sessions follow (RFC 5545 RRULE, on the student's wall-clock days). */
  rule: string;
  topics: TopicShare[];
  sessions: Session[];
}

export const planLimits = { days: 366, sessionMinutes: 12 * 60 } as const;

const byDay = {
  mo: RRule.MO,
  tu: RRule.TU,
  we: RRule.WE,
  th: RRule.TH,
  fr: RRule.FR,
  sa: RRule.SA,
  su: RRule.SU,
} as const;
const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * Shares `count` sessions among the topics in proportion to their difficulty (largest
 * remainder), each topic at least one; ties in the remainder go to the harder topic, then the
 * earlier line.
 */
export function shareSessions(topics: readonly Topic[], count: number): number[] {
  const spare = count - topics.length;
  const total = topics.reduce((sum, t) => sum + t.difficulty, 0);
  // In whole numbers: each topic's exact share is spare × difficulty / total, its remainder the part past the floor.
  const shares = topics.map((t) => 1 + Math.floor((spare * t.difficulty) / total));
  const left = count - shares.reduce((a, b) => a + b, 0);
  const order = topics
    .map((t, i) => ({ i, rest: (spare * t.difficulty) % total, difficulty: t.difficulty }))
    .sort((a, b) => b.rest - a.rest || b.difficulty - a.difficulty || a.i - b.i);
  for (const { i } of order.slice(0, left)) shares[i] = (shares[i] ?? 0) + 1;
  return shares;
}

/**
 * The order the study sessions take the topics in: each session goes to the topic furthest
 * behind its even pace (its share times the sessions so far, less what it had), so each topic
 * is spread over the weeks rather than done in one block; ties go to the harder topic, then the earlier line.
 */
export function spreadTopics(topics: readonly Topic[], shares: readonly number[]): number[] {
  const count = shares.reduce((a, b) => a + b, 0);
  const used = shares.map(() => 0);
  const order: number[] = [];
  for (let k = 1; k <= count; k++) {
    // The lag times `count`: whole numbers, so equal lags compare equal and the tie rule decides.
    const lag = (i: number) => (shares[i] ?? 0) * k - (used[i] ?? 0) * count;
    const open = topics
      .map((t, i) => ({ i, difficulty: t.difficulty }))
      .filter(({ i }) => (used[i] ?? 0) < (shares[i] ?? 0));
    // Sorting is stable: equal lags and difficulties keep the earlier line first.
    const next = open.sort((a, b) => lag(b.i) - lag(a.i) || b.difficulty - a.difficulty)[0]?.i ?? 0;
    used[next] = (used[next] ?? 0) + 1;
    order.push(next);
  }
  return order;
}

/**
 * A study plan from `start` to the day before the exam: sessions on the chosen weekdays (an
 * RRULE on the student's wall-clock days), each the week's hours shared by the weekdays, at
 * the session time in the student's time zone; the last `reviewSessions` review the topics,
 * hardest first, the others share out the topics by difficulty.
 */
export function planStudy(
  topics: readonly Topic[],
  opts: {
    start: string;
    exam: string;
    weekdays: Weekday[];
    hoursPerWeek: number;
    sessionTime: number;
    timezone: string;
    reviewSessions?: number | undefined;
  },
): StudyPlan {
  const span = daysBetween(opts.start, opts.exam);
  if (span < 1) throw new TaskNeedsInput(`The exam (${opts.exam}) must be after the plan's first day (${opts.start}).`);
  if (span > planLimits.days)
    throw new TaskNeedsInput(`The exam is ${span} days away; plan at most a year (${planLimits.days} days) ahead.`);
  const sessionMinutes = Math.round((opts.hoursPerWeek * 60) / opts.weekdays.length / 5) * 5;
  if (sessionMinutes > planLimits.sessionMinutes)
    throw new TaskNeedsInput(
      `${opts.hoursPerWeek} hours a week on ${opts.weekdays.length} day(s) is ${sessionMinutes / 60} hours a session: add study days.`,
    );

  const [y, m, d] = opts.start.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.parse(`${opts.exam}T00:00:00Z`) - 86_400_000);
  const rule = new RRule({
    freq: RRule.WEEKLY,
    byweekday: opts.weekdays.map((w) => byDay[w]),
    dtstart: datetime(y, m, d),
    until: last,
  });
  const days = rule.all().map((day) => day.toISOString().slice(0, 10));

  const review = Math.min(
    opts.reviewSessions ?? Math.max(1, Math.min(opts.weekdays.length, Math.floor(days.length / 4))),
    days.length,
  );
  const studyCount = days.length - review;
  if (studyCount < topics.length)
    throw new TaskNeedsInput(
      `${topics.length} topics need at least ${topics.length} study sessions, and the days to the exam give ${studyCount} ` +
        `(${days.length} sessions, ${review} for review): add study days, start earlier or keep fewer sessions for review.`,
    );
  const shares = shareSessions(topics, studyCount);
  const order = spreadTopics(topics, shares);
  const hardestFirst = topics.map((t, i) => ({ t, i })).sort((a, b) => b.t.difficulty - a.t.difficulty || a.i - b.i);

  const sessions = days.map((date, k): Session => {
    const from = zonedInstant(date, opts.sessionTime, opts.timezone);
    const to = new Date(from.getTime() + sessionMinutes * 60_000);
    const r = k - studyCount;
    // Review sessions take the topics hardest first, in turn; with more of them than topics, the extra ones review all.
    const share = hardestFirst.filter((_, j) => j % review === r).map(({ t }) => t.name);
    const covered =
      r < 0 ? [topics[order[k] ?? 0]?.name ?? ''] : share.length > 0 ? share : hardestFirst.map(({ t }) => t.name);
    return {
      n: k + 1,
      kind: r < 0 ? 'study' : 'review',
      date,
      weekday: dayNames[new Date(`${date}T00:00:00Z`).getUTCDay()] ?? '',
      start: wallTime(from, opts.timezone),
      end: wallTime(to, opts.timezone),
      startUtc: from.toISOString(),
      endUtc: to.toISOString(),
      topics: covered,
    };
  });

  return {
    timezone: opts.timezone,
    start: opts.start,
    exam: opts.exam,
    weeks: Math.ceil(span / 7),
    weekdays: opts.weekdays,
    hoursPerWeek: opts.hoursPerWeek,
    sessionMinutes,
    rule: rule.toString().split('\n').at(-1) ?? '',
    topics: topics.map((t, i) => ({
      ...t,
      sessions: shares[i] ?? 0,
      hours: Math.round(((shares[i] ?? 0) * sessionMinutes) / 6) / 10,
    })),
    sessions,
  };
}
