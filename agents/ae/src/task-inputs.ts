// The input of each task type Account Executive Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** ae.forecast: Forecast the pipeline */
export const forecastInput = z.strictObject({
  // the deals as CSV with a header row: deal, stage, value, close_date and last_activity (dates as YYYY-MM-DD), optionally owner
  deals: z.string().min(1).max(200000),
  // the day the forecast is made on; close dates before it have slipped
  asOf: z.iso.date(),
  // the ISO 4217 code of the deals' values, e.g. EUR (USD if not given)
  currency: z.string().min(1).max(3).optional(),
  // stage probabilities that replace or add to the defaults, one a line, "stage: percent"
  stages: z.string().min(1).max(2000).optional(),
  // days without activity after which an open deal is stale (30 if not given)
  staleDays: z.int().min(1).max(365).optional(),
  // the probability in percent from which a deal is commit (80 if not given)
  commitFrom: z.int().min(1).max(100).optional(),
  // the probability in percent from which a deal is best case (50 if not given)
  bestCaseFrom: z.int().min(1).max(100).optional(),
});
export type ForecastInput = z.output<typeof forecastInput>;
