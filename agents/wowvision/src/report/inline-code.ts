import { escapeCodePoint, hiddenCharacterPattern } from '#platform/text';

// Unicode's control, format, private-use and unassigned characters, and the shared list of
// hidden ones (line separators, Hangul fillers, variation selectors).
const unseen = new RegExp(`\\p{C}|${hiddenCharacterPattern().source}`, 'gu');

/**
 * Text a stranger wrote, as Markdown inline code: a backtick cannot close the span, line
 * breaks become spaces (a blank line would end the span's paragraph), characters that show
 * nothing are written as escapes, and at most `max` characters are kept. Inside a code span
 * GitHub renders no mention, reference, link, image or HTML.
 */
export function inlineCode(text: string, max = 80): string {
  const oneLine = text.replace(/[^\S\r\n]*[\r\n]+\s*/g, ' ');
  // Cut between characters as a reader sees them, never inside an emoji.
  const graphemes = Array.from(new Intl.Segmenter().segment(oneLine), (s) => s.segment);
  const kept = graphemes.length > max ? `${graphemes.slice(0, max).join('')}…` : oneLine;
  const safe = kept.replace(/`/g, "'").replace(unseen, (c) => escapeCodePoint(c.codePointAt(0) ?? 0));
  return `\`${safe}\``;
}
