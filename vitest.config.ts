import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/test/**/*.test.ts'],
    exclude: ['node_modules/**', '.data/**', '.tools/**'],
    // Suites that use the real Redis and PostgreSQL give each test file its own
    // keyspace / schema, so files run in parallel safely.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Workers are reused from file to file instead of one new process per file: on a machine
    // whose fresh memory is slow to touch, each new worker cost ~0.5 s and its imports 17% of
    // the run. Files keep their state to themselves (env they change is put back, every
    // store, bus and server they open is closed), which a file run alone checks as well.
    isolate: false,
    // One initialised PGlite data dir that the embedded databases copy instead of each running initdb.
    globalSetup: ['test/support/global-setup.ts'],
    // After each file, any long-running process it started and left running is killed.
    setupFiles: ['test/support/kill-left-behind.ts'],
    // Vitest's default on a 2-core machine is one worker (cores − 1), and most files wait on
    // PostgreSQL, Redis, git or child processes: two at once took the suite from ~1000 s to
    // ~780 s there, with the same results; at ~1,670 tests two took ~900 s, so three.
    maxWorkers: 3,
    // `--coverage` (ci.yml on pull requests): istanbul JSON for WowVision's coverage rule,
    // and a summary for the log. Tests, doubles, fixtures and benchmarks are not measured.
    coverage: {
      provider: 'v8',
      include: [
        'platform/**/*.ts',
        'domains/**/*.ts',
        'agents/*/src/**/*.ts',
        'app/**/*.ts',
        'cli/**/*.ts',
        'actions/**/*.ts',
      ],
      exclude: ['**/test/**', '**/*.test.ts'],
      reporter: ['json', 'text-summary'],
      reportsDirectory: 'coverage',
    },
  },
});
