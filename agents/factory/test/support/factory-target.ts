import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createGitHubPort, type GitHubClient, type GitHubPort } from '#platform';
import { testGitHubPolicy } from '#platform/testing';
import { createGitHubDouble, type DoubleRepo, type GitHubDouble } from '../../../../test/doubles/github-api.ts';
import { loadTemplates, type Generation } from '../../src/index.ts';

const exec = promisify(execFile);
/** This repository: the Factory's templates and the platform generated code is typechecked against. */
export const platformRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** A repository the Factory works on, served by the GitHub double, and the App's client to it. */
export interface FactoryTarget {
  dir: string;
  github: GitHubDouble;
  repo: DoubleRepo;
  /** The App's port onto the double (what the runtime hosts agents with), and its client for the installation (7). */
  port: GitHubPort;
  client: GitHubClient;
  /** The App's credentials, for a runtime's configuration. */
  privateKey: string;
  generation: Generation;
  /** git in the target repository, trimmed output. */
  git(...args: string[]): Promise<string>;
  dispose(): Promise<void>;
}

/**
 * acme/platform as a clone of this repository (so its own rules judge what the Factory
 * generates), with the people given holding those roles on it: the Factory acts only for
 * people with write access (docs/security.md).
 */
export async function startFactoryTarget(
  roles: Readonly<Record<string, 'read' | 'triage' | 'write' | 'maintain' | 'admin'>>,
  // The gate's typecheck takes seconds per generation; tests of who may act leave it to the gate's own tests.
  opts: { typecheck?: boolean } = {},
): Promise<FactoryTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'factory-target-'));
  const repoDir = join(dir, 'platform');
  await exec('git', ['clone', '-q', '--local', '--no-hardlinks', platformRoot, repoDir]);
  const git = async (...args: string[]) => (await exec('git', args, { cwd: repoDir })).stdout.trim();
  await git('branch', '-M', 'main');
  const github = createGitHubDouble();
  const repo: DoubleRepo = { owner: 'acme', repo: 'platform', dir: repoDir, pulls: [] };
  github.addRepo(repo);
  for (const [login, role] of Object.entries(roles)) github.roles.set(login, role);
  const port = createGitHubPort({
    credentials: { appId: '1', privateKey, apiUrl: 'https://api.github.com' },
    fetch: github.fetch,
    policy: testGitHubPolicy,
  });
  return {
    dir,
    github,
    repo,
    port,
    client: port.forInstallation(7),
    privateKey,
    generation: {
      templates: await loadTemplates(),
      typecheckRoot: opts.typecheck === false ? undefined : platformRoot,
    },
    git,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
