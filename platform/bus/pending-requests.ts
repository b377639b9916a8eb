import { randomUUID } from 'node:crypto';
import { createError } from '../errors/errors.ts';
import { restoreError } from '../errors/wow-error.ts';
import type { ReplyBody } from './consumer/consumer-port.ts';

/** Requests waiting for their reply, by correlation id; both drivers use it. */
export class PendingRequests {
  private readonly waiting = new Map<
    string,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();

  /** A new correlation id and the promise of its reply, failing after `timeoutMs`. */
  open(type: string, timeoutMs: number): { correlationId: string; reply: Promise<unknown> } {
    const correlationId = randomUUID();
    const reply = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(correlationId);
        reject(createError('WOW_ERR_REQUEST_TIMEOUT', { type, timeoutMs }));
      }, timeoutMs);
      this.waiting.set(correlationId, { resolve, reject, timer });
    });
    return { correlationId, reply };
  }

  settle(correlationId: string, body: ReplyBody): void {
    const w = this.waiting.get(correlationId);
    if (w === undefined) return; // Timed out already, or a reply delivered twice.
    this.waiting.delete(correlationId);
    clearTimeout(w.timer);
    if (body.ok) w.resolve(body.value);
    else
      w.reject(
        createError(
          'WOW_ERR_NO_RESPONDER',
          { correlationId, error: `${body.error.code}: ${body.error.message}` },
          {
            cause: restoreError(body.error),
          },
        ),
      );
  }

  /** Fails every waiting request: the bus is closing. */
  closeAll(): void {
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(createError('WOW_ERR_BUS_CLOSED', { what: `the request ${id}` }));
    }
    this.waiting.clear();
  }

  get size(): number {
    return this.waiting.size;
  }
}
