import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { tempRepo } from '../../agents/wowvision/test/support/temp-repo.ts';

const exec = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

interface Step {
  id?: string;
  if?: string;
  name?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  run?: string;
  'working-directory'?: string;
}
interface Workflow {
  on: {
    push?: { branches: string[] };
    pull_request?: unknown;
    pull_request_target?: unknown;
    workflow_dispatch?: { inputs: Record<string, unknown> };
  };
  permissions?: Record<string, string>;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, { env?: Record<string, string>; permissions?: Record<string, string>; steps: Step[] }>;
}

const workflowsDir = join(root, '.github/workflows');
const readWorkflow = async (file: string) => parse(await readFile(join(workflowsDir, file), 'utf8')) as Workflow;
/** Secrets and the job's token, however a workflow names them. */
const secretRef = /\$\{\{\s*(?:secrets\.|github\.token)/;

describe('every workflow', async () => {
  const files = (await readdir(workflowsDir)).filter((f) => /\.ya?ml$/.test(f));

  it('grants least privilege: a permissions block for the workflow or for each job, never write-all', async () => {
    expect(files.sort()).toEqual(['ci.yml', 'deploy-agents.yml', 'wowvision.yml']);
    for (const file of files) {
      const workflow = await readWorkflow(file);
      for (const [name, job] of Object.entries(workflow.jobs)) {
        const permissions = job.permissions ?? workflow.permissions;
        expect(permissions, `${file} job ${name}`).toBeTypeOf('object');
        expect(JSON.stringify(permissions)).not.toMatch(/write-all|read-all/);
      }
    }
  });

  it('audits the production dependencies in CI, since the audit endpoint cannot be reached everywhere (docs/security.md)', async () => {
    const runs = Object.values((await readWorkflow('ci.yml')).jobs).flatMap((job) =>
      job.steps.map((step) => step.run ?? ''),
    );
    expect(runs).toContain('npm audit --omit=dev');
  });

  it('keeps secrets out of job-wide environments and checks out without keeping the token on disk', async () => {
    for (const file of files) {
      const workflow = await readWorkflow(file);
      // pull_request_target runs with secrets on a pull request's code: never.
      expect(workflow.on.pull_request_target, file).toBeUndefined();
      for (const job of Object.values(workflow.jobs)) {
        expect(JSON.stringify(job.env ?? {}), file).not.toMatch(secretRef);
        for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/checkout@') === true))
          expect(step.with?.['persist-credentials'], `${file}: ${JSON.stringify(step)}`).toBe(false);
      }
    }
  });
});

describe('.github/workflows/ci.yml: coverage', () => {
  it('measures coverage in the test step, then holds a pull request to rules/coverage.yml with the report it wrote', async () => {
    const steps = Object.values((await readWorkflow('ci.yml')).jobs).flatMap((job) => job.steps);
    const test = steps.findIndex((s) => s.run === 'npm test -- --coverage');
    const gate = steps.findIndex((s) => s.run?.includes('--config rules/coverage.yml') === true);
    expect(test).toBeGreaterThan(-1);
    expect(gate).toBeGreaterThan(test);
    expect(steps[gate]).toMatchObject({ if: "github.event_name == 'pull_request'" });
    expect(steps[gate]?.run).toContain('--trusted-code');
    expect(steps[gate]?.run).toContain('--base "$BASE_SHA"');
  });

  it("finds a pull request's changed lines that no test runs, by the pack ci.yml names", async () => {
    const repo = await tempRepo({
      '.github/wowvision.yml': await readFile(join(root, 'rules/coverage.yml'), 'utf8'),
      '.gitignore': 'coverage/\n',
    });
    try {
      const statementMap = Object.fromEntries(
        [2, 3, 4].map((line, i) => [String(i), { start: { line, column: 2 }, end: { line, column: 20 } }]),
      );
      const path = join(repo.dir, 'src/grade.ts');
      await repo.write({
        'src/grade.ts':
          "export function grade(n: number): string {\n  if (n > 90) return 'A';\n  if (n > 50) return 'B';\n  return 'C';\n}\n",
        'coverage/coverage-final.json': JSON.stringify({
          [path]: { path, statementMap, fnMap: {}, branchMap: {}, s: { 0: 3, 1: 0, 2: 0 }, f: {}, b: {} },
        }),
      });
      const review = await repo.review({ base: 'main', trustedCode: true });
      expect(review.findings.map((f) => [f.rule, f.path, f.line])).toEqual([
        ['changed-lines-tested', 'src/grade.ts', 3],
      ]);
      expect(review.conclusion).toBe('failure');
    } finally {
      await repo.dispose();
    }
  });
});

describe('.github/workflows/wowvision.yml', async () => {
  const workflow = await readWorkflow('wowvision.yml');
  const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
  const checkouts = steps.filter((s) => s.uses === 'actions/checkout@v4');

  it("runs the gate's code and rules from the base commit, the pull request's head only as data beside it", () => {
    expect(workflow.on.pull_request).toBeDefined();
    expect(workflow.permissions).toEqual({ contents: 'read', checks: 'write', 'security-events': 'write' });
    expect(checkouts.map((s) => s.with)).toEqual([
      {
        ref: "${{ github.event.pull_request.base.sha || (github.event.before != '0000000000000000000000000000000000000000' && github.event.before) || github.sha }}",
        path: 'base',
        'persist-credentials': false,
      },
      {
        ref: '${{ github.event.pull_request.head.sha || github.sha }}',
        path: 'head',
        'fetch-depth': 0,
        'persist-credentials': false,
      },
    ]);
    const vision = steps.find((s) => s.id === 'vision');
    expect(vision).toMatchObject({ uses: './base/actions/vision', with: { path: 'head' } });
    // The head's code never runs here: no install, no script, no trusted tool rules.
    expect(vision?.with?.['trusted-code']).toBeUndefined();
    for (const s of steps.filter((s) => s.run !== undefined)) expect(s['working-directory']).toBe('base');
  });
});

describe('.github/CODEOWNERS', () => {
  it("makes the maintainers review every change to the gate: workflows, actions, rule packs and WowVision's code", async () => {
    const lines = (await readFile(join(root, '.github/CODEOWNERS'), 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.split(/\s+/));
    // GitHub takes the last line whose pattern matches; these patterns are anchored folders.
    const ownersOf = (path: string) =>
      lines
        .filter(([pattern = '']) => pattern.startsWith('/') && pattern.endsWith('/') && `/${path}`.startsWith(pattern))
        .at(-1)
        ?.slice(1);
    for (const path of [
      '.github/workflows/wowvision.yml',
      '.github/workflows/ci.yml',
      '.github/wowvision.yml',
      '.github/CODEOWNERS',
      'actions/vision/main.js',
      'actions/factory/action.yml',
      'rules/waooaw.yml',
      'agents/wowvision/src/kinds/hidden-characters.ts',
      'platform/text/hidden-characters.ts',
      'agents/wowvision/src/index.ts',
    ])
      expect(ownersOf(path), path).toEqual(['@waooaw/maintainers']);
  });
});

// Workflows cannot run here (no runner); their shell steps can. Each `run:` is executed
// with GitHub's variables against a real repository, as a runner would.
describe('.github/workflows/deploy-agents.yml', async () => {
  const workflow = parse(await readFile(join(root, '.github/workflows/deploy-agents.yml'), 'utf8')) as Workflow;
  const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
  const step = (name: string) => steps.find((s) => s.run?.includes(name));

  it('gives the database URL and the token only to the steps that deploy or roll back', () => {
    const holders = steps.filter((s) => secretRef.test(JSON.stringify(s.env ?? {})));
    expect(holders.map((s) => s.name)).toEqual(['Deploy them', 'Roll back']);
    for (const s of holders)
      expect(s.env).toMatchObject({
        DATABASE_URL: '${{ secrets.WAOOAW_DATABASE_URL }}',
        GITHUB_TOKEN: '${{ github.token }}',
      });
    expect(Object.keys(workflow.jobs.deploy?.env ?? {})).toEqual(['TEST_DATABASE_URL', 'TEST_REDIS_URL']);
  });

  it('runs on pushes to main, one deploy at a time, and may write deployments', () => {
    expect(workflow.on.push?.branches).toEqual(['main']);
    expect(workflow.on.workflow_dispatch?.inputs).toHaveProperty('rollback');
    expect(workflow.permissions).toEqual({ contents: 'read', deployments: 'write' });
    expect(workflow.concurrency['cancel-in-progress']).toBe(false);
    expect(steps.find((s) => s.uses === 'actions/checkout@v4')?.with).toEqual({
      'fetch-depth': 0,
      'persist-credentials': false,
    });
    // Untrusted values reach the shell through the environment, never spliced into the script.
    for (const s of steps) expect(s.run ?? '').not.toContain('${{');
  });

  it('finds the changed agents, tests them, then deploys them: its shell steps run as written', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'deploy-workflow-'));
    try {
      const output = join(scratch, 'output');
      const head = (await exec('git', ['rev-parse', 'HEAD'], { cwd: root })).stdout.trim();
      const sh = async (s: Step | undefined, env: Record<string, string>) =>
        (
          await exec('bash', ['-eo', 'pipefail', '-c', s?.run ?? 'false'], {
            cwd: root,
            env: { ...process.env, GITHUB_OUTPUT: output, GITHUB_SHA: head, ...env },
          })
        ).stdout;
      // A new branch's first push (before = 000…0) counts every agent as changed.
      await sh(step('agents changed'), { BEFORE: '0000000000000000000000000000000000000000' });
      const ids = (await readFile(output, 'utf8')).trim();
      const agents = (await exec('git', ['ls-tree', '--name-only', 'HEAD:agents/'], { cwd: root })).stdout
        .trim()
        .split('\n');
      const withManifest = (
        await Promise.all(
          agents.map(
            async (a) =>
              await exec('git', ['cat-file', '-t', `HEAD:agents/${a}/agent.yml`], { cwd: root }).then(
                () => a,
                () => undefined,
              ),
          ),
        )
      ).filter((a) => a !== undefined);
      expect(ids).toBe(`ids=${withManifest.join(' ')}`);
      expect(withManifest).toContain('factory');
      // The test and deploy steps hand the ids to commands that accept them.
      expect(step('npm test')?.run).toBe("npm test -- $(printf 'agents/%s/ ' $IDS)");
      const deploy = step('wow -- deploy --ref');
      expect(deploy?.env).toMatchObject({ IDS: '${{ steps.changed.outputs.ids }}' });
      const help = await sh({ run: (deploy?.run ?? '').replace(' $IDS', ' --help') }, {});
      expect(help).toContain('Usage: wow deploy [options] [ids...]');
      expect(await sh({ run: (step('--rollback')?.run ?? '').replace('"$AGENT"', '--help') }, {})).toContain(
        '--rollback',
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }, 60_000);
});
