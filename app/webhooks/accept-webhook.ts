import { type WowError } from '#platform';
import { createError } from '../errors.ts';
import type { CheckedDelivery } from '../probot/create-probot-door.ts';
import type { QueuedDelivery } from './publish-delivery.ts';
import { verifySignature } from './verify-signature.ts';

export type { GitHubEventData } from './publish-delivery.ts';

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** `event` is the X-GitHub-Event of a delivery whose signature held, and absent otherwise: an unverified name is a stranger's text. */
export type WebhookOutcome =
  { status: 202; event: string; body: QueuedDelivery } | { status: number; event?: string; error: WowError };

const header = (h: WebhookRequest['headers'], name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Ack fast, process durably: verify the signature over the raw body, check what becomes
 * keys and labels, then hand the delivery to Probot, whose app function writes it to the
 * bus once per `X-GitHub-Delivery`, and answer. No agent's work runs here.
 *
 * The signature is checked here over the bytes, not by Probot: @octokit/webhooks verifies
 * a string, and decoding first maps different bytes to one text (see verify-signature.ts).
 */
export async function acceptWebhook(
  req: WebhookRequest,
  deps: { secret: string; receive: (delivery: CheckedDelivery) => Promise<QueuedDelivery> },
): Promise<WebhookOutcome> {
  if (!verifySignature(deps.secret, req.body, header(req.headers, 'x-hub-signature-256')))
    return { status: 401, error: createError('WOW_ERR_WEBHOOK_SIGNATURE') };
  const name = header(req.headers, 'x-github-event');
  const delivery = header(req.headers, 'x-github-delivery');
  const fail = (error: WowError) => ({ status: error.status, event: name, error });
  if (name === undefined || delivery === undefined)
    return fail(
      createError('WOW_ERR_WEBHOOK_INVALID', {
        problem: 'the X-GitHub-Event and X-GitHub-Delivery headers are required',
      }),
    );
  // Both become parts of bus keys, event types and log lines: only GitHub's shapes pass.
  // Digits too: GitHub's projects_v2 and projects_v2_item events.
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(name))
    return fail(
      createError('WOW_ERR_WEBHOOK_INVALID', {
        problem: 'X-GitHub-Event must be a webhook event name (lowercase letters, digits and underscores)',
      }),
    );
  if (!/^[A-Za-z0-9-]{1,64}$/.test(delivery))
    return fail(
      createError('WOW_ERR_WEBHOOK_INVALID', {
        problem: "X-GitHub-Delivery must be the delivery's GUID (letters, digits and dashes)",
      }),
    );
  const text = req.body.toString('utf8');
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return fail(
      createError('WOW_ERR_WEBHOOK_INVALID', {
        problem: 'the body is not JSON; set the webhook content type to application/json',
      }),
    );
  }
  // GitHub sends an object; anything else is no event Probot (or an agent) can route.
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return fail(createError('WOW_ERR_WEBHOOK_INVALID', { problem: 'the body must be a JSON object, as GitHub sends' }));
  const body = await deps.receive({
    name,
    id: delivery,
    payload: payload as Record<string, unknown>,
    payloadJson: text,
  });
  return { status: 202, event: name, body };
}
