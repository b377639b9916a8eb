import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wow } from '../../test/support/run-wow.ts';

const manifest = (id: string, extra = '') =>
  `id: ${id}\nname: ${id}\nversion: 1.0.0\ndescription: A test agent.\nwakesOn: [test.${id}.go, github.issues.*]\n${extra}`;

describe('wow infra k8s', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wow-infra-'));
    for (const id of ['alpha', 'beta']) {
      await mkdir(join(dir, 'agents', id), { recursive: true });
      await writeFile(join(dir, 'agents', id, 'agent.yml'), manifest(id));
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes one workload per agent and the kustomization, then finds them in step', async () => {
    const first = await wow(['infra', 'k8s', '-C', dir, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      files: [
        { path: 'infra/k8s/base/agents/alpha.yaml', status: 'added' },
        { path: 'infra/k8s/base/agents/beta.yaml', status: 'added' },
        { path: 'infra/k8s/base/agents/kustomization.yaml', status: 'added' },
      ],
    });
    const alpha = await readFile(join(dir, 'infra/k8s/base/agents/alpha.yaml'), 'utf8');
    expect(alpha).toContain(
      "args:\n            - agents\n            - run\n            - alpha\n            - --port\n            - '3000'",
    );
    expect(alpha).toContain('stream: wow:stream:github.issues');
    expect(alpha).toContain('stream: wow:stream:test.alpha');
    const check = await wow(['infra', 'k8s', '-C', dir, '--check']);
    expect(check).toMatchObject({ code: 0, stdout: expect.stringContaining('3 file(s)') as unknown });
  });

  it('--check exits 1 naming what a changed scaling block or a removed agent puts out of step, and writes nothing', async () => {
    await writeFile(join(dir, 'agents/alpha/agent.yml'), manifest('alpha', 'scaling:\n  maxReplicas: 9\n'));
    await rm(join(dir, 'agents/beta'), { recursive: true });
    const check = await wow(['infra', 'k8s', '-C', dir, '--check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('✖ out of step: infra/k8s/base/agents/alpha.yaml (would be updated)');
    expect(check.stdout).toContain('✖ out of step: infra/k8s/base/agents/beta.yaml (would be removed)');
    expect(await readFile(join(dir, 'infra/k8s/base/agents/alpha.yaml'), 'utf8')).toContain('maxReplicaCount: 5');

    expect((await wow(['infra', 'k8s', '-C', dir])).code).toBe(0);
    expect(await readFile(join(dir, 'infra/k8s/base/agents/alpha.yaml'), 'utf8')).toContain('maxReplicaCount: 9');
    await expect(readFile(join(dir, 'infra/k8s/base/agents/beta.yaml'))).rejects.toThrow();
    expect((await wow(['infra', 'k8s', '-C', dir, '--check'])).code).toBe(0);
  });

  it('refuses a scaling block whose bounds cross, naming the file and the field', async () => {
    await writeFile(
      join(dir, 'agents/alpha/agent.yml'),
      manifest('alpha', 'scaling:\n  minReplicas: 6\n  maxReplicas: 2\n'),
    );
    const run = await wow(['infra', 'k8s', '-C', dir, '--check']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('agents/alpha/agent.yml');
    expect(run.stderr).toContain('expected maxReplicas at least minReplicas');
  });
});
