// The input of each task type Science Tutor Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** science.convert: Convert quantities */
export const convertInput = z.strictObject({
  // one conversion a line, e.g. 72 km/h to m/s
  quantities: z.string().min(1).max(4000),
});
export type ConvertInput = z.output<typeof convertInput>;

/** science.dimensions: Check a formula's dimensions */
export const dimensionsInput = z.strictObject({
  // the formula, e.g. F = m * a
  formula: z.string().min(1).max(300),
  // each variable's unit, one a line, e.g. m: kg
  units: z.string().min(1).max(2000),
});
export type DimensionsInput = z.output<typeof dimensionsInput>;
