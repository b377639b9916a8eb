import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type * as Sarif from 'sarif';
import { parse } from 'yaml';
import { testGitHubPolicy } from '#platform/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubDouble, type GitHubDouble } from '../../../test/doubles/github-api.ts';
import { inStep, stepSummary, readOutputs, serveGitHubDouble } from '../../../test/support/actions-runner.ts';
import { examplePayload } from '../../../test/support/github-webhooks.ts';
import { wow } from '../../../test/support/run-wow.ts';
import { tempRepo, type TempRepo } from '../../../agents/wowvision/test/support/temp-repo.ts';
import type { ActionContext } from '../src/action-inputs.ts';
import { actionExit, runVisionAction } from '../src/run-vision-action.ts';

const exec = promisify(execFile);

const pack =
  'rules:\n  - name: no-lib\n    kind: dependency\n' +
  '    from: src/**\n    to: lib/**\n    because: lib is being retired\n    fix: import from core instead\n' +
  '  - name: kebab\n    kind: naming\n    severity: warning\n    paths: src/**\n    file: kebab-case\n';

let origin: TempRepo;
let work: string;
let github: GitHubDouble;
let base: string;
// The runner's files for the step. @actions/core keeps the summary's path once it has written
// there, so every run in this file writes to the same one (emptied before each run).
let step: string;

beforeAll(async () => {
  step = await mkdtemp(join(tmpdir(), 'wowvision-step-'));
});
afterAll(() => rm(step, { recursive: true, force: true }));

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
): Promise<{ head: string; checkout: string; env: ActionTestEnv; context: ActionContext }> {
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
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: join(work, 'event.json'),
    GITHUB_STEP_SUMMARY: join(step, 'summary.md'),
    GITHUB_OUTPUT: join(step, 'output'),
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_RUN_ID: '42',
    INPUT_TOKEN: 'ghs_workflowtoken',
    INPUT_SARIF: 'wowvision.sarif',
  };
  // @actions/github's context as the runner's variables make it.
  const context: ActionContext = {
    payload: event as ActionContext['payload'],
    sha: head,
    repo: { owner: 'acme', repo: 'shop' },
    runId: 42,
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
  };
  return { head, checkout, env, context };
}

type ActionTestEnv = Record<'GITHUB_WORKSPACE' | 'GITHUB_STEP_SUMMARY' | 'GITHUB_OUTPUT', string> &
  Record<string, string>;

/** The Action in this process, with the GitHub double's fetch. */
async function run({ env, context }: { env: ActionTestEnv; context: ActionContext }) {
  const { value: code, stdout } = await inStep(env, () =>
    runVisionAction({
      context,
      workspace: env.GITHUB_WORKSPACE,
      env: process.env,
      summary: stepSummary(),
      fetch: github.fetch,
      policy: testGitHubPolicy,
    }),
  );
  return { code, stdout };
}

/** The Action as GitHub runs it (`node main.js`, action.yml), its context made from the runner's variables. */
async function runMain(env: Record<string, string>) {
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY'])
    if (env[name] !== undefined) await writeFile(env[name], '');
  return exec(process.execPath, [new URL('../main.js', import.meta.url).pathname], {
    env: { PATH: process.env.PATH ?? '', ...env },
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (err: unknown) => err as { code: number; stdout: string },
  );
}

const breaking = Object.fromEntries(
  Array.from({ length: 12 }, (_, i) => [
    `src/use${i}.ts`,
    `import { x } from '../lib/x.ts';\nexport const y${i} = x;\n`,
  ]),
);

describe('the WowVision Action', () => {
  it('annotates a check run, writes a job summary, outputs and SARIF, and exits 1 when a finding blocks', async () => {
    const pr = await pullRequest({ ...breaking, 'src/BadName.ts': 'export const z = 1;\n' });
    const { head, checkout, env } = pr;
    const { code, stdout } = await run(pr);
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
    const outputs = await readOutputs(env.GITHUB_OUTPUT);
    expect(outputs).toEqual({
      conclusion: 'failure',
      findings: '13',
      errors: '12',
      'sarif-file': join(checkout, 'wowvision.sarif'),
    });
    expect(Object.keys(outputs)).toEqual(['conclusion', 'findings', 'errors', 'sarif-file']);

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
    const pr = await pullRequest(breaking);
    const { env } = pr;
    github.readOnly = true;
    const { code, stdout } = await run(pr);
    expect(code).toBe(actionExit.blocked);
    const commands = stdout.split('\n').filter((l) => l.startsWith('::error '));
    expect(commands).toHaveLength(10);
    expect(commands[0]).toMatch(
      /^::error title=no-lib,file=src\/use0\.ts,line=1,endLine=1,col=\d+,endColumn=\d+::.*%0AFix: import from core instead$/,
    );
    expect(stdout).toContain(
      '::warning title=WowVision%3A annotations degraded::WowVision could not write a check run (GitHub answered 403',
    );
    expect(stdout).toContain('2 more are listed in the job summary and the SARIF file');
    expect(await readFile(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain('> WowVision could not write a check run');
    expect(github.checkRuns).toEqual([]);
  });

  it('passes a clean change', async () => {
    const pr = await pullRequest({ 'src/use.ts': "import { x } from '../core/x.ts';\nexport const y = x;\n" });
    const { code } = await run(pr);
    expect(code).toBe(actionExit.ok);
    expect(github.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(await readOutputs(pr.env.GITHUB_OUTPUT)).toMatchObject({
      conclusion: 'success',
      findings: '0',
      errors: '0',
    });
  });

  it("judges by the base commit's rules, not rules the pull request relaxes", async () => {
    const pr = await pullRequest({ ...breaking, '.github/wowvision.yml': 'rules: []\n' });
    const { code, stdout } = await run(pr);
    expect(code).toBe(actionExit.blocked);
    expect(stdout).toContain('take effect after merge');
  });

  it('runs as GitHub runs it (node main.js), with the exit code the workflow sees', async () => {
    const { env } = await pullRequest(breaking);
    const { INPUT_TOKEN: _token, ...withoutToken } = env;
    const result = await runMain(withoutToken);
    expect(result.code).toBe(actionExit.blocked);
    expect(result.stdout).toContain('::error title=no-lib,file=src/use0.ts,line=1');
    expect(result.stdout).toContain('WowVision could not write a check run (no token was given)');
    expect(await readOutputs(env.GITHUB_OUTPUT)).toMatchObject({ conclusion: 'failure', errors: '12' });
  });

  it("runs as GitHub runs it against GitHub's API: a check run with every annotation, the token masked; a read-only token falls back", async () => {
    const { head, env } = await pullRequest(breaking);
    const served = await serveGitHubDouble(github);
    try {
      const written = await runMain({ ...env, GITHUB_API_URL: served.url });
      expect(written.code).toBe(actionExit.blocked);
      expect(written.stdout).toContain('::add-mask::ghs_workflowtoken');
      expect(github.violations).toEqual([]);
      expect(github.checkRuns).toHaveLength(1);
      expect(github.checkRuns[0]).toMatchObject({ head_sha: head, status: 'completed', conclusion: 'failure' });
      expect(github.checkRuns[0]?.annotations).toHaveLength(12);
      expect(written.stdout).not.toContain('::error title=no-lib');
      expect(await readFile(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain('| ❌ | `no-lib` | 12 |');

      github.readOnly = true;
      const degraded = await runMain({ ...env, GITHUB_API_URL: served.url });
      expect(degraded.code).toBe(actionExit.blocked);
      expect(degraded.stdout.split('\n').filter((l) => l.startsWith('::error title=no-lib'))).toHaveLength(10);
      expect(degraded.stdout).toContain('WowVision could not write a check run (GitHub answered 403');
      expect(github.checkRuns).toHaveLength(1);
    } finally {
      await served.close();
    }
  }, 60_000);

  it("never runs the head's code with the job's secrets: a pull request's ESLint config runs only if the workflow trusts it, then without them", async () => {
    await origin.write({ '.github/wowvision.yml': `${pack}  - name: lint\n    kind: eslint\n` });
    base = await origin.commit("lint with the repository's ESLint");
    // The pull request's ESLint config reports what it can reach: the job's environment and the Action's own.
    const probe = [
      "import { readFileSync } from 'node:fs';",
      "const reach = { env: ['GITHUB_TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'INPUT_LLM-API-KEY', 'DATABASE_URL'].filter((n) => process.env[n] !== undefined) };",
      "try { reach.parent = readFileSync(`/proc/${process.ppid}/environ`, 'utf8').includes('ghs_jobtoken') ? " +
        "'token' : 'no token'; } catch { reach.parent = 'unreadable'; }",
      "const leak = { meta: { type: 'problem' }, create: (context) => ({ Program: " +
        '(node) => context.report({ node, message: `reach ${JSON.stringify(reach)}` }) }) };',
      "export default [{ files: ['**/*.js'], plugins: { probe: { rules: { leak } } }, rules: { 'probe/leak': 'error', 'no-var': 'error' } }];",
    ].join('\n');
    const { env } = await pullRequest({
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
    const untrusted = await runMain({ ...withoutToken, ...secrets });
    expect(untrusted.stdout).not.toContain('reach');
    expect(untrusted.stdout).toContain('Not run here: lint (not run: untrusted code');
    expect(await readFile(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain('- `lint`: not run: untrusted code.');

    const trusted = await runMain({ ...withoutToken, ...secrets, 'INPUT_TRUSTED-CODE': 'true' });
    expect(trusted.code).toBe(actionExit.blocked);
    expect(trusted.stdout).toContain('src/a.js:1:1  error  reach {"env":[],"parent":"unreadable"} (probe/leak)');
    expect(trusted.stdout).toContain('Unexpected var, use let or const instead. (no-var)');
  }, 60_000);

  it('reads an explicit config input from the base commit, never from the pull request', async () => {
    await origin.write({ 'ci/pack.yml': pack });
    base = await origin.commit('a pack for CI');
    const pr = await pullRequest({ ...breaking, 'ci/pack.yml': 'rules: []\n' });
    const { code, stdout } = await run({ ...pr, env: { ...pr.env, INPUT_CONFIG: 'ci/pack.yml' } });
    expect(code).toBe(actionExit.blocked);
    expect(github.checkRuns[0]).toMatchObject({ conclusion: 'failure' });
    expect(stdout).toContain('Rule changes in ci/pack.yml take effect after merge.');
  });

  it('fails the check and the step when the review cannot run, showing what the pull request wrote as code, never as Markdown', async () => {
    // A workflow may build an input from the pull request (its branch name, a path); the error quotes it.
    const pr = await pullRequest(breaking);
    const hostile = 'ci/`x` _em_ <img src=x onerror=alert(1)> @acme/maintainers.yml';
    await expect(run({ ...pr, env: { ...pr.env, INPUT_CONFIG: hostile } })).rejects.toThrow('no rule pack at ci/');
    const [checkRun] = github.checkRuns;
    expect(checkRun).toMatchObject({
      conclusion: 'failure',
      output: { title: 'WowVision could not review this change' },
    });
    const shown = "`no rule pack at ci/'x' _em_ <img src=x onerror=alert(1)> @acme/maintainers.yml in the base commit";
    expect(checkRun?.output.summary).toContain(shown);
    expect(checkRun?.output.summary).not.toContain('`x`');
    const summary = await readFile(pr.env.GITHUB_STEP_SUMMARY, 'utf8');
    expect(summary).toContain('**WowVision could not review this change:** ');
    expect(summary).toContain(shown);
  });

  it('stops a tool that does not finish within its timeout, and says so', async () => {
    await origin.write({ '.github/wowvision.yml': `${pack}  - name: lint\n    kind: eslint\n` });
    base = await origin.commit('lint');
    const pr = await pullRequest({
      'package.json': '{ "type": "module" }\n',
      'eslint.config.js': 'while (true) {}\nexport default [];\n',
      'src/a.js': 'export const a = 1;\n',
    });
    const { code, stdout } = await run({
      ...pr,
      env: { ...pr.env, 'INPUT_TRUSTED-CODE': 'true', 'INPUT_TOOL-TIMEOUT': '2' },
    });
    expect(code).toBe(actionExit.blocked);
    expect(stdout).toContain(
      'eslint.config.js:1:1  error  the eslint kind did not finish within 2 s and was stopped; raise the ' +
        "tool timeout (the Action's tool-timeout input, wow review --tool-timeout) if the tool needs longer  lint",
    );
  }, 60_000);

  it('declares in action.yml exactly the inputs and outputs it reads and writes, and this repo runs it on its PRs', async () => {
    const action = parse(await readFile(new URL('../action.yml', import.meta.url), 'utf8')) as {
      inputs: Record<string, unknown>;
      outputs: Record<string, unknown>;
      runs: { using: string; main: string };
    };
    expect(action.runs).toEqual({ using: 'node24', main: 'main.js' });
    const source = await readFile(new URL('../src/action-inputs.ts', import.meta.url), 'utf8');
    const read = [...source.matchAll(/[iI]nput\('([a-z-]+)'\)/g)].map((m) => m[1]);
    expect(new Set(read)).toEqual(new Set(Object.keys(action.inputs)));
    const pr = await pullRequest({ 'src/a.ts': 'export const a = 1;\n' });
    await run(pr);
    const written = Object.keys(await readOutputs(pr.env.GITHUB_OUTPUT));
    expect(written.sort()).toEqual(Object.keys(action.outputs).sort());
    const workflow = parse(
      await readFile(new URL('../../../.github/workflows/wowvision.yml', import.meta.url), 'utf8'),
    ) as { jobs: Record<string, { steps: { uses?: string }[] }> };
    expect(Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.uses))).toContain('./base/actions/vision');
  });

  it('refuses a malformed input with a message that names it', async () => {
    const pr = await pullRequest({ 'src/a.ts': 'export const a = 1;\n' });
    await expect(run({ ...pr, env: { ...pr.env, INPUT_ALL: 'yes' } })).rejects.toThrow(
      'Input does not meet YAML 1.2 "Core Schema" specification: all',
    );
    await expect(run({ ...pr, env: { ...pr.env, 'INPUT_TOOL-TIMEOUT': '0' } })).rejects.toThrow(
      'input "tool-timeout" must be a whole number of seconds from 1 to 99999, not "0"',
    );
  });
});
