// The input of each task type PPC Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** ppc.pacing: Pace budgets and bids */
export const pacingInput = z.strictObject({
  // the campaigns as CSV with a header row: campaign, budget (for the month), spend (to date), conversions, and optionally clicks, revenue and bid
  csv: z.string().min(1).max(100000),
  // the last day the spend covers
  asOf: z.iso.date(),
  // the cost per conversion to aim at
  targetCpa: z.number().min(0.01).max(1000000).optional(),
  // the currency's ISO code, e.g. INR or USD (INR when empty)
  currency: z.string().min(1).max(3).optional(),
  // how far, in per cent, the projection may miss the budget before it is flagged (10 when empty)
  tolerance: z.int().min(1).max(50).optional(),
});
export type PacingInput = z.output<typeof pacingInput>;
