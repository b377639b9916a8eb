import { createError } from '../errors/errors.ts';
import type { GitHubClient } from './github-client.ts';

const logins = new WeakMap<GitHubClient, Promise<string>>();

/**
 * The login a client writes as: `<app-slug>[bot]` for an App installation (an Action's
 * GITHUB_TOKEN is `github-actions[bot]`), the user for a personal token. GraphQL's
 * `viewer` answers for every kind of token (`GET /app` needs the App's JWT, `GET /user` a
 * user's token). Asked once per client.
 */
export function getOwnLogin(client: GitHubClient): Promise<string> {
  let login = logins.get(client);
  if (login === undefined) {
    login = client.request('POST /graphql', { query: 'query { viewer { login } }' }).then((response) => {
      const found = (response.data as { data?: { viewer?: { login?: unknown } } }).data?.viewer?.login;
      if (typeof found !== 'string' || found === '')
        throw createError('WOW_ERR_GITHUB_LOGIN', { answer: JSON.stringify(response.data).slice(0, 300) });
      return found;
    });
    logins.set(client, login);
    // A failed look-up is asked again next time.
    login.catch(() => logins.delete(client));
  }
  return login;
}

/** Whether `item` (a comment, an issue) was written by `login`; GitHub compares logins without case. */
export function isWrittenBy(item: { user?: { login: string } | null }, login: string): boolean {
  return item.user?.login.toLowerCase() === login.toLowerCase();
}
