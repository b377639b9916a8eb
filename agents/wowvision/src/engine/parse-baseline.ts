import { z } from 'zod';
import { createError } from '../errors.ts';
import type { Baseline } from './baseline.ts';

const baselineSchema: z.ZodType<Baseline> = z.strictObject({
  version: z.literal(1),
  findings: z.array(
    z.strictObject({ rule: z.string(), path: z.string(), fingerprint: z.string(), message: z.string() }),
  ),
});

/** A baseline file's text, checked; a bad one names the file and what to fix. */
export function parseBaseline(text: string, file: string): Baseline {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw createError(
      'WOW_ERR_VISION_BASELINE',
      { file, problem: `not JSON (${(err as Error).message})` },
      { cause: err },
    );
  }
  const parsed = baselineSchema.safeParse(json);
  if (!parsed.success)
    throw createError('WOW_ERR_VISION_BASELINE', {
      file,
      problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    });
  return parsed.data;
}
