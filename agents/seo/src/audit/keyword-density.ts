/** How often a keyword (one word or a phrase) occurs in a text, and what share of its words it makes up. */
export interface KeywordDensity {
  keyword: string;
  occurrences: number;
  /** Words in the text. */
  words: number;
  /** Percent of the text's words that belong to an occurrence, to two decimals. */
  density: number;
}

/** Words as search engines count them: letters and digits of any script, with inner apostrophes and hyphens. */
const word = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

export function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(word) ?? []).map((w) => w.replace(/’/g, "'"));
}

/**
 * The keyword's occurrences as whole words in order ("running shoes" is not found in
 * "running shoesmith"), counted without overlap, and its density: the words of every
 * occurrence over all words, as SEO tools report it.
 */
export function keywordDensity(text: string, keyword: string): KeywordDensity {
  const words = wordsOf(text);
  const phrase = wordsOf(keyword);
  let occurrences = 0;
  if (phrase.length > 0)
    for (let i = 0; i + phrase.length <= words.length;) {
      if (phrase.every((w, j) => words[i + j] === w)) {
        occurrences += 1;
        i += phrase.length;
      } else i += 1;
    }
  const density = words.length === 0 ? 0 : Math.round(((occurrences * phrase.length) / words.length) * 10_000) / 100;
  return { keyword: keyword.trim(), occurrences, words: words.length, density };
}

/** Whether `text` holds the keyword as whole words. */
export function mentions(text: string, keyword: string): boolean {
  return keywordDensity(text, keyword).occurrences > 0;
}
