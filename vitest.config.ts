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
