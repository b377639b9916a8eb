import { load } from 'cheerio';
import { convert } from 'html-to-text';
import { findSpamTriggers, type SpamHit } from './spam-words.ts';
import { checkTokens, type TokenCheck } from './tokens.ts';

/** Subject lengths: phones show about 40 characters, desktop inboxes about 60 to 70. */
export const subjectLimits = { good: 50, cut: 70 } as const;
/** More links than this read as a newsletter of links to filters and to people. */
export const maxLinks = 20;
/** Fewer characters of text than this per image makes an image-heavy email, which filters distrust. */
export const minTextPerImage = 500;
/** The most links and images listed in the findings: the counts stay exact. */
const listed = 200;

export type Kind = 'web' | 'insecure' | 'mailto' | 'token' | 'placeholder';

export interface Finding {
  level: 'fix' | 'consider';
  about: 'subject' | 'spam words' | 'tokens' | 'links' | 'images' | 'unsubscribe';
  text: string;
}

export interface EmailCheck {
  subject: {
    text: string;
    length: number;
    verdict: 'good' | 'long' | 'too long';
    shouting: string[];
    exclamations: number;
  };
  spam: { subject: SpamHit[]; body: SpamHit[] };
  tokens: TokenCheck;
  links: {
    count: number;
    byKind: Record<Kind, number>;
    unsubscribe: boolean;
    list: { href: string; text: string; kind: Kind }[];
  };
  images: { count: number; missingAlt: number; textCharacters: number; textPerImage: number | null; balance: Balance };
  findings: Finding[];
}

type Balance = 'text only' | 'balanced' | 'image-heavy' | 'images only';

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
const length = (text: string) => Array.from(segmenter.segment(text)).length;
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function kindOf(href: string): Kind {
  const h = href.trim().toLowerCase();
  if (/^\{\{.*\}\}$/.test(h)) return 'token';
  if (h.startsWith('https://')) return 'web';
  if (h.startsWith('http://')) return 'insecure';
  if (h.startsWith('mailto:') || h.startsWith('tel:')) return 'mailto';
  return 'placeholder';
}

// html-to-text writes headings in capitals by default, which would turn {{first_name}} into {{FIRST_NAME}}.
const keepCase = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } }));

const unsubscribeWords = /unsubscribe|opt[\s-]?out|manage (?:your )?(?:email )?preferences/i;

/** The email's plain-text part: what a text-only mail client shows, wrapped at 78 characters as RFC 5322 advises. */
export function plainText(html: string): string {
  const text = convert(html, {
    wordwrap: 78,
    selectors: [
      ...keepCase,
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkSameAsText: true } },
    ],
  });
  return `${text.trim()}\n`;
}

/**
 * A marketing email checked before sending: the subject's length, capitals and
 * exclamation marks; trigger words in the subject and the text a reader sees (html-to-text,
 * link targets left out); the {{tokens}} against the fields the sending tool fills; the
 * links by kind (cheerio) and whether one unsubscribes; the images, their alt texts and the
 * text there is per image. Each problem is a finding to fix or to consider.
 */
export function checkEmail(subject: string, html: string, defined: string[] | null): EmailCheck {
  const $ = load(html);
  const seen = convert(html, {
    wordwrap: false,
    selectors: [...keepCase, { selector: 'img', format: 'skip' }, { selector: 'a', options: { ignoreHref: true } }],
  });
  const findings: Finding[] = [];

  const subjectText = oneLine(subject);
  const subjectLength = length(subjectText);
  const verdict =
    subjectLength <= subjectLimits.good ? 'good' : subjectLength <= subjectLimits.cut ? 'long' : 'too long';
  const shouting = (subjectText.replace(/\{\{[^}]*\}\}/g, ' ').match(/\b\p{Lu}{3,}\b/gu) ?? []).slice(0, 20);
  const exclamations = subjectText.match(/!/g)?.length ?? 0;
  if (verdict !== 'good')
    findings.push({
      level: verdict === 'too long' ? 'fix' : 'consider',
      about: 'subject',
      text:
        `The subject has ${subjectLength} characters: ` +
        (verdict === 'too long'
          ? `most inboxes cut it after about ${subjectLimits.cut}.`
          : `phones cut it after about ${subjectLimits.good}.`),
    });
  if (shouting.length > 0)
    findings.push({
      level: 'consider',
      about: 'subject',
      text: `The subject shouts in capitals: ${shouting.join(', ')}.`,
    });
  if (exclamations > 1)
    findings.push({
      level: 'fix',
      about: 'subject',
      text: `The subject has ${exclamations} exclamation marks: keep at most one.`,
    });

  const spam = { subject: findSpamTriggers(subjectText), body: findSpamTriggers(seen) };
  const hits = [...spam.subject, ...spam.body].reduce((n, h) => n + h.count, 0);
  if (spam.subject.length > 0)
    findings.push({
      level: 'fix',
      about: 'spam words',
      text: `The subject carries spam-trigger words (${spam.subject.map((h) => h.phrase).join(', ')}): filters weigh the subject most.`,
    });
  if (spam.body.length > 0)
    findings.push({
      level: hits >= 5 ? 'fix' : 'consider',
      about: 'spam words',
      text:
        `The text carries ${spam.body.reduce((n, h) => n + h.count, 0)} spam-trigger word(s): ` +
        `${spam.body.map((h) => `${h.phrase} (${h.count})`).join(', ')}.`,
    });

  const tokens = checkTokens([subject, html], defined);
  const undefinedTokens = tokens.used.filter((t) => t.defined === false);
  if (undefinedTokens.length > 0)
    findings.push({
      level: 'fix',
      about: 'tokens',
      text: `The sending tool fills no field for ${undefinedTokens.map((t) => `{{${t.name}}}`).join(', ')}: readers would see the braces or a blank.`,
    });
  if (tokens.malformed.length > 0)
    findings.push({
      level: 'fix',
      about: 'tokens',
      text: `${tokens.malformed.length} token(s) are not well formed (a brace missing or no name): readers would see them as they are.`,
    });
  // A fallback matters where a reader sees the token (the subject, the text), not in a link the tool fills.
  const noFallback = checkTokens([subjectText, seen], null).used.filter(
    (t) => t.withFallback < t.count && !undefinedTokens.some((u) => u.name === t.name),
  );
  if (noFallback.length > 0)
    findings.push({
      level: 'consider',
      about: 'tokens',
      text:
        `No fallback for a reader whose field is empty: ${noFallback.map((t) => `{{${t.name}}}`).join(', ')} ` +
        `(e.g. {{${noFallback[0]?.name ?? ''} | default: "there"}}).`,
    });

  const anchors = $('a[href]').toArray();
  const byKind: Record<Kind, number> = { web: 0, insecure: 0, mailto: 0, token: 0, placeholder: 0 };
  const list: EmailCheck['links']['list'] = [];
  let unsubscribe = false;
  for (const a of anchors) {
    const href = ($(a).attr('href') ?? '').trim();
    const text = oneLine($(a).text());
    const kind = kindOf(href);
    byKind[kind] += 1;
    unsubscribe ||= unsubscribeWords.test(text) || unsubscribeWords.test(href);
    if (list.length < listed) list.push({ href: href.slice(0, 500), text: text.slice(0, 200), kind });
  }
  const linkCount = anchors.length;
  if (linkCount > maxLinks)
    findings.push({
      level: 'consider',
      about: 'links',
      text: `${linkCount} links: more than ${maxLinks} reads as a list of links, to filters and to people.`,
    });
  if (byKind.placeholder > 0)
    findings.push({
      level: 'fix',
      about: 'links',
      text: `${byKind.placeholder} link(s) go nowhere (empty, "#" or not a web address).`,
    });
  if (byKind.insecure > 0)
    findings.push({ level: 'fix', about: 'links', text: `${byKind.insecure} link(s) use http:, not https:.` });
  if (!unsubscribe)
    findings.push({
      level: 'fix',
      about: 'unsubscribe',
      text: 'No link unsubscribes: the law (CAN-SPAM, GDPR, the inbox providers’ bulk-sender rules) wants one in every marketing email.',
    });

  const imgs = $('img').toArray();
  // An empty alt marks a spacer or a decoration, as it should; no alt at all is what readers miss.
  const missingAlt = imgs.filter((el) => $(el).attr('alt') === undefined).length;
  const textCharacters = length(oneLine(seen));
  const textPerImage = imgs.length === 0 ? null : Math.round(textCharacters / imgs.length);
  const balance: Balance =
    textPerImage === null
      ? 'text only'
      : textCharacters < 100
        ? 'images only'
        : textPerImage < minTextPerImage
          ? 'image-heavy'
          : 'balanced';
  if (balance === 'images only' || balance === 'image-heavy')
    findings.push({
      level: balance === 'images only' ? 'fix' : 'consider',
      about: 'images',
      text:
        `${imgs.length} image(s) and ${textCharacters} characters of text (${textPerImage} per image): filters distrust emails ` +
        `with less than about ${minTextPerImage} characters per image, and readers who block images see little.`,
    });
  if (missingAlt > 0)
    findings.push({
      level: 'fix',
      about: 'images',
      text: `${missingAlt} image(s) have no alt text, which readers who block images see instead.`,
    });

  findings.sort((a, b) => (a.level === b.level ? 0 : a.level === 'fix' ? -1 : 1));
  return {
    subject: { text: subjectText, length: subjectLength, verdict, shouting, exclamations },
    spam,
    tokens,
    links: { count: linkCount, byKind, unsubscribe, list },
    images: { count: imgs.length, missingAlt, textCharacters, textPerImage, balance },
    findings,
  };
}
