/**
 * What a process a test starts gets of the test run's environment besides what the test
 * gives it: PATH, and the run's speed-ups from the global setup (the migrated PGlite
 * template, its small buffer pool and Node's compile cache), which change how fast it starts, not what it does.
 */
export function childEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const name of ['PGLITE_TEMPLATE_DIR', 'PGLITE_SHARED_BUFFERS', 'NODE_COMPILE_CACHE']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
