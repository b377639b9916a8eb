import { load } from 'cheerio';
import { classifyLinks, type LinkCounts } from './classify-links.ts';
import { keywordDensity, mentions, type KeywordDensity } from './keyword-density.ts';

/** What the audit found, the JSON deliverable. */
export interface PageAudit {
  url: string | null;
  title: Measured;
  metaDescription: Measured;
  headings: {
    h1Count: number;
    outline: { level: number; text: string }[];
    /** Headings that skip a level after the one before them (an h4 straight after an h2). */
    skips: { level: number; after: number; text: string }[];
  };
  images: { total: number; missingAlt: string[]; emptyAlt: number };
  canonical: { href: string | null; status: 'ok' | 'missing' | 'multiple' | 'relative' | 'elsewhere' };
  links: LinkCounts;
  keyword: (KeywordDensity & { inTitle: boolean; inMetaDescription: boolean; inH1: boolean }) | null;
  issues: Issue[];
  /** 100 less 15 per error and 5 per warning, at least 0. */
  score: number;
}

export interface Measured {
  text: string | null;
  length: number;
  status: 'ok' | 'missing' | 'too-short' | 'too-long';
}

export interface Issue {
  severity: 'error' | 'warning';
  check: 'title' | 'meta-description' | 'h1' | 'heading-order' | 'alt-text' | 'canonical' | 'links' | 'keyword';
  message: string;
}

/**
 * The lengths search results show without cutting (Google shows about 60 characters of a
 * title and 155–160 of a description) and below which they waste the space.
 */
export const lengthBounds = { title: { min: 30, max: 60 }, metaDescription: { min: 70, max: 160 } } as const;
/** Keyword density in percent: below it the page hardly says the keyword, above it reads as stuffing. */
export const densityBounds = { min: 0.5, max: 3 } as const;

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** An on-page audit of one HTML document: each check measured, and what to fix, most serious first. */
export function auditPage(
  html: string,
  opts: { pageUrl?: string | undefined; keyword?: string | undefined },
): PageAudit {
  const $ = load(html);
  const issues: Issue[] = [];
  const issue = (severity: Issue['severity'], check: Issue['check'], message: string) =>
    issues.push({ severity, check, message });

  const titleText = $('head title').first().text() || $('title').first().text();
  const title = measure(titleText === '' ? null : oneLine(titleText), lengthBounds.title);
  if (title.status === 'missing') issue('error', 'title', 'The page has no <title>: write one of 30–60 characters.');
  else if (title.status !== 'ok')
    issue('warning', 'title', `The title is ${title.length} characters long; keep it between 30 and 60.`);

  const description = $('meta[name="description" i]').first().attr('content');
  const metaDescription = measure(
    description === undefined ? null : oneLine(description),
    lengthBounds.metaDescription,
  );
  if (metaDescription.status === 'missing')
    issue('error', 'meta-description', 'The page has no meta description: write one of 70–160 characters.');
  else if (metaDescription.status !== 'ok')
    issue(
      'warning',
      'meta-description',
      `The meta description is ${metaDescription.length} characters long; keep it between 70 and 160.`,
    );

  const outline = $('h1, h2, h3, h4, h5, h6')
    .toArray()
    .map((el) => ({ level: Number(el.tagName.slice(1)), text: oneLine($(el).text()) }));
  const h1Count = outline.filter((h) => h.level === 1).length;
  if (h1Count === 0) issue('error', 'h1', 'The page has no h1: give it one heading that says what it is about.');
  else if (h1Count > 1) issue('warning', 'h1', `The page has ${h1Count} h1 headings; keep one.`);
  const skips: PageAudit['headings']['skips'] = [];
  outline.forEach((h, i) => {
    const before = i === 0 ? 0 : (outline[i - 1]?.level ?? 0);
    if (h.level > before + 1) skips.push({ level: h.level, after: before, text: h.text });
  });
  for (const s of skips)
    issue(
      'warning',
      'heading-order',
      s.after === 0
        ? `The first heading is an h${s.level} ("${s.text}"); start with the h1.`
        : `The h${s.level} "${s.text}" follows an h${s.after}; use an h${s.after + 1}.`,
    );

  const imgs = $('img').toArray();
  const missingAlt = imgs.filter((el) => $(el).attr('alt') === undefined).map((el) => $(el).attr('src') ?? '(no src)');
  const emptyAlt = imgs.filter((el) => $(el).attr('alt')?.trim() === '').length;
  if (missingAlt.length > 0)
    issue(
      'error',
      'alt-text',
      `${missingAlt.length} of ${imgs.length} images have no alt text: describe each (alt="" only for decoration).`,
    );

  const canonicals = $('link[rel~="canonical" i]').toArray();
  const href = canonicals.length === 0 ? null : ($(canonicals[0]).attr('href')?.trim() ?? '');
  const canonical: PageAudit['canonical'] = { href, status: 'ok' };
  if (href === null || href === '') canonical.status = 'missing';
  else if (canonicals.length > 1) canonical.status = 'multiple';
  else if (!/^https?:\/\//i.test(href)) canonical.status = 'relative';
  else if (opts.pageUrl !== undefined && withoutFragment(href) !== withoutFragment(opts.pageUrl))
    canonical.status = 'elsewhere';
  const canonicalMessages = {
    ok: '',
    missing: 'The page has no canonical link: add <link rel="canonical"> with its own absolute address.',
    multiple: `The page has ${canonicals.length} canonical links; keep one.`,
    relative: 'The canonical link is relative; write the absolute address.',
    elsewhere: 'The canonical link points to another address, so search engines index that page instead of this one.',
  };
  if (canonical.status !== 'ok')
    issue(canonical.status === 'elsewhere' ? 'warning' : 'error', 'canonical', canonicalMessages[canonical.status]);

  const links = classifyLinks(
    $('a[href]')
      .toArray()
      .map((el) => ({ href: $(el).attr('href') ?? '', rel: $(el).attr('rel') ?? '' })),
    opts.pageUrl ?? (canonical.status === 'ok' || canonical.status === 'elsewhere' ? (href ?? undefined) : undefined),
  );
  if (links.internal === 0) issue('warning', 'links', 'The page links to no other page of the site.');

  let keyword: PageAudit['keyword'] = null;
  if (opts.keyword !== undefined && opts.keyword.trim() !== '') {
    $('script, style, noscript, template').remove();
    const found = keywordDensity($('body').text() || $.root().text(), opts.keyword);
    const h1 = outline.find((h) => h.level === 1)?.text ?? '';
    keyword = {
      ...found,
      inTitle: mentions(title.text ?? '', opts.keyword),
      inMetaDescription: mentions(metaDescription.text ?? '', opts.keyword),
      inH1: mentions(h1, opts.keyword),
    };
    if (found.density < densityBounds.min)
      issue('warning', 'keyword', `"${found.keyword}" makes up ${found.density}% of the text; aim for 0.5–3%.`);
    else if (found.density > densityBounds.max)
      issue(
        'warning',
        'keyword',
        `"${found.keyword}" makes up ${found.density}% of the text, which reads as stuffing; keep it under 3%.`,
      );
    const missing = [
      keyword.inTitle ? '' : 'the title',
      keyword.inMetaDescription ? '' : 'the meta description',
      keyword.inH1 ? '' : 'the h1',
    ].filter((w) => w !== '');
    if (missing.length > 0) issue('warning', 'keyword', `"${found.keyword}" is not in ${missing.join(', ')}.`);
  }

  const errors = issues.filter((i) => i.severity === 'error');
  return {
    url: opts.pageUrl ?? null,
    title,
    metaDescription,
    headings: { h1Count, outline, skips },
    images: { total: imgs.length, missingAlt, emptyAlt },
    canonical,
    links,
    keyword,
    issues: [...errors, ...issues.filter((i) => i.severity === 'warning')],
    score: Math.max(0, 100 - 15 * errors.length - 5 * (issues.length - errors.length)),
  };
}

function measure(text: string | null, bounds: { min: number; max: number }): Measured {
  if (text === null || text === '') return { text: null, length: 0, status: 'missing' };
  const length = Array.from(text).length;
  return { text, length, status: length < bounds.min ? 'too-short' : length > bounds.max ? 'too-long' : 'ok' };
}

function withoutFragment(url: string): string {
  return url.replace(/#.*$/, '').replace(/\/$/, '');
}
