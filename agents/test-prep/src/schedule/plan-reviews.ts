import {
  createEmptyCard,
  fsrs,
  generatorParameters,
  Rating,
  type Card as FsrsCard,
  type Grade as FsrsGrade,
} from 'ts-fsrs';
import type { Answer, Card, Grade } from '../bank/read-bank.ts';

/** A card after its past answers: where FSRS has it, and when the schedule takes it up. */
export interface CardPlan {
  id: string;
  topic: string;
  question: string;
  state: 'new' | 'learning' | 'review' | 'relearning';
  reviews: number;
  lapses: number;
  lastAnswer: string | null;
  /** The day FSRS schedules its next review (null for a card never answered). */
  due: string | null;
  /** The chance of recalling it on the schedule's first day, in percent (null for a new card). */
  recall: number | null;
  /** The first day of the schedule it is studied on (null when the schedule has no room for it). */
  planned: string | null;
}

export interface StudyDay {
  date: string;
  /** Cards answered before, due by this day, least remembered first. */
  reviews: string[];
  /** Cards studied for the first time, in the bank's order. */
  new: string[];
}

export interface TopicStrength {
  topic: string;
  cards: number;
  answered: number;
  answers: number;
  /** The share of answers graded "again", in percent. */
  againRate: number | null;
  lapses: number;
  /** The mean chance of recalling its answered cards on the first day, in percent. */
  recall: number | null;
}

export interface ReviewPlan {
  start: string;
  days: number;
  dailyLimit: number;
  cards: CardPlan[];
  schedule: StudyDay[];
  /** Weakest first; topics never answered last. */
  topics: TopicStrength[];
  /** Cards due by the last day that the daily limit left unstudied. */
  backlog: number;
  answers: number;
}

const dayMs = 86_400_000;
const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const at = (day: string) => new Date(`${day}T00:00:00Z`);
const addDays = (day: string, n: number) => dayOf(new Date(at(day).getTime() + n * dayMs));
const round1 = (n: number) => Math.round(n * 10) / 10;

const ratings: Record<Grade, FsrsGrade> = {
  again: Rating.Again,
  hard: Rating.Hard,
  good: Rating.Good,
  easy: Rating.Easy,
};
const states = ['new', 'learning', 'review', 'relearning'] as const;

// Days are the unit of a study schedule: no fuzz (the same answers give the same dates) and no
// same-day learning steps, so "again" brings a card back the next day rather than in minutes.
const scheduler = fsrs(generatorParameters({ enable_fuzz: false, enable_short_term: false }));

/**
 * Each card's past answers replayed through FSRS in date order, then the days from `start`
 * laid out: each day takes the cards due by then, least likely recalled first, up to the
 * daily limit, and fills what is left with new cards in the bank's order. A studied card is
 * projected as answered "good", so it comes back within the schedule when FSRS says so.
 */
export function planReviews(
  cards: readonly Card[],
  answers: readonly Answer[],
  opts: { start: string; days: number; dailyLimit: number },
): ReviewPlan {
  const history = new Map<string, Answer[]>(cards.map((c) => [c.id, []]));
  for (const a of answers) history.get(a.id)?.push(a);
  const memory = new Map<string, FsrsCard>();
  for (const card of cards) {
    // A stable sort keeps answers of the same day in the order given.
    const past = (history.get(card.id) ?? []).toSorted((a, b) => a.date.localeCompare(b.date));
    let state: FsrsCard | undefined;
    for (const a of past)
      state = scheduler.next(state ?? createEmptyCard(at(a.date)), at(a.date), ratings[a.grade]).card;
    if (state !== undefined) memory.set(card.id, state);
  }

  const first = at(opts.start);
  const recallOn = (state: FsrsCard, day: Date) => scheduler.get_retrievability(state, day, false);
  const plans: CardPlan[] = cards.map((card) => {
    const state = memory.get(card.id);
    const past = history.get(card.id) ?? [];
    return {
      ...card,
      state: state === undefined ? 'new' : states[state.state],
      reviews: past.length,
      lapses: state?.lapses ?? 0,
      lastAnswer: past.reduce<string | null>((last, a) => (last === null || a.date > last ? a.date : last), null),
      due: state === undefined ? null : dayOf(state.due),
      recall: state === undefined ? null : round1(recallOn(state, first) * 100),
      planned: null,
    };
  });

  const projected = new Map(memory);
  const unseen = cards.filter((c) => !memory.has(c.id)).map((c) => c.id);
  const byId = new Map(plans.map((p) => [p.id, p]));
  const schedule: StudyDay[] = [];
  for (let n = 0; n < opts.days; n++) {
    const date = addDays(opts.start, n);
    const day = at(date);
    const due = [...projected]
      .filter(([, state]) => state.due.getTime() <= day.getTime())
      .map(([id, state]) => ({ id, recall: recallOn(state, day), due: state.due.getTime() }))
      .sort((a, b) => a.recall - b.recall || a.due - b.due)
      .slice(0, opts.dailyLimit)
      .map((d) => d.id);
    const fresh = unseen.splice(0, opts.dailyLimit - due.length);
    for (const id of due)
      projected.set(id, scheduler.next(projected.get(id) ?? createEmptyCard(day), day, Rating.Good).card);
    for (const id of fresh) projected.set(id, scheduler.next(createEmptyCard(day), day, Rating.Good).card);
    for (const id of [...due, ...fresh]) {
      const plan = byId.get(id);
      if (plan !== undefined && plan.planned === null) plan.planned = date;
    }
    schedule.push({ date, reviews: due, new: fresh });
  }
  const last = at(addDays(opts.start, opts.days - 1)).getTime();
  const backlog = [...projected.values()].filter((s) => s.due.getTime() <= last).length;

  return {
    ...opts,
    cards: plans,
    schedule,
    topics: topicStrengths(plans, history),
    backlog,
    answers: answers.length,
  };
}

/** Each topic's cards, answers and recall, weakest first: lowest recall, then most "again", then by name. */
function topicStrengths(plans: readonly CardPlan[], history: ReadonlyMap<string, Answer[]>): TopicStrength[] {
  const topics = new Map<string, CardPlan[]>();
  for (const p of plans) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p]);
  const strengths = [...topics].map(([topic, members]): TopicStrength => {
    const answered = members.filter((m) => m.recall !== null);
    const given = members.flatMap((m) => history.get(m.id) ?? []);
    const again = given.filter((a) => a.grade === 'again').length;
    return {
      topic,
      cards: members.length,
      answered: answered.length,
      answers: given.length,
      againRate: given.length === 0 ? null : round1((again / given.length) * 100),
      lapses: members.reduce((sum, m) => sum + m.lapses, 0),
      recall:
        answered.length === 0 ? null : round1(answered.reduce((sum, m) => sum + (m.recall ?? 0), 0) / answered.length),
    };
  });
  const rank = (t: TopicStrength) => t.recall ?? Number.POSITIVE_INFINITY;
  return strengths.sort(
    (a, b) => rank(a) - rank(b) || (b.againRate ?? 0) - (a.againRate ?? 0) || a.topic.localeCompare(b.topic),
  );
}
