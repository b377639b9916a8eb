import { describe, expect, it } from 'vitest';
import { runDrill } from './dr-drill.ts';

describe('the disaster-recovery drill (npm run drill), on small data', () => {
  // Three processes of the platform and a dozen CLI runs against PostgreSQL: slow for a test.
  it(
    'restores a dropped database from its backup, and every read through the doors comes back identical',
    { timeout: 240_000 },
    async () => {
      const report = await runDrill({ tickets: 6, progress: () => undefined });
      expect(report.differences).toEqual([]);
      expect(report.tickets).toBe(6);
      // Six ticket reads, the customers, a search and the registry.
      expect(report.reads).toBe(9);
      expect(report.rows).toBeGreaterThan(6);
      expect(report.backupBytes).toBeGreaterThan(0);
    },
  );
});
