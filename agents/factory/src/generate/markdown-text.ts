import type { PhrasingContent } from 'mdast';
import { toMarkdown, type Unsafe } from 'mdast-util-to-markdown';
import { withVisibleEscapes } from '../questionnaire/hostile-characters.ts';

/**
 * Characters escaped wherever answer text lands in Markdown, beyond what CommonMark needs
 * where they stand: `|` splits a table cell (GFM), `~` strikes through, `$` opens
 * GitHub's math, `!` before a template's own `[` would make an image.
 */
export const answerUnsafe: Unsafe[] = ['|', '~', '$', '!'].map((character) => ({ character, inConstruct: 'phrasing' }));

/**
 * A word GitHub turns into a link or a notification when it renders Markdown: an
 * @mention or an email address, a URL, a `www.` address, an issue reference (`#12`).
 * GitHub finds these in the rendered text, where Markdown escapes are already gone, so
 * only a code span keeps them plain.
 */
const linkedWord = /@|:\/\/|^www\.|#\d/i;

/**
 * Answer text as Markdown phrasing, for a syntax tree: one line (line breaks become
 * spaces), hostile characters as visible escapes, and words GitHub would link set as
 * code. Everything else stays text, which the serialiser escapes.
 */
export function answerPhrasing(answer: string): PhrasingContent[] {
  const clean = withVisibleEscapes(answer).replace(/\s+/g, ' ').trim();
  const nodes: PhrasingContent[] = [];
  let text = '';
  let last = 0;
  // Pipes end a word too, so a code span never holds one (a table cell would split there).
  for (const word of clean.matchAll(/[^\s|]+/g)) {
    text += clean.slice(last, word.index);
    last = word.index + word[0].length;
    if (!linkedWord.test(word[0])) {
      text += word[0];
      continue;
    }
    if (text !== '') nodes.push({ type: 'text', value: text });
    nodes.push({ type: 'inlineCode', value: word[0] });
    text = '';
  }
  text += clean.slice(last);
  if (text !== '') nodes.push({ type: 'text', value: text });
  return nodes;
}

/**
 * Answer text as inline Markdown, safe in a paragraph, a heading, a list item or a table
 * cell: no mention, link, image, HTML, emphasis or table pipe comes out of it.
 */
export function markdownInline(answer: string): string {
  return serialise(answerPhrasing(answer));
}

/** Answer text as the value of a code span: one line, hostile characters as visible escapes. */
export function answerCode(answer: string): string {
  return withVisibleEscapes(answer).replace(/\s+/g, ' ').trim();
}

/** Answer text as one code span (a pipe is escaped, as a table cell needs). */
export function markdownCode(answer: string): string {
  return serialise([{ type: 'inlineCode', value: answerCode(answer) }]).replace(/\|/g, '\\|');
}

function serialise(children: PhrasingContent[]): string {
  if (children.length === 0) return '';
  return toMarkdown({ type: 'paragraph', children }, { unsafe: answerUnsafe }).trimEnd();
}
