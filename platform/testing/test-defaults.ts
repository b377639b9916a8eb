// Settings that make the bus retry fast and the log quiet, shared by every suite that
// starts a bus or an agent.
import type { GitHubRequestPolicy } from '../github/github-request-policy.ts';
import { createLogger } from '../log/logger.ts';

export const testBusDefaults = {
  concurrency: 10,
  maxAttempts: 3,
  visibilityTimeoutMs: 400,
  retryBaseMs: 5,
  retryMaxMs: 20,
};
export const quietLog = createLogger('silent');

/**
 * GitHub's waits (retry-after, rate-limit resets, retry backoff, the pause between writes)
 * in milliseconds instead of seconds: what is retried and when stays production's, only
 * shorter. Give it to clients of the GitHub double (`createGitHubPort({ policy })`).
 */
export const testGitHubPolicy: Partial<GitHubRequestPolicy> = { secondMs: 1 };
