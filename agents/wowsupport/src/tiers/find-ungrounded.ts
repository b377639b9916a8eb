import type { ArticleHit } from './ask-wowsearch.ts';

/**
 * What in a model's reply its articles do not say, or undefined when nothing is: a reply
 * goes to a customer as the desk's, so it may carry only what the desk's own articles
 * carry. A prompt injected through the customer's question (or an article's source) could
 * otherwise make it send a phishing link, an address or a phone number to anyone.
 *
 * (1) Every link, bare domain, email address and phone-like number must be written in
 *     the articles as it is in the reply.
 * (2) Every other word must be one of the articles' words (plural and -ed/-ing forms
 *     count as the word) or a short function word ("the", "then", "your").
 * The articles are what the model was given: each one's title and excerpt.
 */
export function findUngrounded(
  reply: string,
  articles: readonly Pick<ArticleHit, 'title' | 'excerpt'>[],
): string | undefined {
  const source = articles
    .map((a) => `${a.title}\n${a.excerpt}`)
    .join('\n')
    .normalize('NFKC')
    .toLowerCase();
  // Citations are checked elsewhere (against the slugs given); list numbers are layout.
  let text = reply
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\(kb:[a-z0-9-]+\)/g, ' ')
    .replace(/^\s*\d{1,2}[.)]\s/gm, ' ');
  for (const [kind, pattern] of verbatim) {
    for (const match of text.matchAll(pattern)) {
      const found = match[0].replace(/[.,;:!?)\]]+$/, '');
      if (!source.includes(found)) return `the ${kind} "${found.slice(0, 80)}"`;
    }
    text = text.replace(pattern, ' ');
  }
  const known = new Set([...source.matchAll(wordPattern)].map((m) => stem(m[0])));
  for (const match of text.matchAll(wordPattern)) {
    const word = match[0];
    if (!functionWords.has(word) && !known.has(stem(word))) return `the word "${word.slice(0, 80)}"`;
  }
  return undefined;
}

// Checked in this order, each removed before the next looks: a link holds a domain, an
// address holds one too.
const verbatim: readonly (readonly [string, RegExp])[] = [
  ['link', /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S+/g],
  ['email address', /[^\s@<>()[\]]+@[^\s@<>()[\]]+/g],
  ['domain', /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b/g],
  ['phone number', /\+?\d[\d\s().-]{5,}\d/g],
];

const wordPattern = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** Words that carry no claim of their own: any answer's glue. */
const functionWords = new Set(
  `a an the and or but if then so than as at by for from in into of on onto to with without
  is are was were be been being am do does did done has have had will would can could should may might must
  i me my we us our you your yours it its this that these those there here what which who whom whose when where why how
  all any each every both either neither no not nor only also just again once first next now then too very more most
  up down out over under after before until while about above below between through during`.split(/\s+/),
);

/** A word's plain form, so that "keys", "rotated" and "rotating" count as "key" and "rotate". */
function stem(word: string): string {
  let w = word.replace(/['’]s$/, '');
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && /(?:ss|sh|ch|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  return w.length > 3 && w.endsWith('e') ? w.slice(0, -1) : w;
}
