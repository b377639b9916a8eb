import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { z } from 'zod';
import type { GitHubAppCredentials } from '../config/load-config.ts';

/** What agents call GitHub with: Octokit's `request`, authenticated as one installation. */
export type GitHubClient = Pick<Octokit, 'request'>;

/**
 * The runtime's door to GitHub: a client per App installation (tokens are minted and
 * refreshed by @octokit/auth-app). Agents never hold credentials themselves.
 */
export interface GitHubPort {
  forInstallation(installationId: number): GitHubClient;
}

export interface GitHubPortOptions {
  credentials: Pick<GitHubAppCredentials, 'appId' | 'privateKey' | 'apiUrl'>;
  /** For tests: a fetch that answers as GitHub would. */
  fetch?: typeof fetch;
}

export function createGitHubPort(options: GitHubPortOptions): GitHubPort {
  const clients = new Map<number, GitHubClient>();
  const { appId, privateKey, apiUrl } = options.credentials;
  return {
    forInstallation(installationId) {
      let client = clients.get(installationId);
      if (client === undefined) {
        client = new Octokit({
          baseUrl: apiUrl,
          authStrategy: createAppAuth,
          auth: { appId, privateKey, installationId },
          userAgent: 'waooaw-wowvision',
          ...(options.fetch === undefined ? {} : { request: { fetch: options.fetch } }),
        });
        clients.set(installationId, client);
      }
      return client;
    },
  };
}

/** A GitHub webhook delivery as the App's door writes it to the bus (`github.<event>.<action>`). */
export const githubDelivery = z.looseObject({ name: z.string(), id: z.string(), installationId: z.number().optional(), payload: z.looseObject({}) });
