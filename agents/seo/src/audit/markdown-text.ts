/**
 * Text from the customer's page as Markdown text: one line, and the characters that would
 * start emphasis, a link, an image, HTML, a code span or a table cell escaped, so a
 * report shows the page's words and never runs its markup.
 */
export function markdownText(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>|~!#]/g, (c) => `\\${c}`);
}
