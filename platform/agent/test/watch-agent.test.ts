import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startTestAgent } from '../../testing/index.ts';

const chainDir = fileURLToPath(new URL('../../../test/fixtures/chain-agents', import.meta.url));

describe("an agent's watch", () => {
  it('is refused at start when the manifest does not declare bus:watch', async () => {
    await expect(startTestAgent({ agentsDir: chainDir, id: 'chain-peek' })).rejects.toThrow(
      'Agent "chain-peek" used watch (every event on the bus) without the capability: add "bus:watch" to `capabilities` in its agent.yml.',
    );
  });
});
