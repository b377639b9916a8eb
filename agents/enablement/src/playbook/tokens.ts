// Words too common to tell one paragraph from another.
const stopwords = new Set(
  (
    'a an and are as at be been but by can could do does for from had has have how i if in into is it its just me my no not ' +
    'of on or our so than that the their them then there these they this those to too us was we were what when which who ' +
    'why will with would you your'
  ).split(' '),
);

/**
 * A word cut to its stem by a few English suffix rules (plurals, -ing, -ed, -ly), enough
 * for "prices", "priced" and "pricing" to meet "price" without a stemming library; words
 * of three letters or fewer are left whole.
 */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  for (const [suffix, replacement] of [
    ['ies', 'y'],
    ['sses', 'ss'],
    ['ing', ''],
    ['ed', ''],
    ['ly', ''],
    ['es', ''],
    ['s', ''],
  ] as const)
    if (word.endsWith(suffix) && !(suffix === 's' && word.endsWith('ss'))) {
      const base = word.slice(0, word.length - suffix.length) + replacement;
      // "pricing" → "pric" and "priced" → "pric": a dropped final e joins them with "price" → "pric".
      return base.length >= 3 ? base.replace(/e$/, '') : word;
    }
  return word.replace(/e$/, '');
}

/** The stems of a text's words, lower case, without stopwords, in order. */
export function tokens(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [])
    .map((w) => w.replace(/['’]s$/, ''))
    .filter((w) => !stopwords.has(w))
    .map(stem);
}
