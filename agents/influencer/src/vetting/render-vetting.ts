import { markdownText } from '#platform';
import type { Vetting, VettedAccount } from './vet-accounts.ts';

const number = new Intl.NumberFormat('en');
const rate = (a: VettedAccount) => (a.engagementRate === null ? '–' : `${a.engagementRate.toFixed(2)}%`);
const ratio = (a: VettedAccount) => (a.followerRatio === null ? 'follows no one' : a.followerRatio.toFixed(2));

/** The vetting as the customer reads it: the shortlist, the accounts left out and why, then every account. */
export function renderVetting(vetting: Vetting): string {
  const byHandle = new Map(vetting.accounts.map((a) => [a.handle, a]));
  const high = vetting.accounts.filter((a) => a.risk === 'high');
  const lines = [
    '# Influencer shortlist',
    '',
    `${vetting.accounts.length} account(s) weighed: ${vetting.shortlist.length} shortlisted, ${high.length} left out as likely bought audiences` +
      `${vetting.minFollowers > 0 ? `, at least ${number.format(vetting.minFollowers)} followers` : ''}.`,
    '',
    '## Shortlist',
    '',
  ];
  if (vetting.shortlist.length === 0) lines.push('No account qualifies.', '');
  else {
    lines.push(
      '| rank | account | followers | engagement rate | followers per following | flag |',
      '|---|---|---|---|---|---|',
    );
    for (const handle of vetting.shortlist) {
      const a = byHandle.get(handle);
      if (a === undefined) continue;
      lines.push(
        `| ${a.rank} | ${markdownText(a.handle)} | ${number.format(a.followers)} (${a.tier}) | ${rate(a)} | ${ratio(a)} | ${a.flags.join(', ') || '–'} |`,
      );
    }
    lines.push('');
  }
  if (high.length > 0) {
    lines.push('## Left out', '');
    for (const a of high) lines.push(`- ${markdownText(a.handle)}: ${a.flags.join(', ')}`);
    lines.push('');
  }
  lines.push(
    '## All accounts',
    '',
    '| account | followers | following | posts | avg likes | avg comments | engagement rate | followers per following | risk |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const a of vetting.accounts)
    lines.push(
      `| ${markdownText(a.handle)} | ${number.format(a.followers)} | ${number.format(a.following)} | ${number.format(a.posts)} | ` +
        `${number.format(a.avgLikes)} | ${number.format(a.avgComments)} | ${rate(a)} | ${ratio(a)} | ${a.risk} |`,
    );
  lines.push(
    '',
    'Engagement rate: average likes and comments per post over followers. Flags: under 1% or over 15% engagement, ' +
      'following more than half as many as follow (once following 1,000), fewer than 20 posts for 10,000 followers, ' +
      'fewer than 0.5 comments per 100 likes. Two flags or more leave an account out.',
    '',
  );
  return lines.join('\n');
}

/** A CSV cell: quoted when needed, and a leading =, +, -, @ or tab made text so a spreadsheet never runs it. */
function cell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Every account as a spreadsheet row, the shortlist's rank first. */
export function renderVettingCsv(vetting: Vetting): string {
  const header =
    'rank,handle,followers,following,posts,avg_likes,avg_comments,tier,engagement_rate,follower_ratio,risk,flags';
  const rows = vetting.accounts.map((a) =>
    [
      a.rank,
      a.handle,
      a.followers,
      a.following,
      a.posts,
      a.avgLikes,
      a.avgComments,
      a.tier,
      a.engagementRate,
      a.followerRatio,
      a.risk,
      a.flags.join('; '),
    ]
      .map(cell)
      .join(','),
  );
  return `${[header, ...rows].join('\r\n')}\r\n`;
}
