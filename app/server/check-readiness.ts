/** Runs each check with a deadline; a dependency that hangs is as unready as one that fails. */
export async function checkReadiness(
  checks: Record<string, () => Promise<void>>,
  timeoutMs: number,
): Promise<Record<string, string>> {
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
        return [name, `unreachable: ${err instanceof Error ? err.message : String(err)}`] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return Object.fromEntries(entries);
}
