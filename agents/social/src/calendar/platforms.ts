/** The platforms a calendar can post on. */
export type Platform = 'linkedin' | 'x' | 'instagram' | 'facebook';

/** The days of the week as Date#getUTCDay numbers them. */
export const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

export interface PlatformRules {
  label: string;
  /** The most characters a post may have, as the platform counts them. */
  maxLength: number;
  /**
   * Its posting times in the audience's local time, best first, one a day of the week, so
   * that a week of n posts takes the n best days. They follow the engagement studies
   * social media tools publish each year (weekday mornings for LinkedIn, X and Facebook,
   * late morning and evening for Instagram).
   */
  slots: { day: number; time: string }[];
}

export const platformRules: Record<Platform, PlatformRules> = {
  linkedin: {
    label: 'LinkedIn',
    maxLength: 3000,
    slots: [
      { day: 2, time: '10:00' },
      { day: 3, time: '09:00' },
      { day: 4, time: '10:00' },
      { day: 1, time: '11:00' },
      { day: 5, time: '09:00' },
      { day: 6, time: '10:00' },
      { day: 0, time: '10:00' },
    ],
  },
  x: {
    label: 'X',
    maxLength: 280,
    slots: [
      { day: 3, time: '09:00' },
      { day: 2, time: '09:00' },
      { day: 4, time: '09:00' },
      { day: 5, time: '09:00' },
      { day: 1, time: '12:00' },
      { day: 6, time: '10:00' },
      { day: 0, time: '10:00' },
    ],
  },
  instagram: {
    label: 'Instagram',
    maxLength: 2200,
    slots: [
      { day: 2, time: '11:00' },
      { day: 3, time: '11:00' },
      { day: 5, time: '11:00' },
      { day: 4, time: '19:00' },
      { day: 1, time: '19:00' },
      { day: 6, time: '10:00' },
      { day: 0, time: '18:00' },
    ],
  },
  facebook: {
    label: 'Facebook',
    maxLength: 63206,
    slots: [
      { day: 3, time: '09:00' },
      { day: 2, time: '13:00' },
      { day: 4, time: '13:00' },
      { day: 5, time: '09:00' },
      { day: 1, time: '11:00' },
      { day: 6, time: '12:00' },
      { day: 0, time: '12:00' },
    ],
  },
};

export const allPlatforms = Object.keys(platformRules) as Platform[];

const aliases: Record<string, Platform> = { twitter: 'x', 'x.com': 'x', fb: 'facebook', ig: 'instagram' };

/**
 * The platforms a customer named, in the calendar's order, or the first name that is no
 * platform, so the task can ask for it to be fixed.
 */
export function parsePlatforms(list: string | undefined): { platforms: Platform[] } | { unknown: string } {
  if (list === undefined || list.trim() === '') return { platforms: allPlatforms };
  const named = new Set<Platform>();
  for (const raw of list.split(',')) {
    const word = raw.trim().toLowerCase();
    if (word === '') continue;
    const platform = aliases[word] ?? (word in platformRules ? (word as Platform) : undefined);
    if (platform === undefined) return { unknown: raw.trim() };
    named.add(platform);
  }
  if (named.size === 0) return { platforms: allPlatforms };
  return { platforms: allPlatforms.filter((p) => named.has(p)) };
}

/** X counts any link as 23 characters, whatever its length (its t.co wrapping). */
const xLinkLength = 23;
const link = /https?:\/\/\S+/g;

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** The characters of a text as a reader sees them: an emoji with its modifiers is one, not two UTF-16 units. */
export function characters(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** A post's length as the platform counts it: characters as a reader sees them, links on X as 23. */
export function postLength(text: string, platform: Platform): number {
  const chars = (s: string) => characters(s).length;
  if (platform !== 'x') return chars(text);
  const links = text.match(link) ?? [];
  return chars(text.replace(link, '')) + links.length * xLinkLength;
}
