import { parse } from 'yaml';
import {
  codePointOf,
  hiddenCharacterName,
  hiddenCharacterPattern,
  hiddenKindOf,
  hiddenKinds,
  type HiddenKind,
} from '#platform';
import type { Article } from '../articles/article.ts';

const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/;
const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const keys = ['slug', 'title', 'intent'] as const;

/** Bounds on an article's fields: a title is a line, a slug and an intent are ids. */
export const articleLimits = { slug: 100, title: 200, intent: 50 } as const;

/** What to write at the top of an article, shown whenever its front matter is missing or wrong. */
export const frontMatterExample = '---\nslug: reset-api-key\ntitle: Reset your API key\nintent: how-to\n---';

// An article goes out to customers as the desk's own words (L1 quotes it): like a person's
// /reply, it may hold no character that hides or reorders what it says. The body keeps
// tab and line breaks; the title none.
const hiddenInBody = hiddenCharacterPattern(hiddenKinds, '\t\n\r');
const hiddenInLine = hiddenCharacterPattern(hiddenKinds);

/**
 * One Markdown article: YAML front matter giving its `slug` (default: `fileSlug`, the file
 * name without `.md`), `title` and `intent`, then the body. Returns the article, or every
 * problem with it, each saying what to write instead.
 */
export function parseArticle(text: string, fileSlug: string): { article: Article } | { problems: string[] } {
  const match = frontMatter.exec(text);
  if (match === null)
    return {
      problems: [
        `it has no front matter; start it with a block between --- lines giving its slug, title and intent:\n${frontMatterExample}`,
      ],
    };
  let meta: unknown;
  try {
    meta = parse(match[1] ?? '', { maxAliasCount: 0 });
  } catch (err) {
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
    return { problems: [`its front matter is not valid YAML (${first}); write it like:\n${frontMatterExample}`] };
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    return { problems: [`its front matter must be keys and values, like:\n${frontMatterExample}`] };
  const fields = meta as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(fields))
    if (!(keys as readonly string[]).includes(key))
      problems.push(`its front matter has "${key.slice(0, 40)}", which is not one of slug, title, intent`);

  const field = (key: (typeof keys)[number]) => {
    const value = fields[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') {
      problems.push(`its ${key} must be text, not ${Array.isArray(value) ? 'a list' : typeof value}; quote it`);
      return undefined;
    }
    return value.trim();
  };
  const slug = field('slug') ?? fileSlug;
  const title = field('title');
  const intent = field('intent');
  if (!slugPattern.test(slug) || slug.length > articleLimits.slug)
    problems.push(
      fields.slug === undefined
        ? `its file name "${shown(fileSlug)}" is not a slug, so give it one in its front matter: lowercase letters, digits and hyphens, e.g. "slug: reset-api-key"`
        : `its slug "${shown(slug)}" must be lowercase letters, digits and hyphens (at most ${articleLimits.slug}), e.g. "reset-api-key": answers cite it as kb:<slug>`,
    );
  if (title === undefined || title === '')
    problems.push('its front matter gives no title, e.g. "title: Reset your API key"');
  else if (title.length > articleLimits.title)
    problems.push(`its title is ${title.length} characters long; shorten it to ${articleLimits.title}`);
  else {
    const hidden = findHidden(title, hiddenInLine);
    if (hidden !== undefined) problems.push(`its title holds ${hidden.what} at character ${hidden.at}; remove it`);
  }
  if (intent === undefined || intent === '')
    problems.push(
      'its front matter gives no intent, the kind of question it answers, e.g. "intent: how-to" (L1 answers alone for how-to, account, billing-question, agent-status)',
    );
  else if (!slugPattern.test(intent) || intent.length > articleLimits.intent)
    problems.push(
      `its intent "${shown(intent)}" must be lowercase letters, digits and hyphens (at most ${articleLimits.intent}), e.g. "how-to"`,
    );
  const rest = match[2] ?? '';
  const body = rest.replace(/\r\n?/g, '\n').trim();
  if (body === '') problems.push('it has no text after its front matter; write the article below the closing ---');
  else {
    const hidden = findHidden(rest, hiddenInBody);
    // Lines counted in the file, as an editor shows them: the front matter's come first.
    const line = hidden === undefined ? 0 : lineOf(text, text.length - rest.length + hidden.index);
    if (hidden !== undefined)
      problems.push(
        `line ${line} holds ${hidden.what}: customers read an article as the desk's own words, so remove it`,
      );
  }
  if (problems.length > 0 || title === undefined || intent === undefined) return { problems };
  return { article: { slug, title, intent, body } };
}

/** Quoted in a message: short, one line, and with nothing hidden. */
function shown(value: string): string {
  const cut = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return cut.replace(hiddenInLine, (c) => codePointOf(c.codePointAt(0) ?? 0));
}

const reasons: Readonly<Record<HiddenKind, string>> = {
  control: 'a control character',
  separator: 'a line separator many editors do not show',
  invisible: 'an invisible character, which makes two texts that look the same differ',
  bidi: 'a direction control, which reorders how the text around it is shown',
};

/** The first character `pattern` matches: where, and what it is ("U+202E (RIGHT-TO-LEFT OVERRIDE), a direction control …"). */
function findHidden(text: string, pattern: RegExp): { index: number; at: number; what: string } | undefined {
  pattern.lastIndex = 0;
  const found = pattern.exec(text);
  if (found === null) return undefined;
  const codePoint = found[0].codePointAt(0) ?? 0;
  const kind =
    codePoint === 0x0a || codePoint === 0x0d ? 'a line break' : reasons[hiddenKindOf(codePoint) ?? 'control'];
  return {
    index: found.index,
    at: Array.from(text.slice(0, found.index)).length + 1,
    what: `${codePointOf(codePoint)} (${hiddenCharacterName(codePoint)}), ${kind}`,
  };
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;
