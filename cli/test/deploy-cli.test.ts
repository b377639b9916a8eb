import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubDouble, type GitHubDouble } from '../../test/doubles/github-api.ts';
import { greeterFiles, makeCheckout, writeAgent } from '../../test/support/agent-checkout.ts';
import { wow } from '../../test/support/run-wow.ts';

const exec = promisify(execFile);

// `wow deploy` as the deploy workflow runs it: from a checkout, on the embedded database,
// reporting to GitHub's Deployments API when it runs in Actions.
describe('wow deploy and wow agents changed', () => {
  let scratch: string;
  let repo: string;
  let github: GitHubDouble;
  let env: Record<string, string>;
  let first: string;
  const git = async (...args: string[]) => (await exec('git', args, { cwd: repo })).stdout.trim();
  const commit = async (message: string) => {
    await git('add', '-A');
    await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', message);
    return git('rev-parse', 'HEAD');
  };
  const inActions = () => ({
    ...env,
    GITHUB_ACTIONS: 'true',
    GITHUB_TOKEN: 'ghs_workflow',
    GITHUB_REPOSITORY: 'acme/platform',
    GITHUB_RUN_ID: '42',
    GITHUB_SERVER_URL: 'https://github.com',
  });

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'wow-deploy-cli-'));
    repo = join(scratch, 'platform');
    await makeCheckout(repo);
    await writeFile(join(repo, '.gitignore'), 'node_modules\n');
    await git('init', '-q', '-b', 'main');
    await writeFile(join(repo, 'README.md'), 'platform\n');
    first = await commit('empty platform');
    await writeAgent(repo, 'greeter', greeterFiles('v1', '1.0.0'));
    await commit('greeter v1');
    github = createGitHubDouble();
    github.addRepo({ owner: 'acme', repo: 'platform', dir: repo, pulls: [] });
    env = { DATA_DIR: join(scratch, 'data') };
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('lists what a push changed, one id per line, for the workflow to test', async () => {
    const run = await wow(['agents', 'changed', first, '-C', repo], env);
    expect(run).toMatchObject({ code: 0, stdout: 'greeter\n' });
    expect((await wow(['agents', 'changed', 'HEAD', '-C', repo], env)).stdout).toBe('');
    const shallow = await wow(['agents', 'changed', 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed', '-C', repo], env);
    expect(shallow.code).toBe(2);
    expect(shallow.stderr).toContain(
      'error WOW_ERR_GIT_REVISION: "f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed" is not a commit in',
    );
    expect(shallow.stderr).toContain('fetch-depth: 0');
    expect(
      (await wow(['deploy', '--changed-since', 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed', '-C', repo], env)).code,
    ).toBe(2);
  });

  it('deploys the changed agents and reports each one through the Deployments API', async () => {
    const run = await wow(['deploy', '--changed-since', first, '-C', repo, '--json'], inActions(), {
      fetch: github.fetch,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const tree = await git('rev-parse', 'HEAD:agents/greeter');
    expect(JSON.parse(run.stdout)).toEqual([
      {
        agentId: 'greeter',
        version: '1.0.0',
        treeHash: tree,
        commit: await git('rev-parse', 'HEAD'),
        outcome: 'activated',
        previousTreeHash: null,
        // The deploy gives the agent its DID, named after PUBLIC_URL (unset: localhost and PORT).
        did: 'did:web:localhost%3A3000:agents:greeter',
      },
    ]);
    expect(github.deployments).toEqual([
      expect.objectContaining({ ref: await git('rev-parse', 'HEAD'), environment: 'agents/greeter', task: 'deploy' }),
    ]);
    expect(github.deployments[0]?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(github.deployments[0]?.statuses[1]).toMatchObject({
      description: `Active: ${tree.slice(0, 7)}`,
      log_url: 'https://github.com/acme/platform/actions/runs/42',
    });
    expect(github.violations).toEqual([]);

    const list = await wow(['agents', 'list', '--json'], env);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({
        id: 'greeter',
        version: '1.0.0',
        status: 'Offline',
        deployed: expect.objectContaining({ state: 'Active', treeHash: tree, runningInstances: 0 }) as unknown,
      }),
    ]);
    expect((await wow(['agents', 'list'], env)).stdout).toContain(`Active ${tree.slice(0, 7)} (0 running)`);
  }, 60_000);

  it('exits 1 and reports a failure when the new version cannot load; the previous one stays Active', async () => {
    await writeAgent(repo, 'greeter', {
      ...greeterFiles('v2', '2.0.0'),
      'src/index.ts': 'throw new Error("boom at import");\n',
    });
    await commit('greeter v2, broken');
    const run = await wow(['deploy', 'greeter', '-C', repo], inActions(), { fetch: github.fetch });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /✖ greeter 2\.0\.0 \([0-9a-f]{7}, commit [0-9a-f]{7}\) failed to load; [0-9a-f]{7} stays Active:\n {2}Agent "greeter": .*boom at import/,
    );
    expect(github.deployments[1]?.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(github.deployments[1]?.statuses[1]?.description).toContain('boom at import');
  }, 60_000);

  it('rolls back to the previous version and reports it as a rollback deployment of that commit', async () => {
    await writeAgent(repo, 'greeter', greeterFiles('v3', '3.0.0'));
    await commit('greeter v3');
    expect((await wow(['deploy', 'greeter', '-C', repo], env)).stdout).toMatch(
      /✔ greeter 3\.0\.0 .* is Active \(was [0-9a-f]{7}\)/,
    );
    const back = await wow(['deploy', '--rollback', 'greeter', '-C', repo], inActions(), { fetch: github.fetch });
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/↩ greeter rolled back to 1\.0\.0/);
    expect(github.deployments.at(-1)).toMatchObject({
      ref: await git('rev-parse', 'HEAD~2'),
      task: 'deploy:rollback',
      environment: 'agents/greeter',
    });
    expect(github.deployments.at(-1)?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    const again = await wow(['deploy', '--rollback', 'greeter', '-C', repo], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error WOW_ERR_ROLLBACK: Cannot roll back greeter: version');
    expect(github.violations).toEqual([]);
  }, 60_000);

  it('says what to do with bad usage, and exits 2', async () => {
    const none = await wow(['deploy', '-C', repo], env);
    expect(none).toMatchObject({ code: 2 });
    expect(none.stderr).toContain('name the agents to deploy');
    const both = await wow(['deploy', 'greeter', '--changed-since', first, '-C', repo], env);
    expect(both.code).toBe(2);
    const outside = await wow(['deploy', 'greeter', '-C', scratch], env);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('is not inside a git repository');
    const help = await wow(['deploy', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--rollback');
    expect(help.stdout).toContain('Exit codes: 0 every agent Active');
  });
});
