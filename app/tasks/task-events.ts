import type { FastifyReply } from 'fastify';
import type { Store } from '#platform';
import { finalStates, getTask, type TaskState, type TaskView } from '#domains/customer';
import type { TaskFeed } from './task-feed.ts';

const rank: Record<TaskState, number> = { queued: 0, working: 1, done: 2, failed: 2, 'needs-input': 2 };

/** A comment line now and then keeps proxies from closing a quiet stream. */
const keepAliveMs = 15_000;

/**
 * `GET /api/tasks/:id/events`: the task's state as server-sent events, `event: state` with
 * the task as data — now, then each time it moves on (from the feed the recorder announces
 * to, never by reading the database in a loop), forward only, until a final state, when the
 * stream ends. The task is the organisation's own: the caller has checked it exists.
 */
export async function streamTaskEvents(
  reply: FastifyReply,
  opts: { store: Store; feed: TaskFeed; organisationId: string; taskId: string },
): Promise<void> {
  const { store, feed, organisationId, taskId } = opts;
  let sent = -1;
  let ended = false;
  // Reads one at a time, in the order changes arrive, so frames never go backwards.
  let queue: Promise<void> = Promise.resolve();
  const raw = reply.raw;
  const end = () => {
    if (ended) return;
    ended = true;
    unfollow();
    clearInterval(keepAlive);
    raw.end();
  };
  const send = (task: TaskView) => {
    if (ended || rank[task.state] <= sent) return;
    sent = rank[task.state];
    raw.write(`event: state\ndata: ${JSON.stringify(task)}\n\n`);
    if (finalStates.includes(task.state)) end();
  };
  const refresh = () => {
    queue = queue
      .then(async () => {
        if (!ended) send(await getTask(store, organisationId, taskId));
      })
      .catch((err: unknown) => {
        reply.log.error({ err, task: taskId }, 'the task stream could not read the task');
        end();
      });
  };
  // Following before the first read: a change between the two is not missed.
  const unfollow = feed.follow(taskId, refresh);
  const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), keepAliveMs);
  keepAlive.unref();
  reply.hijack();
  raw.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    // Nginx would otherwise hold the frames back.
    'X-Accel-Buffering': 'no',
  });
  raw.on('close', end);
  refresh();
  await queue;
}
