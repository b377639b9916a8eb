/**
 * Runs each check with a deadline; a dependency that hangs is as unready as one that fails.
 * The answer says only which dependency is down (the route is public); why goes to `onFailure`,
 * for the log, since a driver's message names hosts, users and databases.
 */
export async function checkReadiness(
  checks: Record<string, () => Promise<void>>,
  timeoutMs: number,
  onFailure: (name: string, err: unknown) => void,
): Promise<Record<string, 'ok' | 'unreachable'>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise(
            (_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)),
          ),
        ]);
        return [name, 'ok'] as const;
      } catch (err) {
        onFailure(name, err);
        return [name, 'unreachable'] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(entries);
}
