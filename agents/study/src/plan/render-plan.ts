import ical from 'ical-generator';
import { markdownText } from '#platform';
import type { StudyPlan } from './plan-study.ts';
import { weekdayNames } from './read-plan-input.ts';

const duration = (minutes: number) =>
  minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;

/** The plan as the student reads it: the topics' shares, then every session with its day and time. */
export function renderPlan(plan: StudyPlan): string {
  const review = plan.sessions.filter((s) => s.kind === 'review').length;
  const lines = [
    `# Study plan to the exam on ${plan.exam}`,
    '',
    `${plan.sessions.length} sessions of ${duration(plan.sessionMinutes)} from ${plan.start} to the day before the exam,`,
    `on ${plan.weekdays.map((w) => weekdayNames[w]).join(', ')} (${plan.hoursPerWeek} hours a week),`,
    `the last ${review} for review. Times are in ${markdownText(plan.timezone)}.`,
    '',
    '## Topics',
    '',
    '| topic | difficulty | sessions | hours |',
    '|---|---:|---:|---:|',
    ...plan.topics.map((t) => `| ${markdownText(t.name)} | ${t.difficulty} | ${t.sessions} | ${t.hours} |`),
    '',
    '## Sessions',
    '',
    '| # | date | day | time | session |',
    '|---:|---|---|---|---|',
    ...plan.sessions.map(
      (s) =>
        `| ${s.n} | ${s.date} | ${s.weekday} | ${s.start}–${s.end} | ${s.kind === 'review' ? 'Review: ' : ''}${s.topics.map(markdownText).join(', ')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/**
 * One event per session. Times are written as UTC instants, exact in every calendar without
 * a VTIMEZONE block; the description gives the wall-clock time in the student's zone.
 */
export function planCalendar(plan: StudyPlan, uid: string): string {
  const calendar = ical({ name: `Study plan to ${plan.exam}`, prodId: { company: 'WAOOAW', product: 'study' } });
  for (const s of plan.sessions)
    calendar.createEvent({
      id: `${uid}-${s.n}@waooaw`,
      start: new Date(s.startUtc),
      end: new Date(s.endUtc),
      // The plan's first day, not the clock: the same plan gives the same file.
      stamp: new Date(`${plan.start}T00:00:00Z`),
      summary: `${s.kind === 'review' ? 'Review' : 'Study'}: ${s.topics.join(', ')}`,
      description: `Session ${s.n} of ${plan.sessions.length}, ${s.date} ${s.start}–${s.end} (${plan.timezone}).`,
    });
  return calendar.toString();
}
