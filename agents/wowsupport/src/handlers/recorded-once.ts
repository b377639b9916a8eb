import type { HandlerContext } from '#platform';

/** Thrown by the probe's effect only, so a miss is told apart from a failure. */
class NotRecorded extends Error {}

/**
 * The result `ctx.once` recorded for `key` by an earlier attempt, or undefined when there
 * is none. The probe's effect throws, so a miss rolls back and records nothing: the key
 * stays free for the work that follows. It lets slow work that must stay outside a
 * transaction (a model's reply, a request over the bus) be skipped on a retry.
 */
export async function recordedOnce<T>(
  ctx: Pick<HandlerContext<unknown, unknown>, 'once'>,
  key: string,
): Promise<T | undefined> {
  const miss = new NotRecorded(`nothing recorded for ${key}`);
  try {
    return await ctx.once<T>(key, () => Promise.reject(miss));
  } catch (err) {
    if (err === miss) return undefined;
    throw err;
  }
}
