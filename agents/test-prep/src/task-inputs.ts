// The input of each task type Test Prep Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** test-prep.schedule: Schedule reviews */
export const scheduleInput = z.strictObject({
  // the question bank, one card a line as CSV: id, topic, question (a header row is optional)
  questions: z.string().min(1).max(100000),
  // past answers, one a line as CSV: id, date (YYYY-MM-DD), grade (again, hard, good or easy)
  answers: z.string().min(1).max(200000).optional(),
  // the schedule's first day (today in UTC when not given)
  start: z.iso.date().optional(),
  // how many days to schedule (14 when not given)
  days: z.int().min(1).max(60).optional(),
  // the most cards to study in a day (20 when not given)
  dailyLimit: z.int().min(1).max(500).optional(),
});
export type ScheduleInput = z.output<typeof scheduleInput>;
