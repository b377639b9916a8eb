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
  },
});
