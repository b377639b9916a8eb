import { z } from 'zod';
import { createError } from '../errors.ts';
import type { Finding } from './finding.ts';

/**
 * Known findings an existing codebase adopts the gate with: they are listed, not counted.
 * Entries match by fingerprint (rule, path and what the finding is about, not its line),
 * and each entry absorbs one finding.
 */
export const baselineSchema = z.strictObject({
  version: z.literal(1),
  findings: z.array(
    z.strictObject({ rule: z.string(), path: z.string(), fingerprint: z.string(), message: z.string() }),
  ),
});
export type Baseline = z.infer<typeof baselineSchema>;

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

export function baselineOf(findings: readonly Finding[]): Baseline {
  return {
    version: 1,
    findings: [...findings]
      .sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line)
      .map((f) => ({ rule: f.rule, path: f.path, fingerprint: f.fingerprint, message: f.message })),
  };
}

/** Splits findings into those the baseline knows and the rest. */
export function applyBaseline(
  findings: readonly Finding[],
  baseline: Baseline | undefined,
): { known: Finding[]; fresh: Finding[] } {
  if (baseline === undefined) return { known: [], fresh: [...findings] };
  const budget = new Map<string, number>();
  for (const entry of baseline.findings) budget.set(entry.fingerprint, (budget.get(entry.fingerprint) ?? 0) + 1);
  const known: Finding[] = [];
  const fresh: Finding[] = [];
  for (const finding of findings) {
    const left = budget.get(finding.fingerprint) ?? 0;
    if (left > 0) {
      budget.set(finding.fingerprint, left - 1);
      known.push(finding);
    } else fresh.push(finding);
  }
  return { known, fresh };
}
