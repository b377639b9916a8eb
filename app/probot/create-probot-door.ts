import { Probot } from 'probot';
import type { Bus, GitHubAppCredentials, Logger } from '#platform';
import { wowApp } from '../index.ts';
import type { QueuedDelivery } from '../webhooks/publish-delivery.ts';

/** A delivery whose signature, headers and JSON the door has checked. */
export interface CheckedDelivery {
  name: string;
  id: string;
  payload: Record<string, unknown>;
  /** The body's text that `payload` was parsed from. */
  payloadJson: string;
}

/** The GitHub App's door: Probot receives each checked delivery and the app function queues it. */
export interface ProbotDoor {
  receive(delivery: CheckedDelivery): Promise<QueuedDelivery>;
}

/**
 * Probot as the App: it dispatches a delivery to `wowApp`, which writes it to the bus.
 * Probot's own clients are never used here: agents call GitHub through the platform's
 * clients (`createGitHubPort`), composed with the plugins every door shares.
 */
export async function createProbotDoor(opts: {
  credentials: GitHubAppCredentials;
  bus: Bus;
  dedupeTtlSeconds: number;
  log: Logger;
}): Promise<ProbotDoor> {
  // Keyed by the payload object the door hands Probot, which its context carries unchanged.
  const outcomes = new WeakMap<object, QueuedDelivery>();
  // The body's text while its delivery is received, so the bus sends GitHub's JSON as received
  // instead of serializing the payload again.
  const texts = new WeakMap<object, string>();
  const probot = new Probot({
    appId: opts.credentials.appId,
    privateKey: opts.credentials.privateKey,
    secret: opts.credentials.webhookSecret,
    baseUrl: opts.credentials.apiUrl,
    log: opts.log.child({ component: 'probot' }),
  });
  await probot.load(
    wowApp({
      bus: opts.bus,
      dedupeTtlSeconds: opts.dedupeTtlSeconds,
      payloadJson: (payload) => texts.get(payload),
      queued: (payload, outcome) => void outcomes.set(payload, outcome),
    }),
  );
  return {
    async receive(delivery) {
      texts.set(delivery.payload, delivery.payloadJson);
      try {
        // `probot.webhooks`, not `probot.receive`, which logs the whole payload (up to 25 MB) at debug.
        const { payloadJson: _text, ...event } = delivery;
        await probot.webhooks.receive(event as Parameters<Probot['webhooks']['receive']>[0]);
      } catch (err) {
        // @octokit/webhooks gathers handler errors; ours is the one handler, and its error
        // (the bus refusing the write) is what the HTTP door maps.
        throw err instanceof AggregateError && err.errors.length === 1 ? err.errors[0] : err;
      } finally {
        // The in-process bus keeps the payload: the text must not stay with it.
        texts.delete(delivery.payload);
      }
      const outcome = outcomes.get(delivery.payload);
      // Only a door built without wowApp gets here: a programming error, answered as ours (500).
      if (outcome === undefined) throw new TypeError(`the Probot app did not queue delivery ${delivery.id}`);
      return outcome;
    },
  };
}
