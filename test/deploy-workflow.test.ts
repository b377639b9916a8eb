import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = new URL('../', import.meta.url).pathname;

interface Step { id?: string; if?: string; uses?: string; with?: Record<string, unknown>; env?: Record<string, string>; run?: string }
interface Workflow {
  on: { push?: { branches: string[] }; workflow_dispatch?: { inputs: Record<string, unknown> } };
  permissions: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { env: Record<string, string>; steps: Step[] }>;
}

// Workflows cannot run here (no runner); their shell steps can. Each `run:` is executed
// with GitHub's variables against a real repository, as a runner would.
describe('.github/workflows/deploy-agents.yml', async () => {
  const workflow = parse(await readFile(join(root, '.github/workflows/deploy-agents.yml'), 'utf8')) as Workflow;
  const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
  const step = (name: string) => steps.find((s) => s.run?.includes(name));

  it('runs on pushes to main, one deploy at a time, and may write deployments', () => {
    expect(workflow.on.push?.branches).toEqual(['main']);
    expect(workflow.on.workflow_dispatch?.inputs).toHaveProperty('rollback');
    expect(workflow.permissions).toEqual({ contents: 'read', deployments: 'write' });
    expect(workflow.concurrency['cancel-in-progress']).toBe(false);
    expect(steps.find((s) => s.uses === 'actions/checkout@v4')?.with).toEqual({ 'fetch-depth': 0 });
    // Untrusted values reach the shell through the environment, never spliced into the script.
    for (const s of steps) expect(s.run ?? '').not.toContain('${{');
  });

  it('finds the changed agents, tests them, then deploys them: its shell steps run as written', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'deploy-workflow-'));
    try {
      const output = join(scratch, 'output');
      const head = (await exec('git', ['rev-parse', 'HEAD'], { cwd: root })).stdout.trim();
      const sh = async (s: Step | undefined, env: Record<string, string>) => (await exec('bash', ['-eo', 'pipefail', '-c', s?.run ?? 'false'], { cwd: root, env: { ...process.env, GITHUB_OUTPUT: output, GITHUB_SHA: head, ...env } })).stdout;
      // A new branch's first push (before = 000…0) counts every agent as changed.
      await sh(step('agents changed'), { BEFORE: '0000000000000000000000000000000000000000' });
      const ids = (await readFile(output, 'utf8')).trim();
      const agents = (await exec('git', ['ls-tree', '--name-only', 'HEAD:agents/'], { cwd: root })).stdout.trim().split('\n');
      const withManifest = (await Promise.all(agents.map(async (a) => (await exec('git', ['cat-file', '-t', `HEAD:agents/${a}/agent.yml`], { cwd: root }).then(() => a, () => undefined))))).filter((a) => a !== undefined);
      expect(ids).toBe(`ids=${withManifest.join(' ')}`);
      expect(withManifest).toContain('factory');
      // The test and deploy steps hand the ids to commands that accept them.
      expect(step('npm test')?.run).toBe("npm test -- $(printf 'agents/%s/ ' $IDS)");
      const deploy = step('wow -- deploy --ref');
      expect(deploy?.env).toEqual({ IDS: '${{ steps.changed.outputs.ids }}' });
      const help = await sh({ run: (deploy?.run ?? '').replace(' $IDS', ' --help') }, {});
      expect(help).toContain('Usage: wow deploy [options] [ids...]');
      expect(await sh({ run: (step('--rollback')?.run ?? '').replace('"$AGENT"', '--help') }, {})).toContain('--rollback');
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }, 60_000);
});
