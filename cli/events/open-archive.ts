import type { Config, Logger, Store } from '#platform';
import { createError } from '../errors.ts';
import type { CliIo } from '../cli-io.ts';

/**
 * The archive's store (DATABASE_URL, or the embedded one in DATA_DIR, reached through the
 * running `wow start` that owns it), migrated, for `work`; closed after.
 */
export async function withArchive<T>(
  io: CliIo,
  work: (store: Store, config: Config, log: Logger) => Promise<T>,
): Promise<T> {
  const { createLogger, loadConfig, migrate, openStore } = await import('#platform');
  const config = loadConfig(io.env);
  const log = createLogger('silent');
  const store = await openStore(config, log);
  try {
    await migrate(store, { log });
    return await work(store, config, log);
  } finally {
    await store.close();
  }
}

/** The pattern as the archive reads it, or a usage error naming the fix. */
export async function assertPattern(pattern: string): Promise<string> {
  const { typeCondition } = await import('../../agents/wowevent/src/index.ts');
  try {
    typeCondition(pattern, 1);
    return pattern;
  } catch (err) {
    throw createError('WOW_ERR_CLI_USAGE', { problem: (err as Error).message }, { cause: err });
  }
}

const relative = /^(\d{1,6})(s|m|h|d)$/;
const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since`/`--until`: an ISO 8601 time, or a span back from `now` ("30m", "2h", "7d"). */
export function parseTime(option: string, text: string, now: Date): Date {
  const match = relative.exec(text.trim());
  if (match !== null) return new Date(now.getTime() - Number(match[1]) * unitMs[match[2] as keyof typeof unitMs]);
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(text.trim());
  const at = new Date(text.trim());
  if (!iso || Number.isNaN(at.getTime()))
    throw createError('WOW_ERR_CLI_USAGE', {
      problem: `${option} must be an ISO 8601 time (2026-12-05T10:00:00Z) or a span back from now (30m, 2h, 7d); got "${text.slice(0, 60)}"`,
    });
  return at;
}
