import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createEvent, type CloudEvent } from '#platform';

const exec = promisify(execFile);
const agentsDir = fileURLToPath(new URL('../../..', import.meta.url));
const fixtureDir = fileURLToPath(new URL('../../../../test/fixtures/scaling-agents', import.meta.url));
const scratchDir = fileURLToPath(new URL('../../../../test/.data', import.meta.url));

/** The manifest of the busy fixture agent, as the repository the pull request is opened in holds it. */
export const busyManifest = `id: busy-agent
name: Busy agent
version: 1.0.0
description: Takes one message at a time.
wakesOn:
  # What the tests publish to it.
  - scalingtest.work.requested
concurrency: 1
# At its maximum with its one runtime.
scaling:
  minReplicas: 1
  maxReplicas: 1 # one runtime
  pendingPerReplica: 20
`;

/**
 * One agents folder holding WowScaling and the busy fixture agent, as a deployment's does,
 * in the checkout (git ignores .data) so that "#platform" resolves as it does here; the
 * busy agent's questionnaire beside it is where WowScaling reads its service level.
 */
export async function hostScalingAgents(): Promise<{ dir: string; remove: () => Promise<void> }> {
  await mkdir(scratchDir, { recursive: true });
  const dir = await mkdtemp(join(scratchDir, 'scaling-agents-'));
  await cp(join(agentsDir, 'wowscaling'), join(dir, 'wowscaling'), {
    recursive: true,
    filter: (source) => !source.includes('/wowscaling/test'),
  });
  await cp(join(fixtureDir, 'busy-agent'), join(dir, 'busy-agent'), { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A git repository holding agents/busy-agent/agent.yml, for the GitHub double to serve. */
export async function scalingRepository(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'wowscaling-repo-'));
  const git = (...args: string[]) => exec('git', args, { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.com');
  await git('config', 'user.name', 'Test');
  await mkdir(join(dir, 'agents', 'busy-agent'), { recursive: true });
  await writeFile(join(dir, 'agents', 'busy-agent', 'agent.yml'), busyManifest);
  await git('add', '-A');
  await git('commit', '-q', '-m', 'the busy agent');
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The file at `ref` in the double's repository. */
export async function fileAt(dir: string, ref: string, path: string): Promise<string> {
  return (await exec('git', ['show', `${ref}:${path}`], { cwd: dir })).stdout;
}

/** One message of work for the busy agent. */
export const work = (n: number): CloudEvent =>
  createEvent({ type: 'scalingtest.work.requested', source: 'urn:wow:test', subject: `work-${n}`, data: { n } });
