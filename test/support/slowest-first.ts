import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Seconds the slowest files took in a clean-clone `.ci/run` (2026-12-07: two cores, three
// workers). A clean clone has no results of earlier runs, so Vitest orders its files by size,
// largest first, and a short file that takes long started last: the disaster-recovery drill
// (1 test, 46 s) began 911 s into a 957 s run, with the other workers idle behind it. To
// refresh: the files over 20 s in `.data/test-results.json` after `.ci/run`.
const measured: Record<string, number> = {
  'agents/factory/test/factory-pull-request.test.ts': 87,
  'test/e2e/kb-answers.test.ts': 71,
  'agents/factory/test/regen.test.ts': 68,
  'agents/factory/test/templates-matrix.test.ts': 65,
  'agents/factory/test/hostile-corpus.test.ts': 65,
  'agents/factory/test/factory-authorisation.test.ts': 53,
  'agents/wowsupport/test/learning-loop.test.ts': 50,
  'agents/wowvision/test/app-hostile-input.test.ts': 47,
  'actions/vision/test/vision-action.test.ts': 47,
  'test/drill/dr-drill.test.ts': 46,
  'test/e2e/agents-process.test.ts': 38,
  'agents/wowsearch/test/knowledge-base.test.ts': 37,
  'cli/test/identity-cli.test.ts': 33,
  'agents/wowmemory/test/memory-store.test.ts': 32,
  'actions/factory/test/factory-action.test.ts': 30,
  'platform/outbox/test/outbox-contract.test.ts': 28,
  'app/test/accounts-browser.test.ts': 28,
  'agents/wowsupport/test/desk-cache.test.ts': 27,
  'agents/wowvision/test/github-app.test.ts': 24,
  'test/e2e/customer-journey.test.ts': 24,
  'test/e2e/start-email.test.ts': 23,
  'agents/wowdomain/test/wowdomain.test.ts': 23,
  'platform/backup/test/backup-embedded.test.ts': 21,
  'cli/test/deploy-cli.test.ts': 21,
  'agents/factory/test/model-schemas.test.ts': 21,
};

/**
 * Longest first, so no worker is left with a long file at the end: each file by its duration
 * in this machine's last run when Vitest has one, else by the figure above; the rest after
 * them in Vitest's own order (a failed file first, then by size).
 */
export class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const seconds = (spec: TestSpecification) => {
      const last = this.ctx.cache.getTestSpecificationResult(spec);
      if (last?.failed === true) return Infinity;
      return last === undefined ? (measured[relative(this.ctx.config.root, spec.moduleId)] ?? 0) : last.duration / 1000;
    };
    const estimated = new Map(ordered.map((spec) => [spec, seconds(spec)]));
    // Array.prototype.sort is stable: files of equal estimate keep Vitest's order.
    return ordered.sort((a, b) => (estimated.get(b) ?? 0) - (estimated.get(a) ?? 0));
  }
}
