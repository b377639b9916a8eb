import type { CustomerTask, ToolOutcome } from '#platform';
import { planStudy } from '../plan/plan-study.ts';
import { readTime, readTimeZone, readTopics, readWeekdays } from '../plan/read-plan-input.ts';
import { planCalendar, renderPlan } from '../plan/render-plan.ts';
import { todayIn } from '../plan/zoned-time.ts';
import type { PlanInput } from '../task-inputs.ts';

/**
 * study.plan: sessions on the chosen weekdays to the exam (rrule), topics shared out by
 * difficulty and spread over the weeks, the last sessions for review, in the student's time
 * zone, as Markdown, JSON and a calendar (ical-generator).
 */
export function plan(input: PlanInput, task: CustomerTask): Promise<ToolOutcome> {
  const timezone = readTimeZone(input.timezone ?? 'UTC');
  const made = planStudy(readTopics(input.topics), {
    start: input.start ?? todayIn(timezone, new Date()),
    exam: input.exam,
    weekdays: readWeekdays(input.weekdays),
    hoursPerWeek: input.hoursPerWeek,
    sessionTime: readTime(input.sessionTime ?? '18:00'),
    timezone,
    reviewSessions: input.reviewSessions,
  });
  const industry = task.organisation.industry;
  return Promise.resolve({
    deliverables: [
      { name: 'plan.md', mediaType: 'text/markdown', content: renderPlan(made) },
      { name: 'plan.json', mediaType: 'application/json', content: `${JSON.stringify(made, null, 2)}\n` },
      { name: 'plan.ics', mediaType: 'text/calendar', content: planCalendar(made, task.id) },
    ],
    summary: `planned ${made.sessions.length} study sessions over ${made.weeks} weeks for ${industry === undefined ? 'a learner' : `a learner in ${industry}`}`,
  });
}
