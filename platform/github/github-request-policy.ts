/**
 * How a GitHub client waits and retries. GitHub counts its waits in seconds (`retry-after`,
 * `x-ratelimit-reset`, "wait at least one second between writes"); `secondMs` is how long
 * one of those seconds lasts here, so a test can make every wait short without changing
 * what is decided.
 */
export interface GitHubRequestPolicy {
  /** Milliseconds in one of GitHub's seconds: 1,000, unless a test shortens the waits. */
  secondMs: number;
  /** Retries of a request answered 500 or above (or not answered), after 1, 4, 9 … seconds. */
  serverErrorRetries: number;
  /** Retries of a request refused for a rate limit, primary or secondary. */
  rateLimitRetries: number;
  /**
   * The longest wait for a rate limit. A longer one (a primary limit that resets in an hour)
   * fails the call instead, so the bus retries its delivery later rather than a handler
   * sleeping on it; a request sent while still limited only counts against the App.
   */
  maxRateLimitWaitSeconds: number;
}

export const defaultGitHubRequestPolicy: GitHubRequestPolicy = {
  secondMs: 1000,
  serverErrorRetries: 3,
  rateLimitRetries: 2,
  maxRateLimitWaitSeconds: 300,
};

export type RateLimitKind = 'primary' | 'secondary';

export interface RateLimitDecision {
  retry: boolean;
  /** Why, for the log line. */
  why: string;
}

/**
 * Whether a request refused for a rate limit is sent again after `retryAfterSeconds`
 * (GitHub's `retry-after`, or the time until `x-ratelimit-reset`), given how many times it
 * was retried already.
 */
export function decideRateLimitRetry(
  limit: { kind: RateLimitKind; retryAfterSeconds: number; retryCount: number },
  policy: GitHubRequestPolicy = defaultGitHubRequestPolicy,
): RateLimitDecision {
  if (limit.retryCount >= policy.rateLimitRetries)
    return { retry: false, why: `retried ${limit.retryCount} time(s) already` };
  if (limit.retryAfterSeconds > policy.maxRateLimitWaitSeconds)
    return {
      retry: false,
      why: `the limit lifts in ${limit.retryAfterSeconds} s, longer than the ${policy.maxRateLimitWaitSeconds} s a call waits`,
    };
  return { retry: true, why: `retrying in ${limit.retryAfterSeconds} s` };
}
