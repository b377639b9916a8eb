/** "just now", "2 min ago", "3 h ago", "5 days ago": how long before `now` something happened. */
export function timeAgo(at: Date, now: Date): string {
  const minutes = Math.floor(Math.max(0, now.getTime() - at.getTime()) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

/** "45 s", "12 min", "3.5 h", "2 days": a response time as a person reads it. */
export function duration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = seconds / 60;
  if (minutes < 60) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${round1(hours)} h`;
  return `${round1(hours / 24)} days`;
}

/** A mean rating to one decimal place, e.g. "4.6". */
export const stars = (mean: number): string => mean.toFixed(1);

/** A share as a whole percentage, e.g. "92%". */
export const percent = (share: number): string => `${Math.round(share * 100)}%`;

/** "1 rating", "23 ratings". */
export const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

const round1 = (n: number) => String(Math.round(n * 10) / 10);
