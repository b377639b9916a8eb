// The input of each task type Social Media Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** social.calendar: Plan a posting calendar */
export const calendarInput = z.strictObject({
  // the posts to schedule, one a line (at most 100)
  posts: z.string().min(1).max(30000),
  // the first day of the calendar
  startDate: z.iso.date(),
  // how many weeks the calendar covers
  weeks: z.int().min(1).max(12),
  // the organisation's time zone, e.g. Asia/Kolkata or Europe/London
  timeZone: z.string().min(1).max(64),
  // the platforms, separated by commas (linkedin, x, instagram, facebook); all four when empty
  platforms: z.string().min(1).max(80).optional(),
  // posts a week on each platform (3 when empty)
  perWeek: z.int().min(1).max(7).optional(),
});
export type CalendarInput = z.output<typeof calendarInput>;
