// The input of each task type Math Tutor Agent takes, as agent.yml's `tasks:` declares it. The
// task API checks it against that JSON Schema; the agent parses it again here, so that each
// tool gets it typed, whichever door the task came through.
import { z } from 'zod';

/** math.check: Check a student's working */
export const checkInput = z.strictObject({
  // the equation or expression the student started from, e.g. 2x + 3 = 11
  problem: z.string().min(1).max(300),
  // the student's working, one step per line
  working: z.string().min(1).max(4000),
});
export type CheckInput = z.output<typeof checkInput>;

/** math.solve: Solve an equation */
export const solveInput = z.strictObject({
  // the equation, e.g. x^2 - 5x + 6 = 0
  equation: z.string().min(1).max(300),
});
export type SolveInput = z.output<typeof solveInput>;
