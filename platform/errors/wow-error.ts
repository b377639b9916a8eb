/**
 * The one error class that crosses process boundaries: it serializes to plain data
 * so it survives the bus, job rows and HTTP answers (house rule 8).
 */
export interface SerializedError {
  name: string;
  code: string;
  message: string;
  retryable: boolean;
  data?: Record<string, unknown> | undefined;
}

export class WowError extends Error {
  override readonly name = 'WowError';
  readonly code: string;
  readonly retryable: boolean;
  readonly status: number;
  readonly data: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    opts: { retryable: boolean; status: number; data?: Record<string, unknown> | undefined; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.retryable = opts.retryable;
    this.status = opts.status;
    this.data = opts.data;
  }

  toJSON(): SerializedError {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable, data: this.data };
  }
}

/** Any thrown value as plain data; unknown errors are retryable (a crash is usually transient). */
/**
 * A bug in our code (calling what is not a function, a name that does not exist, a value
 * out of range) fails the same way on every attempt: retrying it only delays the dead
 * letter. A TypeError with a cause is the exception: fetch reports a network failure so.
 */
function isProgrammingError(err: Error): boolean {
  if (err instanceof ReferenceError || err instanceof SyntaxError || err instanceof RangeError) return true;
  return err instanceof TypeError && err.cause === undefined;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof WowError) return err.toJSON();
  if (err instanceof Error) {
    const retryable = (err as { retryable?: unknown }).retryable;
    return {
      name: err.name,
      code: 'WOW_ERR_UNEXPECTED',
      message: err.message,
      retryable: typeof retryable === 'boolean' ? retryable : !isProgrammingError(err),
    };
  }
  return { name: 'Error', code: 'WOW_ERR_UNEXPECTED', message: String(err), retryable: true };
}

/** Rebuilds an error that crossed the wire, keeping its code. */
export function restoreError(data: SerializedError): WowError {
  return new WowError(data.code, data.message, { retryable: data.retryable, status: 500, data: data.data });
}
