/** The kinds of piece an outline is shaped for. */
export type Format = 'blog-post' | 'landing-page' | 'newsletter' | 'guide';

export interface Outline {
  title: string;
  format: Format;
  words: number;
  keyword: string | null;
  sections: Section[];
}

export interface Section {
  heading: string;
  points: string[];
  /** The section's share of the piece's words. */
  words: number;
}

/** A piece's usual length when the brief gives none. */
export const defaultWords: Record<Format, number> = {
  'blog-post': 1200,
  'landing-page': 600,
  newsletter: 500,
  guide: 1500,
};

/** The most body sections an outline takes: more points than these are a second piece. */
export const maxSections = 8;

/** How each format opens and closes, around one body section per point of the brief. */
const shapes: Record<
  Format,
  { open: string; close: string; closing: string[]; body: (point: string, n: number) => string }
> = {
  'blog-post': {
    open: 'Introduction',
    close: 'Conclusion',
    closing: ['Sum up the main points', 'Say what the reader should do next'],
    body: (point) => point,
  },
  'landing-page': {
    open: 'The problem',
    close: 'Call to action',
    closing: ['One action, stated plainly', 'Remove the last doubt (price, trial, guarantee)'],
    body: (point) => point,
  },
  newsletter: {
    open: 'Opening',
    close: 'Sign-off',
    closing: ['What is coming next', 'How to reply or get in touch'],
    body: (point) => point,
  },
  guide: {
    open: 'Before you start',
    close: 'Summary',
    closing: ['The steps in one list', 'Where to go for help'],
    body: (point, n) => `Step ${n}: ${point}`,
  },
};

const bullet = /^\s*(?:[-*•]|\d+[.)])\s+/;

/** Cut at a word boundary, so a heading reads as words. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max + 1).replace(/\s+\S*$/, '');
  return `${cut === '' ? text.slice(0, max) : cut}…`;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const clean = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .replace(/[.;:,]+$/, '')
    .trim();

/**
 * An outline from a brief: its first sentence says what the piece is for (the title and
 * the opening), its bulleted lines (else its other sentences) are the points, one body
 * section each, between the format's opening and closing; the words are shared out with a
 * tenth each to the opening and the closing, the rest evenly, in tens.
 */
export function outlineBrief(
  brief: string,
  opts: { format?: Format | undefined; words?: number | undefined; keyword?: string | undefined },
): Outline {
  const format = opts.format ?? 'blog-post';
  const words = opts.words ?? defaultWords[format];
  const keyword = opts.keyword?.trim() === '' || opts.keyword === undefined ? null : clean(opts.keyword);
  const lines = brief
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const bullets = lines.filter((l) => bullet.test(l)).map((l) => clean(l.replace(bullet, '')));
  const prose = lines.filter((l) => !bullet.test(l)).join(' ');
  const sentences = prose
    .split(/(?<=[.!?])\s+/)
    .map(clean)
    .filter((s) => s !== '');
  const purpose = sentences[0] ?? bullets[0] ?? 'The piece';
  const points = (bullets.length > 0 ? bullets : sentences.slice(1)).filter((p) => p !== '').slice(0, maxSections);

  let title = capitalised(shorten(purpose, 70));
  if (keyword !== null && !title.toLowerCase().includes(keyword.toLowerCase()))
    title = `${capitalised(keyword)}: ${title}`;

  const shape = shapes[format];
  const edge = Math.round(words / 10 / 10) * 10;
  const body = points.length === 0 ? 0 : Math.floor((words - 2 * edge) / points.length / 10) * 10;
  const sections: Section[] = [
    {
      heading: shape.open,
      points: [capitalised(purpose), ...(keyword === null ? [] : [`Use "${keyword}" in the first 100 words`])],
      words: edge,
    },
    ...points.map((point, i) => ({
      heading: capitalised(shorten(shape.body(point, i + 1), 80)),
      points: [capitalised(point), 'An example, a figure or a quote that shows it'],
      words: body,
    })),
    { heading: shape.close, points: shape.closing, words: edge },
  ];
  // What rounding to tens left over goes to the first body section (or the opening), so the budgets add up.
  const left = words - sections.reduce((sum, s) => sum + s.words, 0);
  const first = sections[points.length === 0 ? 0 : 1];
  if (first !== undefined) first.words += left;
  return { title, format, words, keyword, sections };
}
