import { type Bus, createEvent } from '#platform';
import { githubEventType } from './github-event-type.ts';

/** What agents receive as `event.data` for a GitHub webhook. */
export interface GitHubEventData {
  name: string;
  id: string;
  installationId: number | undefined;
  payload: Record<string, unknown>;
}

/** What the door answers for a delivery on the bus: queued now, or already queued under its delivery id. */
export interface QueuedDelivery {
  queued: boolean;
  duplicate: boolean;
  type: string;
  id: string;
}

interface Payload {
  action?: unknown;
  installation?: { id?: number };
  repository?: { full_name?: string };
  organization?: { login?: string };
  pull_request?: { number?: number };
  issue?: { number?: number };
}

/**
 * Writes a verified delivery to the bus as `github.<event>.<action>`, once per
 * `X-GitHub-Delivery`: the de-duplication check and the append are one atomic step, so a
 * redelivered webhook yields one bus entry.
 */
export async function publishDelivery(
  bus: Bus,
  delivery: {
    name: string;
    id: string;
    payload: Record<string, unknown>;
    /** The JSON text `payload` was parsed from, when the caller has it: the bus sends it rather than serialize `payload` again. */
    payloadJson?: string | undefined;
  },
  dedupeTtlSeconds: number,
): Promise<QueuedDelivery> {
  const { name, id } = delivery;
  const payload = delivery.payload as Payload & Record<string, unknown>;
  const type = githubEventType(name, payload.action);
  const repo = payload.repository?.full_name;
  const number = payload.pull_request?.number ?? payload.issue?.number;
  const data: GitHubEventData = { name, id, installationId: payload.installation?.id, payload };
  const event = createEvent({
    id,
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
  const result = await bus.publish(event, {
    dedupeKey: `github:${id}`,
    dedupeTtlSeconds,
    dataJson: delivery.payloadJson === undefined ? undefined : dataJson(data, delivery.payloadJson),
  });
  return { queued: !result.duplicate, duplicate: result.duplicate, type, id };
}

/**
 * `data` as JSON around the payload's text as received: the same members as
 * JSON.stringify(data) gives, with the payload's text parsing to the payload.
 */
function dataJson({ payload: _payload, ...rest }: GitHubEventData, payloadJson: string): string {
  // `rest` always holds name and id, so its JSON is "{…}" and the payload joins it after a comma.
  return `${JSON.stringify(rest).slice(0, -1)},"payload":${payloadJson}}`;
}
