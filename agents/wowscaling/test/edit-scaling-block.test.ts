import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { editScalingBlock } from '../src/index.ts';

const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const proposed = { minReplicas: 1, maxReplicas: 8, pendingPerReplica: 20 };

describe('editScalingBlock', () => {
  it("adds a scaling block at the end of every agent's manifest in this repository and changes no other line", async () => {
    for (const id of await readdir(agentsDir)) {
      const text = await readFile(join(agentsDir, id, 'agent.yml'), 'utf8');
      const edited = editScalingBlock(text, id, proposed, 'maxReplicas 5 → 8, recommended by WowScaling');
      expect(edited.startsWith(text), id).toBe(true);
      expect(edited.slice(text.length)).toBe(
        '# How KEDA scales the agent (wow infra k8s): maxReplicas 5 → 8, recommended by WowScaling\n' +
          'scaling:\n  minReplicas: 1\n  maxReplicas: 8\n  pendingPerReplica: 20\n',
      );
    }
  });

  it('changes only the bounds that move in an existing block, keeping its comments and order', () => {
    const text = [
      'id: busy',
      'name: Busy',
      'version: 1.0.0',
      'description: Busy.',
      'wakesOn: [busy.work.requested] # flow style kept',
      '# Why these bounds.',
      'scaling:',
      '  maxReplicas: 2 # two runtimes',
      '  minReplicas: 1',
      '',
    ].join('\n');
    expect(editScalingBlock(text, 'busy', { minReplicas: 1, maxReplicas: 3, pendingPerReplica: 20 }, 'x')).toBe(
      text
        .replace('maxReplicas: 2 # two runtimes', 'maxReplicas: 3 # two runtimes')
        .replace('  minReplicas: 1\n', '  minReplicas: 1\n  pendingPerReplica: 20\n'),
    );
  });

  it('writes a flow-style block again in flow style, and nothing around it', () => {
    const text =
      'id: busy\nname: Busy\nversion: 1.0.0\ndescription: Busy.\nwakesOn: [busy.work.requested]\nscaling: { maxReplicas: 2 } # tight\n';
    expect(editScalingBlock(text, 'busy', { minReplicas: 1, maxReplicas: 3, pendingPerReplica: 20 }, 'x')).toBe(
      text.replace('{ maxReplicas: 2 }', '{ minReplicas: 1, maxReplicas: 3, pendingPerReplica: 20 }'),
    );
  });

  it('refuses an edit that would leave an invalid manifest, saying why', () => {
    const text = 'id: busy\nname: Busy\nversion: 1.0.0\ndescription: Busy.\nwakesOn: [busy.work.requested]\n';
    expect(() =>
      editScalingBlock(text, 'busy', { minReplicas: 5, maxReplicas: 2, pendingPerReplica: 20 }, 'x'),
    ).toThrow(
      /agents\/busy\/agent.yml cannot take the recommended scaling: the edited manifest would not be valid: .*maxReplicas at least minReplicas/,
    );
    expect(() => editScalingBlock('id: [', 'busy', proposed, 'x')).toThrow(
      /agents\/busy\/agent.yml cannot take the recommended scaling: it does not parse/,
    );
  });
});
