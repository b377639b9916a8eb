import type { Bus, Logger, Store, SubscriptionHandle } from '#platform';
import { recordedTaskEvents, recordTaskEvent, type TaskState } from '#domains/customer';
import type { TaskFeed } from './task-feed.ts';

const stateOf: Record<(typeof recordedTaskEvents)[number], TaskState> = {
  'customer.task.started': 'working',
  'customer.task.completed': 'done',
  'customer.task.failed': 'failed',
  'customer.task.needs_input': 'needs-input',
};

/** The recorder's consumer group: one for every server process, so each event is recorded once. */
export const recorderGroup = 'customer-task-recorder';

/**
 * Records the agents' customer.task.* events into the customer domain's tables (once per
 * event across every server process, at least once, in any order: recordTaskEvent moves a
 * task forward only), then announces each to the task's followers. Announced even when a
 * redelivery changed nothing, so a follower never misses the change for a crash between
 * the commit and the announcement.
 */
export function recordTasks(opts: {
  bus: Bus;
  store: Store;
  feed: TaskFeed;
  log: Logger;
}): Promise<SubscriptionHandle> {
  return opts.bus.subscribe({
    group: recorderGroup,
    types: recordedTaskEvents,
    answersRequests: false,
    async handler(event) {
      const recorded = await recordTaskEvent(opts.store, event);
      if (recorded === undefined) {
        opts.log.warn({ event: event.id, type: event.type, source: event.source }, 'a task event not from its agent');
        return;
      }
      await opts.feed.announce({ taskId: recorded.taskId, state: stateOf[event.type as keyof typeof stateOf] });
    },
  });
}
