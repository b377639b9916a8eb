import { createHash } from 'node:crypto';
import type { AgentRelease } from '#platform';

/**
 * A deployable release of a made-up agent, for tests that need one in the registry: its
 * tree hash derived from the id (or given), a manifest with nothing declared but what
 * `manifest` sets.
 */
export function testRelease(
  id: string,
  manifest: Partial<AgentRelease['manifest']> = {},
  treeHash = createHash('sha1').update(id).digest('hex'),
): AgentRelease {
  return {
    agentId: id,
    treeHash,
    commit: 'c'.repeat(40),
    manifest: {
      id,
      name: id,
      version: '1.0.0',
      description: 'A test agent.',
      wakesOn: ['test.thing.done'],
      emits: [],
      capabilities: [],
      stores: [],
      uses: [],
      ordered: false,
      ...manifest,
    },
    files: [],
  };
}
