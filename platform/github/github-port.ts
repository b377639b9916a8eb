import { z } from 'zod';
import type { GitHubAppCredentials } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import { createGitHubClient, type GitHubClient } from './github-client.ts';
import type { GitHubRequestPolicy } from './github-request-policy.ts';
import type { GitHubObserver } from './request-metrics.ts';

// The client's type, where the agent model has always imported it from.
export type { GitHubClient };

/**
 * The runtime's door to GitHub: a client per App installation (tokens are minted and
 * refreshed by @octokit/auth-app). Agents never hold credentials themselves.
 */
export interface GitHubPort {
  forInstallation(installationId: number): GitHubClient;
  /** The installation on `owner/repo`, for work that no webhook started (a ticket from email). */
  forRepository(owner: string, repo: string): Promise<GitHubClient>;
  /** The same installations through tokens that carry only these permissions (an agent's grants). */
  withPermissions(permissions: Record<string, 'read' | 'write'>): GitHubPort;
}

export interface GitHubPortOptions {
  credentials: Pick<GitHubAppCredentials, 'appId' | 'privateKey' | 'apiUrl'>;
  /** For tests: a fetch that answers as GitHub would. */
  fetch?: typeof fetch | undefined;
  /** Where rate-limit waits are told. */
  log?: Logger | undefined;
  /** Counts each exchange with GitHub (`metrics.github`). */
  observer?: GitHubObserver | undefined;
  /** How clients wait and retry; production's unless a test shortens the waits. */
  policy?: Partial<GitHubRequestPolicy> | undefined;
}

export function createGitHubPort(options: GitHubPortOptions): GitHubPort {
  const { appId, privateKey, apiUrl } = options.credentials;
  const clientFor = (installationId: number | undefined, permissions?: Record<string, 'read' | 'write'>) =>
    createGitHubClient({
      auth: { appId, privateKey, ...(installationId === undefined ? {} : { installationId, permissions }) },
      baseUrl: apiUrl,
      fetch: options.fetch,
      log: options.log,
      observer: options.observer,
      policy: options.policy,
    });
  // Authenticated as the App itself (a JWT): only to find an installation.
  const asApp = clientFor(undefined);
  const installations = new Map<string, Promise<number>>();
  const portWith = (permissions: Record<string, 'read' | 'write'> | undefined): GitHubPort => {
    const clients = new Map<number, GitHubClient>();
    const port: GitHubPort = {
      forInstallation(installationId) {
        let client = clients.get(installationId);
        if (client === undefined) {
          client = clientFor(installationId, permissions);
          clients.set(installationId, client);
        }
        return client;
      },
      async forRepository(owner, repo) {
        const key = `${owner}/${repo}`;
        let id = installations.get(key);
        if (id === undefined) {
          id = asApp.request('GET /repos/{owner}/{repo}/installation', { owner, repo }).then((r) => r.data.id);
          installations.set(key, id);
          // A failed look-up (the App not installed yet) is asked again next time.
          id.catch(() => installations.delete(key));
        }
        return port.forInstallation(await id);
      },
      withPermissions: (subset) => portWith(subset),
    };
    return port;
  };
  return portWith(undefined);
}

/** A GitHub webhook delivery as the App's door writes it to the bus (`github.<event>.<action>`). */
export const githubDelivery = z.looseObject({
  name: z.string(),
  id: z.string(),
  installationId: z.number().optional(),
  payload: z.looseObject({}),
});
