import { escapeCodePoint, hiddenCharacterPattern } from '#platform/text';

// Unicode's control, format, private-use and unassigned characters, and the shared hidden ones.
const unseen = new RegExp(`\\p{C}|${hiddenCharacterPattern().source}`, 'gu');

/**
 * Text that may come from a stranger (a claimed event source, a comment's words), as
 * Markdown inline code on one line: no backtick closes the span, characters that show
 * nothing are written as escapes, at most `max` characters are kept. Inside a code span
 * GitHub renders no mention, link, image or HTML.
 */
export function quote(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, ' ');
  const chars = Array.from(oneLine);
  const kept = chars.length > max ? `${chars.slice(0, max).join('')}…` : oneLine;
  return `\`${kept.replace(/`/g, "'").replace(unseen, (c) => escapeCodePoint(c.codePointAt(0) ?? 0))}\``;
}
