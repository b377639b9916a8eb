import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type * as Sarif from 'sarif';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubDouble, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { examplePayload } from '../../../test/support/github-webhooks.ts';
import { wow } from '../../../test/support/run-wow.ts';
import { tempRepo, type TempRepo } from '../../../agents/wowvision/test/support/temp-repo.ts';
import { actionExit, runVisionAction } from '../src/run-vision-action.ts';

const exec = promisify(execFile);

const pack =
  'rules:\n  - name: no-lib\n    kind: dependency\n    from: src/**\n    to: lib/**\n    because: lib is being retired\n    fix: import from core instead\n  - name: kebab\n    kind: naming\n    severity: warning\n    paths: src/**\n    file: kebab-case\n';

let origin: TempRepo;
let work: string;
let github: GitHubDouble;
let base: string;

beforeEach(async () => {
  origin = await tempRepo({
    '.github/wowvision.yml': pack,
    'lib/x.ts': 'export const x = 1;\n',
    'core/x.ts': 'export const x = 1;\n',
    'src/ok.ts': 'export const ok = 1;\n',
  });
  await origin.git('config', 'uploadpack.allowAnySHA1InWant', 'true');
  base = (await origin.git('rev-parse', 'HEAD')).trim();
  work = await mkdtemp(join(tmpdir(), 'wowvision-action-'));
  github = createGitHubDouble();
  github.addRepo({ owner: 'acme', repo: 'shop', dir: origin.dir, pulls: [] });
});
afterEach(async () => {
  await origin.dispose();
  await rm(work, { recursive: true, force: true });
});

/** A commit on a feature branch of the origin, checked out as actions/checkout does: one commit deep. */
async function pullRequest(
  files: Record<string, string>,
): Promise<{ head: string; checkout: string; env: ActionTestEnv }> {
  await origin.git('checkout', '-q', '-B', 'feature');
  await origin.write(files);
  const head = await origin.commit('feature work');
  await origin.git('checkout', '-q', 'main');
  const checkout = join(work, `checkout-${head.slice(0, 7)}`);
  await exec('git', ['clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin.dir}`, checkout]);
  const event = examplePayload('pull_request', 'synchronize') as { pull_request: Record<string, unknown> };
  Object.assign(event.pull_request, {
    base: { ...(event.pull_request.base as object), sha: base },
    head: { ...(event.pull_request.head as object), sha: head },
  });
  await writeFile(join(work, 'event.json'), JSON.stringify(event));
  const env: ActionTestEnv = {
    GITHUB_WORKSPACE: checkout,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_EVENT_PATH: join(work, 'event.json'),
    GITHUB_STEP_SUMMARY: join(work, 'summary.md'),
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_RUN_ID: '42',
    INPUT_TOKEN: 'ghs_workflowtoken',
    INPUT_SARIF: 'wowvision.sarif',
  };
  return { head, checkout, env };
}

type ActionTestEnv = Record<'GITHUB_WORKSPACE' | 'GITHUB_STEP_SUMMARY' | 'GITHUB_OUTPUT', string> &
  Record<string, string>;

async function run(env: Record<string, string>) {
  let stdout = '';
  const code = await runVisionAction(env, { stdout: { write: (s: string) => (stdout += s) }, fetch: github.fetch });
  return { code, stdout };
}

const breaking = Object.fromEntries(
  Array.from({ length: 12 }, (_, i) => [
    `src/use${i}.ts`,
    `import { x } from '../lib/x.ts';\nexport const y${i} = x;\n`,
  ]),
);

describe('the WowVision Action', () => {
  it('annotates a check run, writes a job summary, outputs and SARIF, and exits 1 when a finding blocks', async () => {
    const { head, checkout, env } = await pullRequest({ ...breaking, 'src/BadName.ts': 'export const z = 1;\n' });
    const { code, stdout } = await run(env);
    expect(code).toBe(actionExit.blocked);
    expect(stdout).toContain('Fetched');
    expect(github.violations).toEqual([]);
    const [checkRun] = github.checkRuns;
    expect(github.checkRuns).toHaveLength(1);
    expect(checkRun).toMatchObject({ head_sha: head, name: 'WowVision', status: 'completed', conclusion: 'failure' });
    expect(checkRun?.annotations).toHaveLength(13);
    expect(stdout).not.toContain('::error');

    const summary = await readFile(env.GITHUB_STEP_SUMMARY, 'utf8');
    expect(summary).toContain('## WowVision');
    expect(summary).toContain('| ❌ | `no-lib` | 12 | lib is being retired | import from core instead |');
    expect(await readFile(env.GITHUB_OUTPUT, 'utf8')).toBe(
      `conclusion=failure\nfindings=13\nerrors=12\nsarif-file=${join(checkout, 'wowvision.sarif')}\n`,
    );

    const sarif = JSON.parse(await readFile(join(checkout, 'wowvision.sarif'), 'utf8')) as Sarif.Log;
    const cli = await wow(['review', '-C', checkout, '--base', base, '--head', head, '--format', 'json', '--no-cache']);
    expect(cli.code).toBe(1);
    const cliFindings = (
      JSON.parse(cli.stdout) as {
        findings: { path: string; line: number; column: number; rule: string; message: string }[];
      }
    ).findings;
    const actionFindings = sarif.runs[0]?.results?.map((r) => {
      const loc = r.locations?.[0]?.physicalLocation;
      return `${loc?.artifactLocation?.uri ?? ''}:${loc?.region?.startLine ?? 0}:${loc?.region?.startColumn ?? 0} ${r.ruleId ?? ''}`;
    });
    // The same engine and rules on the same change: the same findings as `wow review`.
    expect(actionFindings).toEqual(cliFindings.map((f) => `${f.path}:${f.line}:${f.column} ${f.rule}`));
  });

  it('degrades to workflow-command annotations on a read-only token, within the per-step caps, and says so', async () => {
    const { env } = await pullRequest(breaking);
    github.readOnly = true;
    const { code, stdout } = await run(env);
    expect(code).toBe(actionExit.blocked);
    const commands = stdout.split('\n').filter((l) => l.startsWith('::error '));
    expect(commands).toHaveLength(10);
    expect(commands[0]).toMatch(
      /^::error file=src\/use0\.ts,line=1,col=\d+,.*title=no-lib::.*%0AFix: import from core instead$/,
    );
    expect(stdout).toContain(
      '::warning title=WowVision%3A annotations degraded::WowVision could not write a check run (GitHub answered 403',
    );
    expect(stdout).toContain('2 more are listed in the job summary and the SARIF file');
    expect(await readFile(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain('> WowVision could not write a check run');
    expect(github.checkRuns).toEqual([]);
  });

  it('passes a clean change', async () => {
    const { env } = await pullRequest({ 'src/use.ts': "import { x } from '../core/x.ts';\nexport const y = x;\n" });
    const { code } = await run(env);
    expect(code).toBe(actionExit.ok);
    expect(github.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(await readFile(env.GITHUB_OUTPUT, 'utf8')).toContain('conclusion=success\nfindings=0\nerrors=0\n');
  });

  it("judges by the base commit's rules, not rules the pull request relaxes", async () => {
    const { env } = await pullRequest({ ...breaking, '.github/wowvision.yml': 'rules: []\n' });
    const { code, stdout } = await run(env);
    expect(code).toBe(actionExit.blocked);
    expect(stdout).toContain('take effect after merge');
  });

  it('runs as GitHub runs it (node main.js), with the exit code the workflow sees', async () => {
    const { env } = await pullRequest(breaking);
    const { INPUT_TOKEN: _token, ...withoutToken } = env;
    const main = new URL('../main.js', import.meta.url).pathname;
    const result = await exec(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', ...withoutToken },
    }).then(
      () => ({ code: 0, stdout: '' }),
      (err: unknown) => err as { code: number; stdout: string },
    );
    expect(result.code).toBe(actionExit.blocked);
    expect(result.stdout).toContain('::error file=src/use0.ts,line=1');
    expect(result.stdout).toContain('WowVision could not write a check run (no token was given)');
  });

  it("never runs the head's own code with the job's secrets: an ESLint config from the pull request is not run unless the workflow trusts it, and then without them", async () => {
    await origin.write({ '.github/wowvision.yml': `${pack}  - name: lint\n    kind: eslint\n` });
    base = await origin.commit("lint with the repository's ESLint");
    // The pull request's ESLint config reports what it can reach: the job's environment and the Action's own.
    const probe = [
      "import { readFileSync } from 'node:fs';",
      "const reach = { env: ['GITHUB_TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'INPUT_LLM-API-KEY', 'DATABASE_URL'].filter((n) => process.env[n] !== undefined) };",
      "try { reach.parent = readFileSync(`/proc/${process.ppid}/environ`, 'utf8').includes('ghs_jobtoken') ? 'token' : 'no token'; } catch { reach.parent = 'unreadable'; }",
      "const leak = { meta: { type: 'problem' }, create: (context) => ({ Program: (node) => context.report({ node, message: `reach ${JSON.stringify(reach)}` }) }) };",
      "export default [{ files: ['**/*.js'], plugins: { probe: { rules: { leak } } }, rules: { 'probe/leak': 'error', 'no-var': 'error' } }];",
    ].join('\n');
    const { checkout, env } = await pullRequest({
      'package.json': '{ "type": "module" }\n',
      'eslint.config.js': `${probe}\n`,
      'src/a.js': 'var a = 1;\nexport { a };\n',
    });
    const { INPUT_TOKEN: _token, ...withoutToken } = env;
    const secrets = {
      GITHUB_TOKEN: 'ghs_jobtoken',
      ACTIONS_RUNTIME_TOKEN: 'runtime-secret',
      'INPUT_LLM-API-KEY': 'sk-not-a-real-key',
      DATABASE_URL: 'postgres://app:hunter2@db/waooaw',
    };
    const main = new URL('../main.js', import.meta.url).pathname;
    const runMain = (extra: Record<string, string>) =>
      exec(process.execPath, [main], {
        env: { PATH: process.env.PATH ?? '', ...withoutToken, ...secrets, ...extra },
      }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (err: unknown) => err as { code: number; stdout: string },
      );

    const untrusted = await runMain({});
    expect(untrusted.stdout).not.toContain('reach');
    expect(untrusted.stdout).toContain('Not run here: lint (not run: untrusted code');
    expect(await readFile(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain('- `lint`: not run: untrusted code.');

    const trusted = await runMain({ 'INPUT_TRUSTED-CODE': 'true' });
    expect(trusted.code).toBe(actionExit.blocked);
    expect(trusted.stdout).toContain('src/a.js:1:1  error  reach {"env":[],"parent":"unreadable"} (probe/leak)');
    expect(trusted.stdout).toContain('Unexpected var, use let or const instead. (no-var)');
    expect(checkout).toBeDefined();
  }, 60_000);

  it('reads an explicit config input from the base commit, never from the pull request', async () => {
    await origin.write({ 'ci/pack.yml': pack });
    base = await origin.commit('a pack for CI');
    const { env } = await pullRequest({ ...breaking, 'ci/pack.yml': 'rules: []\n' });
    const { code, stdout } = await run({ ...env, INPUT_CONFIG: 'ci/pack.yml' });
    expect(code).toBe(actionExit.blocked);
    expect(github.checkRuns[0]).toMatchObject({ conclusion: 'failure' });
    expect(stdout).toContain('Rule changes in ci/pack.yml take effect after merge.');
  });

  it('stops a tool that does not finish within its timeout, and says so', async () => {
    await origin.write({ '.github/wowvision.yml': `${pack}  - name: lint\n    kind: eslint\n` });
    base = await origin.commit('lint');
    const { env } = await pullRequest({
      'package.json': '{ "type": "module" }\n',
      'eslint.config.js': 'while (true) {}\nexport default [];\n',
      'src/a.js': 'export const a = 1;\n',
    });
    const { code, stdout } = await run({ ...env, 'INPUT_TRUSTED-CODE': 'true', 'INPUT_TOOL-TIMEOUT': '2' });
    expect(code).toBe(actionExit.blocked);
    expect(stdout).toContain(
      "eslint.config.js:1:1  error  the eslint kind did not finish within 2 s and was stopped; raise the tool timeout (the Action's tool-timeout input, wow review --tool-timeout) if the tool needs longer  lint",
    );
  }, 60_000);

  it('declares in action.yml exactly the inputs and outputs it reads and writes, and this repo runs it on its PRs', async () => {
    const action = parse(await readFile(new URL('../action.yml', import.meta.url), 'utf8')) as {
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
      runs: { using: string; main: string };
    };
    expect(action.runs).toEqual({ using: 'node24', main: 'main.js' });
    const source = await readFile(new URL('../src/action-env.ts', import.meta.url), 'utf8');
    const read = [...source.matchAll(/input\('([a-z-]+)'\)/g)].map((m) => m[1]);
    expect(new Set(read)).toEqual(new Set(Object.keys(action.inputs)));
    const { env } = await pullRequest({ 'src/a.ts': 'export const a = 1;\n' });
    await run(env);
    const written = (await readFile(env.GITHUB_OUTPUT, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => l.split('=')[0]);
    expect(written.sort()).toEqual(Object.keys(action.outputs).sort());
    const workflow = parse(
      await readFile(new URL('../../../.github/workflows/wowvision.yml', import.meta.url), 'utf8'),
    ) as { jobs: Record<string, { steps: { uses?: string }[] }> };
    expect(Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.uses))).toContain('./base/actions/vision');
  });

  it('refuses a malformed input with a message that names it', async () => {
    const { env } = await pullRequest({ 'src/a.ts': 'export const a = 1;\n' });
    await expect(run({ ...env, INPUT_ALL: 'yes' })).rejects.toThrow('input "all" must be true or false, not "yes"');
  });
});
