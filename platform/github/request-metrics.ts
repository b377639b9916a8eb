import type { Octokit } from '@octokit/core';
import type { PaginateInterface } from '@octokit/plugin-paginate-rest';
import type { RateLimitKind } from './github-request-policy.ts';

/** What a GitHub client reports, for `/metrics` (platform/metrics implements it). */
export interface GitHubObserver {
  /**
   * One exchange with GitHub, retries each counted: the templated route (`GET
   * /repos/{owner}/{repo}/pulls`, never a concrete URL, so labels stay few), the status
   * (`error` when no answer came) and how long it took.
   */
  requested(call: { method: string; route: string; status: string; seconds: number }): void;
  /** A request GitHub refused for a rate limit, and whether it is sent again. */
  rateLimited(kind: RateLimitKind, retried: boolean): void;
}

/** Where a request's templated route travels when its URL is concrete (pages after the first). */
interface RouteTag {
  routeLabel?: string;
}

/**
 * The route a request is counted under. A call's URL is its template (`/repos/{owner}/…`);
 * a page that `paginate` follows has a concrete URL, and carries its template in the
 * request options (see `paginateWithRoutes`). Anything else is `other`, never its URL.
 */
export function routeOf(options: { method: string; url: string; request?: unknown }): string {
  const tagged = (options.request as RouteTag | undefined)?.routeLabel;
  if (tagged !== undefined) return tagged;
  if (options.url.startsWith('/')) return `${options.method} ${options.url.split('?')[0] ?? ''}`;
  return `${options.method} other`;
}

/**
 * An Octokit plugin counting each exchange with GitHub. Composed before throttling and
 * retry, so it sits inside them: each attempt is counted with its own status and time, a
 * wait for a rate limit is not.
 */
export function requestMetrics(observer: GitHubObserver | undefined) {
  return (octokit: Octokit): Record<string, never> => {
    if (observer === undefined) return {};
    octokit.hook.wrap('request', async (request, options) => {
      const route = routeOf(options);
      const started = performance.now();
      const done = (status: string) =>
        observer.requested({ method: options.method, route, status, seconds: (performance.now() - started) / 1000 });
      try {
        const response = await request(options);
        done(String(response.status));
        return response;
      } catch (err) {
        const status = (err as { response?: { status?: number } }).response?.status;
        done(status === undefined ? 'error' : String(status));
        throw err;
      }
    });
    return {};
  };
}

/**
 * `paginate` as @octokit/plugin-paginate-rest gives it, except that a route given as a
 * string travels with every page's request, so the pages after the first (whose URL is
 * GitHub's concrete `Link: rel="next"`) are counted under the same route as the first.
 */
export function paginateWithRoutes(octokit: Octokit): { paginate: PaginateInterface } {
  // Composed after paginateRest, whose `paginate` is on the instance by now.
  const untagged = (octokit as Octokit & { paginate: PaginateInterface }).paginate;
  const tag = (route: unknown): unknown => {
    if (typeof route !== 'string') return route;
    const [method, url] = route.split(' ');
    if (url === undefined) return route;
    return octokit.request.defaults({ method, url, request: { routeLabel: route } satisfies RouteTag });
  };
  type Call = (route: unknown, ...rest: unknown[]) => unknown;
  const paginate = ((route: unknown, ...rest: unknown[]) =>
    (untagged as unknown as Call)(tag(route), ...rest)) as unknown as PaginateInterface;
  paginate.iterator = ((route: unknown, ...rest: unknown[]) =>
    (untagged.iterator as unknown as Call)(tag(route), ...rest)) as PaginateInterface['iterator'];
  return { paginate };
}
