// The input of each task type Lead Gen Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** lead-gen.score: Score leads */
export const scoreInput = z.strictObject({
  // the leads as CSV with a header row: company, industry, employees (a number or a range such as 51-200), country and title; other columns are kept
  leads: z.string().min(1).max(200000),
  // the ideal industries, separated by commas or one a line
  industries: z.string().min(1).max(1000),
  // the smallest ideal company, in employees
  minEmployees: z.int().min(1).max(10000000).optional(),
  // the largest ideal company, in employees
  maxEmployees: z.int().min(1).max(10000000).optional(),
  // the ideal countries, as names or ISO codes, separated by commas
  countries: z.string().min(1).max(1000).optional(),
  // the ideal contacts' titles, e.g. Head of Operations, VP Sales, separated by commas
  titles: z.string().min(1).max(1000).optional(),
  // points for a matching industry (30 if not given)
  industryPoints: z.int().min(0).max(100).optional(),
  // points for a company size in the range (25 if not given)
  sizePoints: z.int().min(0).max(100).optional(),
  // points for a matching country (20 if not given)
  countryPoints: z.int().min(0).max(100).optional(),
  // points for a matching title (25 if not given)
  titlePoints: z.int().min(0).max(100).optional(),
});
export type ScoreInput = z.output<typeof scoreInput>;
