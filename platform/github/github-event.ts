import type { EmitterWebhookEvent, EmitterWebhookEventName } from '@octokit/webhooks';
import type { ZodType } from 'zod';
import { githubDelivery } from './github-port.ts';

/** A GitHub delivery whose payload is typed as GitHub describes the event (`@octokit/webhooks`' types). */
export interface GitHubDelivery<E extends EmitterWebhookEventName> {
  name: string;
  id: string;
  installationId?: number | undefined;
  payload: EmitterWebhookEvent<E>['payload'];
}

/**
 * The input schema of a handler in `on` for GitHub event `E` (e.g. `'pull_request.opened'`,
 * or `'issues'` for all its actions): the host checks the delivery's envelope (name, id,
 * installation, an object payload) and the handler gets the payload typed from GitHub's
 * published webhook schemas. The payload itself is GitHub's, verified by its signature.
 */
export function githubEvent<E extends EmitterWebhookEventName>(): ZodType<GitHubDelivery<E>> {
  return githubDelivery;
}
