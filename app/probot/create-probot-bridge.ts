import { Probot, type ApplicationFunction } from 'probot';
import type { Bus, GitHubAppCredentials, Logger, SubscriptionHandle } from '#platform';
import type { GitHubEventData } from '../webhooks/accept-webhook.ts';

/**
 * Feeds GitHub events from the bus to Probot app functions, so `app.on(...)` handlers
 * get Probot's context (authenticated Octokit, `context.config`) with the bus's
 * at-least-once delivery, retries and dead letters.
 */
export async function createProbotBridge(opts: {
  credentials: GitHubAppCredentials;
  bus: Bus;
  log: Logger;
  appFn: ApplicationFunction;
  events: readonly string[];
  baseUrl?: string;
}): Promise<SubscriptionHandle> {
  const probot = new Probot({
    appId: opts.credentials.appId,
    privateKey: opts.credentials.privateKey,
    secret: opts.credentials.webhookSecret,
    log: opts.log.child({ component: 'probot' }),
    ...(opts.baseUrl === undefined ? {} : { baseUrl: opts.baseUrl }),
  });
  await probot.load(opts.appFn);
  return opts.bus.subscribe({
    group: 'github-app',
    // Events with actions live under github.<event>.*; those without are github.<event>.
    types: opts.events.flatMap((e) => [`github.${e}`, `github.${e}.*`]),
    handler: async (event) => {
      const data = event.data as GitHubEventData;
      await probot.receive({ id: data.id, name: data.name, payload: data.payload } as Parameters<Probot['receive']>[0]);
    },
  });
}

/** What to set, and where to find it, when the App's credentials are missing. */
export function missingCredentialsMessage(missing: readonly string[]): string {
  return (
    `GitHub App not configured: set ${missing.join(', ')}. ` +
    'All three are on the App settings page (github.com/settings/apps/<app>): App ID at the top, a private key under "Private keys", the webhook secret under "Webhook". ' +
    'To create the App, register app.yml as a GitHub App manifest. Meanwhile the platform runs: webhooks are verified and queued once WEBHOOK_SECRET is set, and Probot handlers run once all three are.'
  );
}
