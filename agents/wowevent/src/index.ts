// WowEvent: keeps the archive of every event on the bus and answers what happened, for
// agents and operators. Its `watch` sees every topic in a consumer group of its own and
// writes each event to a table partitioned by day (docs/architecture.md, "WowEvent");
// a schedule makes the coming days' partitions and drops those past the retention;
// events.history requests are answered from the archive; `wow events replay|tail` and
// `wow trace` read it through the functions exported here.
import { defineAgent, type SetupContext } from '#platform';
import { archiveEvent } from './archive/archive-event.ts';
import { maintainPartitions } from './archive/maintain-partitions.ts';
import { eventSettings, type EventSettings } from './event-settings.ts';
import { answerHistory, historyRequest } from './history/answer-history.ts';

export type { ArchivedEvent } from './archive/archived-event.ts';
export { archiveEvent, boundData } from './archive/archive-event.ts';
export {
  findArchivedEvents,
  getArchivedEvent,
  maxArchiveRows,
  type ArchiveQuery,
} from './archive/find-archived-events.ts';
export { maintainPartitions } from './archive/maintain-partitions.ts';
export { patternMatches, topicMayMatch, typeCondition } from './archive/type-pattern.ts';
export { eventSettings, type EventSettings } from './event-settings.ts';
export { historyRequest, type HistoryEvent, type HistoryReply, type HistoryRequest } from './history/answer-history.ts';
export { replayEvents, type ReplayOptions, type ReplayReport } from './replay/replay-events.ts';
export { renderTrace, traceOf, type TraceNode } from './trace/trace-of.ts';
export { tailArchive } from './tail/tail-archive.ts';

export default defineAgent({
  settings: eventSettings,
  async setup(ctx: SetupContext<EventSettings>) {
    // Today's partition must exist before the first event of a fresh install is written.
    await maintainPartitions(ctx.store, {
      ahead: ctx.settings.partitionsAhead,
      retentionDays: ctx.settings.retentionDays,
    });
  },
  on: {
    'events.history': { input: historyRequest, handle: answerHistory },
  },
  watch: {
    async handle(ctx, event) {
      await archiveEvent(ctx.store, event, { maxDataBytes: ctx.settings.maxDataBytes });
    },
  },
  every: {
    partitions: {
      interval: (settings) => settings.maintainIntervalMs,
      async handle(ctx) {
        const done = await maintainPartitions(ctx.store, {
          ahead: ctx.settings.partitionsAhead,
          retentionDays: ctx.settings.retentionDays,
        });
        if (done.created + done.dropped > 0) ctx.log.info(done, 'event archive partitions made and dropped');
      },
    },
  },
});
