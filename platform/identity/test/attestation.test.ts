import { execFile } from 'node:child_process';
import { appendFile, chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAgentHost,
  createBus,
  createIdentity,
  createMetrics,
  deployAgents,
  hashFolder,
  isWowError,
  loadConfig,
  type Bus,
  type Identity,
} from '#platform';
import { quietLog, testBusDefaults } from '#platform/testing';
import { greeterFiles, makeCheckout, writeAgent } from '../../../test/support/agent-checkout.ts';
import { storeBackends, type TestStore } from '../../../test/support/test-stores.ts';

const exec = promisify(execFile);

describe('the git tree hash of a folder on disk', () => {
  let scratch: string;
  beforeAll(async () => void (scratch = await mkdtemp(join(tmpdir(), 'wow-tree-hash-'))));
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('is what git computes for the same files: nested folders, an executable, a symbolic link, names git orders by bytes', async () => {
    const dir = join(scratch, 'repo', 'agents', 'odd');
    const files: Record<string, string> = {
      'agent.yml': 'id: odd\n',
      'a.b': 'dot\n',
      'a-b': 'dash\n',
      'a/inner.ts': 'export {};\n',
      'a0/x': '',
      'src/deep/er/file.txt': 'ünïcödé\n',
      'bin/run.sh': '#!/bin/sh\necho hi\n',
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    await chmod(join(dir, 'bin/run.sh'), 0o755);
    await symlink('../agent.yml', join(dir, 'src', 'manifest-link'));
    await mkdir(join(dir, 'empty', 'emptier'), { recursive: true });
    const git = (...args: string[]) => exec('git', args, { cwd: join(scratch, 'repo') });
    await git('init', '-q');
    await git('add', '-A');
    await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'odd');
    const expected = (await git('rev-parse', 'HEAD:agents/odd')).stdout.trim();

    const hashed = await hashFolder(dir);
    expect(hashed.treeHash).toBe(expected);
    expect(hashed.files.get('bin/run.sh')?.mode).toBe('100755');
    expect(hashed.files.get('src/manifest-link')?.mode).toBe('120000');
    expect(hashed.files.get('agent.yml')?.sha).toBe((await git('hash-object', 'agents/odd/agent.yml')).stdout.trim());
  });
});

describe.each(storeBackends('attestation'))('a runtime starting an attested version on $name', (backend) => {
  const config = loadConfig({ HEARTBEAT_INTERVAL_MS: '100', HEARTBEAT_TIMEOUT_MS: '400' });
  let test: TestStore;
  let bus: Bus;
  let identity: Identity;
  let scratch: string;
  let repo: string;
  let runtimeCheckout: string;
  let treeHash: string;
  const logged: Array<{ msg: string; err?: { code?: string; message?: string; data?: Record<string, unknown> } }> = [];
  const log = pino(
    { level: 'error' },
    new Writable({
      write: (chunk: Buffer, _e, done) => {
        logged.push(JSON.parse(chunk.toString('utf8')) as (typeof logged)[number]);
        done();
      },
    }),
  );

  /** Starts a host of the greeter on `releases`: the version it runs, or the error it logged refusing to. */
  const start = async (releases: string, withIdentity = true) => {
    logged.length = 0;
    const host = await createAgentHost({
      config,
      bus,
      store: test.store,
      log,
      metrics: createMetrics({ defaultMetrics: false }),
      agentsDir: join(runtimeCheckout, 'agents'),
      releasesDir: join(scratch, releases),
      ids: ['greeter'],
      ...(withIdentity ? { identity } : {}),
    });
    try {
      await host.start();
      return { running: host.versions().get('greeter') };
    } catch (err) {
      if (!isWowError(err, 'WOW_ERR_AGENT_NOT_FOUND')) throw err;
      return { refused: logged.find((entry) => entry.err?.code !== undefined)?.err };
    } finally {
      await host.stop({ timeoutMs: 1000 });
    }
  };
  const deployedCopy = (releases: string, path: string) =>
    join(scratch, releases, 'greeter', treeHash, 'agents', 'greeter', path);

  beforeAll(async () => {
    test = await backend.open();
    bus = await createBus({ streamMaxLen: 1000, defaults: testBusDefaults, log: quietLog });
    scratch = await mkdtemp(join(tmpdir(), 'wow-attestation-'));
    repo = join(scratch, 'repo');
    runtimeCheckout = join(scratch, 'runtime');
    await makeCheckout(repo);
    await makeCheckout(runtimeCheckout);
    await writeFile(join(repo, '.gitignore'), 'node_modules\n');
    await writeAgent(repo, 'greeter', greeterFiles('v1', '1.0.0'));
    const git = (...args: string[]) => exec('git', args, { cwd: repo });
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'greeter');
    identity = await createIdentity({
      settings: loadConfig({
        PUBLIC_URL: 'https://waooaw.example.com',
        IDENTITY_MASTER_KEY: Buffer.alloc(32, 5).toString('base64'),
      }).identity,
      store: test.store,
      log: quietLog,
    });
    const [outcome] = await deployAgents({
      store: test.store,
      repoRoot: repo,
      agentsDir: join(repo, 'agents'),
      ids: ['greeter'],
      log: quietLog,
      identity,
    });
    treeHash = outcome?.treeHash ?? '';
    expect(treeHash).toBe((await git('rev-parse', 'HEAD:agents/greeter')).stdout.trim());
  }, 60_000);
  afterAll(async () => {
    await bus.close();
    await test.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('at deploy attests the tree hash in a credential signed by the platform, and starts the version whose files match it', async () => {
    const shown = await identity.show('greeter');
    expect(shown?.attestation).toMatchObject({
      kind: 'attestation',
      treeHash,
      status: 'active',
      issuedBy: 'wow deploy',
    });
    expect(await identity.attestedTreeHash('greeter', treeHash)).toBe(treeHash);
    expect(await start('releases')).toEqual({ running: treeHash });
  }, 30_000);

  it('refuses to start a deployed copy changed on disk, naming the files and both hashes, with or without identity', async () => {
    await appendFile(deployedCopy('releases', 'src/index.ts'), '\nconsole.log("injected");\n');
    await writeFile(deployedCopy('releases', 'src/extra.ts'), 'export {};\n');
    for (const withIdentity of [true, false]) {
      const err = (await start('releases', withIdentity)).refused;
      expect(err).toMatchObject({
        code: 'WOW_ERR_ATTESTATION_MISMATCH',
        data: { changed: ['src/index.ts'], missing: [], added: ['src/extra.ts'] },
      });
      const actual = (await hashFolder(deployedCopy('releases', '.'))).treeHash;
      expect(err?.message ?? '').toContain(`hash to ${actual}, not the attested ${treeHash}`);
      expect(err?.message ?? '').toContain('changed: src/index.ts; added: src/extra.ts');
    }
  }, 30_000);

  it('issues a missing attestation before starting (deployed before attestations, or lapsed while nothing ran)', async () => {
    await test.store.query(`delete from identity_credentials where agent_id = 'greeter'`);
    expect(await start('releases-fresh')).toEqual({ running: treeHash });
    expect((await identity.show('greeter'))?.attestation).toMatchObject({ treeHash, issuedBy: 'runtime' });
  }, 30_000);

  it('refuses a version whose stored attestation does not verify', async () => {
    const { rows } = await test.store.query<{ jwt: string }>(
      `select jwt from identity_credentials where agent_id = 'greeter' and kind = 'attestation' and status = 'active'`,
    );
    const [header, payload, signature] = (rows[0]?.jwt ?? '').split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as {
      vc: { credentialSubject: { treeHash: string } };
    };
    claims.vc.credentialSubject.treeHash = 'f'.repeat(40);
    const forged = [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
    await test.store.query(
      `update identity_credentials set jwt = $1 where kind = 'attestation' and status = 'active'`,
      [forged],
    );
    const err = (await start('releases-forged')).refused;
    expect(err).toMatchObject({ code: 'WOW_ERR_ATTESTATION' });
    expect(err?.message ?? '').toContain('its attestation does not verify');
  }, 30_000);
});
