import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { createLogger, type Logger } from '../log/logger.ts';
import { createRestrictedInstallationAuth } from './restricted-installation-auth.ts';
import {
  decideRateLimitRetry,
  defaultGitHubRequestPolicy,
  type GitHubRequestPolicy,
  type RateLimitKind,
} from './github-request-policy.ts';
import { paginateWithRoutes, requestMetrics, routeOf, type GitHubObserver } from './request-metrics.ts';

/**
 * Octokit as Probot composes it: throttling, retry and pagination, plus our request
 * metrics (inside throttling and retry, so each attempt is counted) and routes on every
 * page (so pages are counted under their template).
 */
const composed = (observer: GitHubObserver | undefined) =>
  Octokit.plugin(requestMetrics(observer), throttling, retry, paginateRest, paginateWithRoutes, createOnlyOnce);

type GitHubOctokit = InstanceType<ReturnType<typeof composed>>;

/** What agents and doors call GitHub with: Octokit's `request`, and `paginate` for lists. */
export type GitHubClient = Pick<GitHubOctokit, 'request' | 'paginate'>;

/** The App's credentials: with an installation, a client acting as it; without, the App itself (a JWT). */
export interface GitHubAppAuth {
  appId: string;
  privateKey: string;
  installationId?: number;
  /** With an installation: its tokens carry only these permissions (an agent's grants). */
  permissions?: Record<string, 'read' | 'write'> | undefined;
}

export interface GitHubClientOptions {
  /** A token (an Action's GITHUB_TOKEN, a personal access token), or the App's credentials. */
  auth: string | GitHubAppAuth;
  /** Default: https://api.github.com. */
  baseUrl?: string | undefined;
  userAgent?: string | undefined;
  /** For tests: a fetch that answers as GitHub would. */
  fetch?: typeof fetch | undefined;
  /** Where rate-limit waits are told. Default: nowhere. */
  log?: Logger | undefined;
  /** Counts each exchange for `/metrics` (`metrics.github`). */
  observer?: GitHubObserver | undefined;
  /** How the client waits and retries; production's unless a test shortens the waits. */
  policy?: Partial<GitHubRequestPolicy> | undefined;
}

/**
 * A GitHub client with GitHub's rules for integrators built in:
 * (1) writes are paced (one a second, content that notifies people one per three seconds,
 * searches one per two), so bursts do not trip secondary rate limits;
 * (2) a request refused for a rate limit (403 or 429, a secondary limit's message or
 * `x-ratelimit-remaining: 0`) is sent again after GitHub's `retry-after` or reset, a
 * bounded number of times, each wait logged; 429 is left to this alone, never retried
 * blindly;
 * (3) an answer of 500 or above is retried with a growing wait, except for a request that
 * creates something (see `createOnlyOnce`); other 4xx answers are final.
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const policy = { ...defaultGitHubRequestPolicy, ...options.policy };
  const log = options.log ?? createLogger('silent');
  const onLimit =
    (kind: RateLimitKind) =>
    (
      retryAfterSeconds: number,
      request: { method: string; url: string; request?: unknown },
      _o: unknown,
      retryCount: number,
    ) => {
      const decision = decideRateLimitRetry({ kind, retryAfterSeconds, retryCount }, policy);
      options.observer?.rateLimited(kind, decision.retry);
      log.warn(
        { route: routeOf(request), retryAfterSeconds, retryCount, retry: decision.retry },
        `GitHub ${kind} rate limit on ${routeOf(request)}: ${decision.why}`,
      );
      return decision.retry;
    };
  // Per client: a client is one identity (an installation, a token), which GitHub paces.
  const paced = (minTime: number) => new Bottleneck.Group({ maxConcurrent: 1, minTime: minTime * policy.secondMs });
  const app = typeof options.auth === 'string' ? undefined : options.auth;
  const GitHubOctokit = composed(options.observer);
  return new GitHubOctokit({
    baseUrl: options.baseUrl ?? 'https://api.github.com',
    userAgent: options.userAgent ?? 'waooaw',
    log,
    ...(app === undefined
      ? { auth: options.auth }
      : app.installationId !== undefined && app.permissions !== undefined
        ? {
            authStrategy: createRestrictedInstallationAuth,
            auth: {
              appId: app.appId,
              privateKey: app.privateKey,
              installationId: app.installationId,
              permissions: app.permissions,
            },
          }
        : {
            authStrategy: createAppAuth,
            auth: {
              appId: app.appId,
              privateKey: app.privateKey,
              ...(app.installationId === undefined ? {} : { installationId: app.installationId }),
            },
          }),
    ...(options.fetch === undefined ? {} : { request: { fetch: options.fetch } }),
    throttle: {
      id: app === undefined ? 'token' : `installation-${app.installationId ?? 'app'}`,
      retryAfterBaseValue: policy.secondMs,
      write: paced(1),
      notifications: paced(3),
      search: paced(2),
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
    retry: {
      retries: policy.serverErrorRetries,
      retryAfterBaseValue: policy.secondMs,
      // Only answers of 500 and above are worth sending again; rate limits are throttling's.
      doNotRetry: Array.from({ length: 100 }, (_, i) => 400 + i),
    },
  });
}

/**
 * A POST that creates something (a comment, an issue, a check run, a deployment) is not
 * retried after a 5xx: GitHub may have made it before failing to answer, and a second
 * POST would make it twice. Such a failure goes back to the caller, whose retry finds what
 * was made (a marker, an external id, a ledger row). Reads through GraphQL and new
 * installation tokens make nothing twice, so they are retried.
 */
function createOnlyOnce(octokit: Octokit): Record<string, never> {
  octokit.hook.before('request', (options) => {
    if (options.method !== 'POST') return;
    const url = options.url;
    if (url === '/graphql' || /^\/app\/installations\/[^/]+\/access_tokens$/.test(url)) return;
    options.request = { ...options.request, retries: 0 };
  });
  return {};
}
