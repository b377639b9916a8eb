/** What a command may touch of its process: injected so tests run commands in-process. */
export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Whether stdout is a terminal that shows colours. */
  color?: boolean;
  /** The network, where a command calls GitHub; tests pass a double. */
  fetch?: typeof fetch;
}

/** Exit codes scripts can trust. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;
