/**
 * A URL as errors, logs and the CLI may name it: its origin only, with `/…` where a path
 * or query was (https://hooks.slack.com/…). Slack, Discord and Teams put a webhook's
 * secret in its path, others in the query string or the user part, and an error travels
 * to logs, dead letters, the message's delivery error and from there into internal notes
 * on a GitHub issue.
 */
export function urlForLogs(url: string): string {
  try {
    const { origin, pathname, search, hash } = new URL(url);
    return pathname === '/' && search === '' && hash === '' ? `${origin}/` : `${origin}/…`;
  } catch {
    return 'a malformed URL';
  }
}
