import { requestCompletedEventType, type PgQueryable } from '#platform';
import type { ArchivedEvent } from '../archive/archived-event.ts';
import { findArchivedEvents, getArchivedEvent, maxArchiveRows } from '../archive/find-archived-events.ts';

export interface TraceNode {
  event: ArchivedEvent;
  /** Milliseconds after the traced event. */
  offsetMs: number;
  /** Requests are marked, with how they ended when the asking runtime recorded it. */
  request: boolean;
  reply?: RequestReply;
  children: TraceNode[];
}

/** A request's outcome (communication.request.completed): its reply or its failure. */
export interface RequestReply {
  status: 'ok' | 'failed';
  durationMs: number;
  code?: string;
}

const replyOf = (data: unknown): RequestReply | undefined => {
  if (typeof data !== 'object' || data === null) return undefined;
  const { status, durationMs, code } = data as Record<string, unknown>;
  if ((status !== 'ok' && status !== 'failed') || typeof durationMs !== 'number') return undefined;
  return { status, durationMs, ...(typeof code === 'string' ? { code } : {}) };
};

/**
 * What one event caused, from the archive: every event of its trace (the traceparent's
 * trace id, which each handler carries into what it sends), arranged by `causedby`, the id
 * of the event whose handling sent each one. An event of the trace with no `causedby`
 * (sent by a door or a schedule joining the trace) hangs under the traced event when it
 * came later. Bounded by the archive's row limit.
 */
export async function traceOf(db: PgQueryable, eventId: string): Promise<TraceNode> {
  const root = await getArchivedEvent(db, eventId);
  const all = await findArchivedEvents(db, { traceId: root.traceId, limit: maxArchiveRows, order: 'oldest' });
  const started = root.time.getTime();
  const node = (event: ArchivedEvent): TraceNode => ({
    event,
    offsetMs: event.time.getTime() - started,
    request: event.correlationId !== null,
    children: [],
  });
  const nodes = new Map(all.map((e) => [e.id, node(e)]));
  const top = nodes.get(root.id) ?? node(root);
  nodes.set(root.id, top);
  for (const n of nodes.values()) {
    if (n === top) continue;
    const parent = n.event.causedBy === null ? undefined : nodes.get(n.event.causedBy);
    // A request's outcome is shown on the request's line, not as an event of its own.
    const reply = n.event.type === requestCompletedEventType ? replyOf(n.event.data) : undefined;
    if (parent !== undefined && parent.request && reply !== undefined) parent.reply = reply;
    else if (parent !== undefined) parent.children.push(n);
    else if (n.event.causedBy === null && n.event.time.getTime() >= started) top.children.push(n);
  }
  // What the trace held before the traced event, or beside it, hangs elsewhere and is not shown.
  return top;
}

const offset = (ms: number) => (ms < 1000 ? `+${ms}ms` : `+${(ms / 1000).toFixed(2)}s`);

const replyText = (r: RequestReply | undefined) =>
  r === undefined
    ? ', no reply recorded'
    : `, reply ${r.status}${r.code === undefined ? '' : ` ${r.code}`} in ${r.durationMs}ms`;

/** The tree as indented lines: type, source, time and offset from the traced event. */
export function renderTrace(root: TraceNode): string {
  const lines: string[] = [];
  const walk = (n: TraceNode, prefix: string, last: boolean, depth: number) => {
    const branch = depth === 0 ? '' : `${prefix}${last ? '└─ ' : '├─ '}`;
    const e = n.event;
    lines.push(
      `${branch}${e.type}${n.request ? ` (request${replyText(n.reply)})` : ''}  ${e.source}  ${e.time.toISOString()}  ${offset(n.offsetMs)}  ${e.id}`,
    );
    const next = depth === 0 ? '' : `${prefix}${last ? '   ' : '│  '}`;
    n.children.forEach((c, i) => walk(c, next, i === n.children.length - 1, depth + 1));
  };
  walk(root, '', true, 0);
  return lines.join('\n') + '\n';
}
