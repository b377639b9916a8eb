import { generateKeyPairSync } from 'node:crypto';
import { createGitHubPort, type GitHubClient } from '#platform';
import { testGitHubPolicy } from '#platform/testing';
import { createGitHubDouble, type GitHubDouble } from '../../../../test/doubles/github-api.ts';
import { examplePayload } from '../../../../test/support/github-webhooks.ts';
import {
  createHeadSnapshots,
  createMemoryCache,
  handleGitHubEvent,
  type VisionOutcome,
  type VisionPayload,
  type VisionState,
} from '../../src/index.ts';
import { tempRepo, type TempRepo } from './temp-repo.ts';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/**
 * WowVision's App door over a real git repository (acme/shop, `main` holding `files`) behind
 * the GitHub double, fed GitHub's published webhook payloads.
 */
export interface AppHarness {
  repo: TempRepo;
  github: GitHubDouble;
  /** An installation client, as the runtime hands the agent one; `fetch` stands between it and the double. */
  client(fetch?: typeof globalThis.fetch): GitHubClient;
  /** What one process keeps between reviews; `heads` sized as given (default: the App's). */
  state(heads?: Parameters<typeof createHeadSnapshots>[0]): VisionState;
  /** Commits `files` (and the removal of `remove`) on `branch` off main; the head's SHA. */
  pushBranch(files: Record<string, string>, options?: { branch?: string; remove?: string[] }): Promise<string>;
  /** A published payload of `name`.`action`, pointed at acme/shop, then edited. */
  payload(name: string, action: string, edit?: (p: Record<string, unknown> & VisionPayload) => void): VisionPayload;
  /** `pull_request.<action>` for pull request `number` (default 7) at `head`, based on main. */
  prPayload(action: string, head: string, number?: number): VisionPayload;
  /** Delivers `pull_request.opened` for pull request `number` (default 7) to WowVision. */
  open(head: string, options?: { state?: VisionState; number?: number }): Promise<VisionOutcome>;
  dispose(): Promise<void>;
}

export async function startAppHarness(files: Record<string, string>): Promise<AppHarness> {
  const repo = await tempRepo(files);
  const github = createGitHubDouble();
  const harness: AppHarness = {
    repo,
    github,
    client: (fetch = github.fetch) =>
      createGitHubPort({
        credentials: { appId: '1', privateKey, apiUrl: 'https://api.github.com' },
        fetch,
        policy: testGitHubPolicy,
      }).forInstallation(99),
    state: (heads) => ({ cache: createMemoryCache(), heads: createHeadSnapshots(heads) }),
    async pushBranch(more, options = {}) {
      await repo.git('checkout', '-q', '-B', options.branch ?? 'feature', 'main');
      await repo.write(more);
      if (options.remove !== undefined) await repo.remove(...options.remove);
      const sha = await repo.commit('feature work');
      await repo.git('checkout', '-q', 'main');
      return sha;
    },
    payload(name, action, edit = () => undefined) {
      const p = examplePayload(name, action) as Record<string, unknown> & VisionPayload;
      p.repository = {
        ...(p.repository as object),
        name: 'shop',
        owner: { ...(p.repository?.owner as object), login: 'acme' },
      };
      edit(p);
      return p;
    },
    prPayload: (action, head, number = 7) =>
      harness.payload('pull_request', action, (p) => {
        Object.assign(p.pull_request as object, {
          number,
          head: { ...(p.pull_request?.head as object), sha: head },
          base: { ...(p.pull_request?.base as object), ref: 'main' },
        });
      }),
    open: (head, options = {}) =>
      handleGitHubEvent(
        harness.client(),
        'pull_request',
        harness.prPayload('opened', head, options.number),
        options.state ?? harness.state(),
        { lastAttempt: false },
      ),
    dispose: () => repo.dispose(),
  };
  return harness;
}
