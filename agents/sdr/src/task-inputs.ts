// The input of each task type SDR Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** sdr.sequence: Plan an outreach sequence */
export const sequenceInput = z.strictObject({
  // the prospects as CSV with a header row: an email column, the columns the messages use, and optionally replied_on (YYYY-MM-DD)
  prospects: z.string().min(1).max(100000),
  // the touches in order, one a line, "channel: message", with {{column}} or {{column|fallback}} for personal fields
  touches: z.string().min(1).max(6000),
  // the day the first touch goes out (moved to the next business day if it is not one)
  startDate: z.iso.date(),
  // the organisation's IANA time zone, e.g. Europe/London (UTC if not given)
  timeZone: z.string().min(1).max(64).optional(),
  // the local hour the touches go out (9 if not given)
  sendHour: z.int().min(0).max(23).optional(),
  // business days between touches (3 if not given)
  gapDays: z.int().min(1).max(30).optional(),
  // days that are not business days, YYYY-MM-DD, one a line
  holidays: z.string().min(1).max(2000).optional(),
});
export type SequenceInput = z.output<typeof sequenceInput>;
