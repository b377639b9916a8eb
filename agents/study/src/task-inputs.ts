// The input of each task type Study Planner Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** study.plan: Plan study to an exam */
export const planInput = z.strictObject({
  // the topics, one a line: name, difficulty from 1 to 5 (or easy, medium, hard)
  topics: z.string().min(1).max(4000),
  // the exam's day
  exam: z.iso.date(),
  // the days to study on, e.g. mon, wed, sat
  weekdays: z.string().min(1).max(60),
  // hours of study a week
  hoursPerWeek: z.number().min(1).max(60),
  // when each session starts, HH:MM (18:00 when not given)
  sessionTime: z.string().min(1).max(5).optional(),
  // the student's time zone, e.g. Asia/Kolkata (UTC when not given)
  timezone: z.string().min(1).max(64).optional(),
  // the plan's first day (today in the time zone when not given)
  start: z.iso.date().optional(),
  // how many sessions before the exam are for review (a week's when not given)
  reviewSessions: z.int().min(0).max(30).optional(),
});
export type PlanInput = z.output<typeof planInput>;
