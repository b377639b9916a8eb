import { type Bus, createEvent, type WowError } from '#platform';
import { createError } from '../errors.ts';
import { githubEventType } from './github-event-type.ts';
import { verifySignature } from './verify-signature.ts';

export interface WebhookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** `event` is the X-GitHub-Event of a delivery whose signature held, and absent otherwise: an unverified name is a stranger's text. */
export type WebhookOutcome =
  | { status: 202; event: string; body: { queued: boolean; duplicate: boolean; type: string; id: string } }
  | { status: number; event?: string; error: WowError };

/** What agents receive as `event.data` for a GitHub webhook. */
export interface GitHubEventData {
  name: string;
  id: string;
  installationId: number | undefined;
  payload: Record<string, unknown>;
}

const header = (h: WebhookRequest['headers'], name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

interface Payload {
  action?: unknown;
  installation?: { id?: number };
  repository?: { full_name?: string };
  organization?: { login?: string };
  pull_request?: { number?: number };
  issue?: { number?: number };
}

/**
 * Ack fast, process durably: verify the signature over the raw body, then write the
 * delivery to the bus once per `X-GitHub-Delivery` and answer. No handler runs here.
 */
export async function acceptWebhook(
  req: WebhookRequest,
  deps: { bus: Bus; secret: string; dedupeTtlSeconds: number },
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
  if (!/^[a-z_]{1,64}$/.test(name))
    return fail(
      createError('WOW_ERR_WEBHOOK_INVALID', {
        problem: 'X-GitHub-Event must be a webhook event name (lowercase letters and underscores)',
      }),
    );
  if (!/^[A-Za-z0-9-]{1,64}$/.test(delivery))
    return fail(
      createError('WOW_ERR_WEBHOOK_INVALID', {
        problem: "X-GitHub-Delivery must be the delivery's GUID (letters, digits and dashes)",
      }),
    );
  let payload: Payload & Record<string, unknown>;
  try {
    payload = JSON.parse(req.body.toString('utf8')) as Payload & Record<string, unknown>;
  } catch {
    return fail(
      createError('WOW_ERR_WEBHOOK_INVALID', {
        problem: 'the body is not JSON; set the webhook content type to application/json',
      }),
    );
  }
  const type = githubEventType(name, payload.action);
  const repo = payload.repository?.full_name;
  const number = payload.pull_request?.number ?? payload.issue?.number;
  const data: GitHubEventData = { name, id: delivery, installationId: payload.installation?.id, payload };
  const event = createEvent({
    id: delivery,
    type,
    source:
      repo !== undefined
        ? `https://github.com/${repo}`
        : payload.organization?.login !== undefined
          ? `https://github.com/${payload.organization.login}`
          : 'https://github.com',
    subject: repo !== undefined && number !== undefined ? `${repo}#${number}` : repo,
    data,
  });
  const result = await deps.bus.publish(event, {
    dedupeKey: `github:${delivery}`,
    dedupeTtlSeconds: deps.dedupeTtlSeconds,
  });
  return {
    status: 202,
    event: name,
    body: { queued: !result.duplicate, duplicate: result.duplicate, type, id: delivery },
  };
}
