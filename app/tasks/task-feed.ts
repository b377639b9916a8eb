import { Redis } from 'ioredis';
import type { TaskState } from '#domains/customer';

/** A task that moved on, as its followers hear of it. */
export interface TaskChange {
  taskId: string;
  state: TaskState;
}

/**
 * Who follows which task now (the live state's server-sent events): the recorder announces
 * each change once it is recorded, so a follower that reads the task then finds it there.
 * In one process, in memory; across processes, over Redis pub/sub, so a follower connected
 * to one server hears of a change recorded by another.
 */
export interface TaskFeed {
  announce(change: TaskChange): Promise<void>;
  /** Calls `listener` for each change of the task until the returned function is called. */
  follow(taskId: string, listener: (change: TaskChange) => void): () => void;
  close(): Promise<void>;
}

function followers() {
  const listeners = new Map<string, Set<(change: TaskChange) => void>>();
  return {
    deliver: (change: TaskChange) => {
      for (const listener of listeners.get(change.taskId) ?? []) listener(change);
    },
    follow: (taskId: string, listener: (change: TaskChange) => void) => {
      const set = listeners.get(taskId) ?? new Set();
      set.add(listener);
      listeners.set(taskId, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(taskId);
      };
    },
  };
}

export function createLocalTaskFeed(): TaskFeed {
  const local = followers();
  return {
    announce: (change) => {
      local.deliver(change);
      return Promise.resolve();
    },
    follow: local.follow,
    close: () => Promise.resolve(),
  };
}

/** The feed over Redis pub/sub on `channel`: two connections, one to publish and one to listen. */
export async function createRedisTaskFeed(redisUrl: string, channel: string): Promise<TaskFeed> {
  const local = followers();
  const publisher = new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  const subscriber = new Redis(redisUrl, { lazyConnect: true });
  await Promise.all([publisher.connect(), subscriber.connect()]);
  subscriber.on('message', (_channel: string, message: string) => {
    const change = JSON.parse(message) as TaskChange;
    local.deliver(change);
  });
  await subscriber.subscribe(channel);
  return {
    async announce(change) {
      await publisher.publish(channel, JSON.stringify(change));
    },
    follow: local.follow,
    async close() {
      subscriber.disconnect();
      await publisher.quit();
    },
  };
}
