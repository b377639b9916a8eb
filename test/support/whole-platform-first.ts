import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The suites that start a whole platform, its processes or its servers: each runs for 15–70 s
// from a small file, where most files take a second or two.
const wholePlatform = /\/test\/(?:e2e|drill)\//;

/**
 * Vitest's order, except that on a run with no durations to go by (a clean clone, as in
 * CI), the end-to-end suites and drills start first. Vitest then runs the largest files
 * first, which put these small, long ones last: the run ended with one of them working
 * alone for up to a minute while the other workers had nothing left.
 */
export class WholePlatformFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    if (files.every((spec) => this.ctx.cache.getTestSpecificationResult(spec) !== undefined)) return sorted;
    const first = (spec: TestSpecification) => wholePlatform.test(spec.moduleId);
    return [...sorted.filter(first), ...sorted.filter((spec) => !first(spec))];
  }
}
