import { TaskNeedsInput } from '#platform';

/** The words of a phrase, lower case, with "&", "and", "of", "the" left out and common abbreviations spelled one way. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/vice[\s-]+president/g, 'vp')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '' && !['and', 'of', 'the', 'for'].includes(w))
    .map((w) => ({ sr: 'senior', snr: 'senior', mgr: 'manager', dir: 'director', ops: 'operations' })[w] ?? w);
}

/** A list the customer typed, separated by commas, semicolons or lines, without blanks or repeats. */
export function listOf(text: string | undefined, max: number, what: string): string[] {
  const items = [
    ...new Set(
      (text ?? '')
        .split(/[,;\n]/)
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
  if (items.length > max) throw new TaskNeedsInput(`The profile lists ${items.length} ${what}; give at most ${max}.`);
  return items;
}

/** Whether every word of the ideal phrase is among the words of the value ("VP of Sales" meets "Sales VP"). */
export function meets(value: string, ideal: string): boolean {
  const have = new Set(words(value));
  const want = words(ideal);
  return want.length > 0 && want.every((w) => have.has(w));
}

/** A headcount as a range: "120", "51-200", "1,000+", "10k"; null when it is none of these. */
export function headcount(text: string): { low: number; high: number } | null {
  const t = text.replace(/,/g, '').replace(/\s+/g, '').toLowerCase();
  const num = (s: string) => (s.endsWith('k') ? Number(s.slice(0, -1)) * 1000 : Number(s));
  const m = /^(\d+(?:\.\d+)?k?)(?:(?:-|–|to)(\d+(?:\.\d+)?k?)|(\+))?$/.exec(t);
  if (m === null) return null;
  const low = num(m[1] ?? '');
  const high = m[3] === '+' ? Infinity : m[2] === undefined ? low : num(m[2]);
  return Number.isFinite(low) && low <= high
    ? { low: Math.round(low), high: Number.isFinite(high) ? Math.round(high) : high }
    : null;
}
