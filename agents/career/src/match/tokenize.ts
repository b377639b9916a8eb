import { stem, stopWords } from './words.ts';

/** A phrase of one to three words as it occurs in a text. */
export interface Term {
  /** The stemmed words joined by spaces: what two texts are matched on. */
  key: string;
  /** Its words as the text first writes them (lower case). */
  text: string;
  words: number;
  count: number;
  /** Where it occurs, in words from the text's start (the first: ties go to what the text says first). */
  at: number[];
}

export const maxPhraseWords = 3;

// A word: letters and digits, with the +, # and inner dots and hyphens of c++, c#, node.js and e-learning.
const word = /[\p{L}\p{N}](?:[\p{L}\p{N}+#]|[.\-'’](?=[\p{L}\p{N}]))*/gu;

/**
 * A text's runs of content words: a run ends at punctuation, a line break, a stop word or a
 * bare number, so a phrase never spans two sentences or list items.
 */
export function runsOf(text: string): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  let end = 0;
  for (const m of text.toLowerCase().matchAll(word)) {
    const gap = text.slice(end, m.index);
    end = m.index + m[0].length;
    if (!/^[ \t]*$/.test(gap) && run.length > 0) run = [];
    if (stopWords.has(m[0]) || /^[\d.]+$/.test(m[0])) {
      run = [];
      continue;
    }
    if (run.length === 0) runs.push(run);
    run.push(m[0]);
  }
  return runs.filter((r) => r.length > 0);
}

/** Every phrase of one to three words in the runs, counted, by key. */
export function termsOf(runs: readonly string[][]): Map<string, Term> {
  const terms = new Map<string, Term>();
  let at = 0;
  for (const run of runs) {
    for (let i = 0; i < run.length; i++)
      for (let n = 1; n <= maxPhraseWords && i + n <= run.length; n++) {
        const words = run.slice(i, i + n);
        const key = words.map(stem).join(' ');
        const seen = terms.get(key);
        if (seen === undefined) terms.set(key, { key, text: words.join(' '), words: n, count: 1, at: [at + i] });
        else {
          seen.count += 1;
          seen.at.push(at + i);
        }
      }
    at += run.length;
  }
  return terms;
}
