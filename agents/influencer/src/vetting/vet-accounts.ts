import type { Account } from './read-accounts.ts';

/**
 * The signs of a bought audience, with their thresholds. Engagement (likes and comments
 * per post over followers) runs at about 1% to 5% for real audiences, lower as accounts
 * grow; much less means followers who never look, much more engagement pods or bought
 * likes. Following many, few posts for a big audience and likes without comments are the
 * other traces follower sellers leave.
 */
export const thresholds = {
  lowEngagementPercent: 1,
  highEngagementPercent: 15,
  /** Following more than half as many as follow it, once it follows this many. */
  followBackShare: 0.5,
  followBackMinFollowing: 1000,
  /** An audience this big with fewer posts than this grew faster than its posts could. */
  fewPostsFollowers: 10_000,
  fewPosts: 20,
  /** Fewer comments than this per hundred likes, once posts get this many likes. */
  commentsPerHundredLikes: 0.5,
  commentsMinLikes: 100,
} as const;

export type Flag =
  | 'low engagement'
  | 'engagement too high'
  | 'follows back many'
  | 'few posts for its audience'
  | 'likes without comments';
export type Tier = 'nano' | 'micro' | 'mid' | 'macro' | 'mega';
export type Risk = 'low' | 'medium' | 'high';

export interface VettedAccount extends Account {
  tier: Tier;
  /** (average likes + average comments) ÷ followers, in per cent. */
  engagementRate: number | null;
  /** Followers ÷ following (null when it follows no one). */
  followerRatio: number | null;
  flags: Flag[];
  /** No flag is low, one medium, two or more high: those are left off the shortlist. */
  risk: Risk;
  /** Its place on the shortlist, or null when it is not on it. */
  rank: number | null;
}

export interface Vetting {
  accounts: VettedAccount[];
  shortlist: string[];
  top: number;
  minFollowers: number;
}

function tierOf(followers: number): Tier {
  if (followers < 10_000) return 'nano';
  if (followers < 100_000) return 'micro';
  if (followers < 500_000) return 'mid';
  if (followers < 1_000_000) return 'macro';
  return 'mega';
}

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;
const riskOrder: Record<Risk, number> = { low: 0, medium: 1, high: 2 };

/**
 * Each account's engagement rate, follower ratio and the flags its figures raise; then the
 * shortlist: the accounts with at least minFollowers and not high risk, low risk before
 * medium, each by engagement rate (more followers first on a tie), the first `top`.
 */
export function vetAccounts(accounts: Account[], opts: { top: number; minFollowers: number }): Vetting {
  const t = thresholds;
  const vetted: VettedAccount[] = accounts.map((a) => {
    const er = a.followers === 0 ? null : ((a.avgLikes + a.avgComments) / a.followers) * 100;
    const flags: Flag[] = [];
    if (er !== null && er < t.lowEngagementPercent) flags.push('low engagement');
    if (er !== null && er > t.highEngagementPercent) flags.push('engagement too high');
    if (a.following >= t.followBackMinFollowing && a.following > a.followers * t.followBackShare)
      flags.push('follows back many');
    if (a.followers >= t.fewPostsFollowers && a.posts < t.fewPosts) flags.push('few posts for its audience');
    if (a.avgLikes >= t.commentsMinLikes && (a.avgComments / a.avgLikes) * 100 < t.commentsPerHundredLikes)
      flags.push('likes without comments');
    return {
      ...a,
      tier: tierOf(a.followers),
      engagementRate: er === null ? null : round(er, 2),
      followerRatio: a.following === 0 ? null : round(a.followers / a.following, 2),
      flags,
      risk: flags.length === 0 ? 'low' : flags.length === 1 ? 'medium' : 'high',
      rank: null,
    };
  });
  const shortlisted = vetted
    .filter((a) => a.risk !== 'high' && a.followers >= opts.minFollowers && a.engagementRate !== null)
    .sort(
      (a, b) =>
        riskOrder[a.risk] - riskOrder[b.risk] ||
        (b.engagementRate ?? 0) - (a.engagementRate ?? 0) ||
        b.followers - a.followers,
    )
    .slice(0, opts.top);
  shortlisted.forEach((a, i) => (a.rank = i + 1));
  return {
    accounts: vetted,
    shortlist: shortlisted.map((a) => a.handle),
    top: opts.top,
    minFollowers: opts.minFollowers,
  };
}
