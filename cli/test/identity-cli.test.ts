import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { greeterFiles, makeCheckout, writeAgent } from '../../test/support/agent-checkout.ts';
import { wow } from '../../test/support/run-wow.ts';

const exec = promisify(execFile);

// The identity commands as an operator runs them, on the embedded defaults: a deploy gives the
// agent its DID, `show` prints its keys, `rotate` publishes a new one.
describe('wow identity', () => {
  let scratch: string;
  let repo: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'wow-identity-cli-'));
    repo = join(scratch, 'platform');
    await makeCheckout(repo);
    await writeFile(join(repo, '.gitignore'), 'node_modules\n');
    await writeAgent(repo, 'greeter', greeterFiles('v1', '1.0.0'));
    await exec('git', ['init', '-q', '-b', 'main'], { cwd: repo });
    await exec('git', ['add', '-A'], { cwd: repo });
    await exec('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'greeter'], {
      cwd: repo,
    });
    env = { DATA_DIR: join(scratch, 'data'), PUBLIC_URL: 'https://waooaw.example.com' };
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('says an agent has no identity before it is deployed', async () => {
    const run = await wow(['identity', 'show', 'greeter'], env);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain('greeter has no identity yet: `wow deploy greeter`');
    expect((await wow(['identity', 'show', '../etc'], env)).stderr).toContain('WOW_ERR_IDENTITY_SUBJECT');
  });

  it('gives a deployed agent and the platform a DID, with the master key generated 0600 in DATA_DIR', async () => {
    const run = await wow(['deploy', 'greeter', '--json', '-C', repo], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject([
      { agentId: 'greeter', outcome: 'activated', did: 'did:web:waooaw.example.com:agents:greeter' },
    ]);
    expect((await stat(join(scratch, 'data', 'identity-master.key'))).mode & 0o777).toBe(0o600);

    const shown = JSON.parse((await wow(['identity', 'show', 'greeter', '--json'], env)).stdout) as {
      did: string;
      keys: Array<{ kid: string; state: string; kms: string }>;
      history: Array<{ event: string; actor: string }>;
    };
    expect(shown.did).toBe('did:web:waooaw.example.com:agents:greeter');
    expect(shown.keys).toMatchObject([{ state: 'active', kms: 'local' }]);
    expect(shown.history).toEqual([expect.objectContaining({ event: 'created', actor: 'wow deploy' })]);
    expect(JSON.parse((await wow(['identity', 'show', 'platform', '--json'], env)).stdout)).toMatchObject({
      did: 'did:web:waooaw.example.com',
    });
  });

  it('rotates: the new key is published and the old one keeps signing until the publish period ends', async () => {
    expect(await wow(['identity', 'rotate'], env)).toMatchObject({ code: 2 });
    expect(await wow(['identity', 'rotate', 'greeter', '--all'], env)).toMatchObject({ code: 2 });
    const run = await wow(['identity', 'rotate', 'greeter', '--reason', 'drill'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^↻ greeter: did:web:waooaw\.example\.com:agents:greeter#\S+ is published and signs from /,
    );
    const table = (await wow(['identity', 'show', 'greeter'], env)).stdout;
    expect(table.split('\n')[0]).toBe('did:web:waooaw.example.com:agents:greeter');
    expect(table).toMatch(/active\s+local/);
    expect(table).toMatch(/published\s+local/);
    expect(table).toMatch(/rotated_out\s+wow identity rotate\s+drill/);

    const all = JSON.parse((await wow(['identity', 'rotate', '--all', '--json'], env)).stdout) as {
      rotated: Array<{ subject: string }>;
    };
    expect(all.rotated.map((r) => r.subject)).toEqual(['greeter', 'platform']);
  });

  it('suspends, resumes and revokes an agent, with who and why in its history; revoked is final', async () => {
    expect(await wow(['agents', 'suspend', 'greeter'], env)).toMatchObject({ code: 2 });
    const unknown = await wow(['agents', 'suspend', 'nobody', '--reason', 'test'], env);
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain('WOW_ERR_LIFECYCLE');
    const suspended = await wow(
      ['agents', 'suspend', 'greeter', '--reason', 'sends mail it should not', '--by', 'octocat', '--json'],
      env,
    );
    expect(suspended.code).toBe(0);
    expect(JSON.parse(suspended.stdout)).toEqual({ agent: 'greeter', state: 'suspended', previous: 'active' });
    expect((await wow(['identity', 'show', 'greeter'], env)).stdout).toMatch(
      /^did:web:waooaw\.example\.com:agents:greeter\nLifecycle: suspended\n[\s\S]*suspended\s+octocat\s+sends mail it should not\n/,
    );
    const resumed = await wow(['agents', 'resume', 'greeter', '--reason', 'fixed'], env);
    expect(resumed).toMatchObject({ code: 0 });
    expect(resumed.stdout).toMatch(/^✔ greeter is active \(was suspended\); runtimes follow within/);
    expect((await wow(['agents', 'revoke', 'greeter', '--reason', 'key leaked'], env)).code).toBe(0);
    const again = await wow(['agents', 'resume', 'greeter', '--reason', 'oops'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('it is revoked, which is final');
    const shown = JSON.parse((await wow(['identity', 'show', 'greeter', '--json'], env)).stdout) as {
      lifecycle: { state: string; history: Array<{ event: string; actor: string; reason: string }> };
    };
    expect(shown.lifecycle).toMatchObject({
      state: 'revoked',
      history: [
        { event: 'suspended', actor: 'octocat', reason: 'sends mail it should not' },
        { event: 'resumed', actor: 'wow agents resume', reason: 'fixed' },
        { event: 'revoked', actor: 'wow agents revoke', reason: 'key leaked' },
      ],
    });
  });

  it("shows a deployed agent's credentials and attestation, and approves what its tier withholds", async () => {
    await writeAgent(repo, 'publisher', {
      ...greeterFiles('v1', '1.0.0'),
      'agent.yml':
        'id: publisher\nname: Publisher\nversion: 1.0.0\ndescription: Publishes.\ntier: Marketing\n' +
        'wakesOn:\n  - test.greet.requested\nemits:\n  - test.publish.done\ncapabilities:\n  - github:contents:write\n  - llm:complete\n',
    });
    await exec('git', ['add', '-A'], { cwd: repo });
    await exec('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'publisher'], {
      cwd: repo,
    });
    const deployed = await wow(['deploy', 'publisher', '-C', repo], env);
    expect(deployed).toMatchObject({ code: 0, stderr: '' });
    expect(deployed.stdout).toContain(
      '  waiting for approval (beyond its tier): github:contents:write; `wow identity approve publisher <capability> --by <login>`\n',
    );

    const table = (await wow(['identity', 'show', 'publisher'], env)).stdout;
    expect(table).toMatch(/urn:uuid:\S+\s+capability\s+active\s+\S+\s+\S+\s+llm:complete emit:test\.publish\.done\n/);
    expect(table).toMatch(/urn:uuid:\S+\s+attestation\s+active\s+\S+\s+\S+\s+tree [0-9a-f]{12}\n/);
    expect(table).toMatch(/Attestation: tree [0-9a-f]{40}, active until /);
    expect(table).toContain(
      'Waiting for approval (beyond its tier): github:contents:write; `wow identity approve publisher <capability> --by <login>`',
    );

    expect(await wow(['identity', 'approve', 'publisher', 'github:contents:write'], env)).toMatchObject({ code: 2 });
    const refused = await wow(['identity', 'approve', 'publisher', 'llm:complete', '--by', 'octocat'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('WOW_ERR_CAPABILITY_APPROVAL');
    const run = await wow(
      ['identity', 'approve', 'publisher', 'github:contents:write', '--by', 'octocat', '--reason', 'commits the blog'],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^✔ github:contents:write approved for publisher by octocat; credential urn:uuid:\S+ holds it until /,
    );

    const shown = JSON.parse((await wow(['identity', 'show', 'publisher', '--json'], env)).stdout) as {
      credentials: Array<{ kind: string; status: string; capabilities: string[]; withheld: string[] }>;
      attestation: { treeHash: string; status: string };
      approvals: Array<{ capability: string; approvedBy: string; reason: string; via: string }>;
    };
    expect(shown.credentials.find((c) => c.kind === 'capability' && c.status === 'active')).toMatchObject({
      capabilities: ['github:contents:write', 'llm:complete', 'emit:test.publish.done'],
      withheld: [],
    });
    expect(shown.attestation).toMatchObject({
      status: 'active',
      treeHash: (await exec('git', ['rev-parse', 'HEAD:agents/publisher'], { cwd: repo })).stdout.trim(),
    });
    expect(shown.approvals).toEqual([
      expect.objectContaining({
        capability: 'github:contents:write',
        approvedBy: 'octocat',
        reason: 'commits the blog',
        via: 'wow identity approve',
      }),
    ]);
    expect((await wow(['identity', 'show', 'publisher'], env)).stdout).toMatch(
      /github:contents:write\s+octocat\s+wow identity approve\s+commits the blog/,
    );
  });
});
