import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';

const units = { second: 1000, minute: 60_000, hour: 3_600_000 } as const;
const agentId = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
// A questionnaire is a page of answers; anything larger is not one.
const maxQuestionnaireBytes = 64 * 1024;

/**
 * The questionnaire's service level (templates/questionnaire.yml: "within 1 second" …
 * "within 1 hour", "best effort") as the mean handling time it allows, in ms; null for
 * best effort or anything else, which sets no latency target.
 */
export function serviceLevelMs(answer: unknown): number | null {
  if (typeof answer !== 'string') return null;
  const m = /^within (\d{1,4}) (second|minute|hour)s?$/.exec(answer.trim());
  if (m === null) return null;
  return Number(m[1]) * units[m[2] as keyof typeof units];
}

/**
 * Each agent's service level, read from `<agentsDir>/<id>/questionnaire.yml`, the answers
 * the Factory generated it from (its README shows the same): the manifest carries no
 * latency target of its own. An agent with no questionnaire, or one that does not parse,
 * has none, and is judged by its lag alone.
 */
export async function readServiceLevels(
  agentsDir: string,
  ids: readonly string[],
): Promise<Map<string, number | null>> {
  const levels = new Map<string, number | null>();
  for (const id of ids) {
    // Ids come from the registry's rows: only a plain id becomes part of a path.
    if (!agentId.test(id) || id.length > 64) {
      levels.set(id, null);
      continue;
    }
    const text = await readFile(join(agentsDir, id, 'questionnaire.yml'), 'utf8').catch(() => undefined);
    if (text === undefined || text.length > maxQuestionnaireBytes) {
      levels.set(id, null);
      continue;
    }
    let answers: unknown;
    try {
      answers = (parse(text) as { answers?: unknown } | null)?.answers;
    } catch {
      answers = undefined;
    }
    levels.set(id, serviceLevelMs((answers as Record<string, unknown> | undefined)?.['service-level']));
  }
  return levels;
}
