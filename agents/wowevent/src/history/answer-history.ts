import { type HandlerContext } from '#platform';
import { findArchivedEvents } from '../archive/find-archived-events.ts';
import type { EventSettings } from '../event-settings.ts';
import type { HistoryReply, HistoryRequest } from './history-protocol.ts';

// The protocol lives in its own module, which the platform's generated protocol map imports.
export {
  historyProtocol,
  historyRequest,
  type HistoryEvent,
  type HistoryReply,
  type HistoryRequest,
} from './history-protocol.ts';

export async function answerHistory(
  ctx: HandlerContext<EventSettings, unknown>,
  request: HistoryRequest,
): Promise<HistoryReply> {
  const events = await findArchivedEvents(ctx.store, {
    source: request.agent === undefined ? undefined : `urn:wow:agent:${request.agent}`,
    type: request.type,
    since: request.since === undefined ? undefined : new Date(request.since),
    limit: request.limit,
    order: 'newest',
  });
  return {
    events: events.map((e) => ({
      id: e.id,
      type: e.type,
      source: e.source,
      subject: e.subject,
      time: e.time.toISOString(),
      traceId: e.traceId,
      causedBy: e.causedBy,
    })),
    retentionDays: ctx.settings.retentionDays,
  };
}
