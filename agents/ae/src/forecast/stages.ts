import { TaskNeedsInput } from '#platform';

/** A stage's name as the CRM spells it, compared without case, spaces, hyphens or underscores. */
export const stageKey = (name: string) =>
  name
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();

/** What becomes of a deal in the stage: still open, or closed one way or the other. */
export type StageKind = 'open' | 'won' | 'lost';

export interface Stage {
  name: string;
  /** The chance in whole percent that a deal in this stage closes. */
  probability: number;
  kind: StageKind;
}

// The usual B2B sales stages and the probabilities most CRMs ship with.
export const defaultStages: readonly Stage[] = [
  { name: 'Prospecting', probability: 10, kind: 'open' },
  { name: 'Qualification', probability: 20, kind: 'open' },
  { name: 'Needs analysis', probability: 40, kind: 'open' },
  { name: 'Proposal', probability: 60, kind: 'open' },
  { name: 'Negotiation', probability: 80, kind: 'open' },
  { name: 'Closed won', probability: 100, kind: 'won' },
  { name: 'Closed lost', probability: 0, kind: 'lost' },
];

const maxStages = 30;

/**
 * The defaults with the organisation's own lines, "stage: percent", replacing a default of
 * the same name or adding a stage; closed won and closed lost keep 100 and 0, as a closed
 * deal is no longer a chance.
 */
export function stageTable(text: string | undefined): Map<string, Stage> {
  const table = new Map(defaultStages.map((s) => [stageKey(s.name), s]));
  for (const line of (text ?? '').split('\n')) {
    if (line.trim() === '') continue;
    const m = /^(.+?):\s*(\d{1,3})\s*%?$/.exec(line.trim());
    const probability = Number(m?.[2]);
    if (m === null || probability > 100)
      throw new TaskNeedsInput(
        `The stage line "${line.trim().slice(0, 60)}" should read "stage: percent", a whole percent from 0 to 100.`,
      );
    const name = (m[1] ?? '').trim();
    const kind = table.get(stageKey(name))?.kind ?? 'open';
    if (kind !== 'open')
      throw new TaskNeedsInput(`"${name}" is a closed stage: its probability stays ${kind === 'won' ? 100 : 0}.`);
    table.set(stageKey(name), { name, probability, kind });
  }
  if (table.size > maxStages) throw new TaskNeedsInput(`Give at most ${maxStages} stages.`);
  return table;
}
