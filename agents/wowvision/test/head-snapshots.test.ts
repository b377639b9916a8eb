import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { eventuallyPasses } from '#platform/testing';
import { handleGitHubEvent } from '../src/index.ts';
import { startAppHarness, type AppHarness } from './support/app-harness.ts';

let h: AppHarness | undefined;
afterEach(async () => h?.dispose());

const tarballs = (harness: AppHarness) => harness.github.callsTo('GET /repos/{owner}/{repo}/tarball/{ref}').length;

describe("WowVision App: the heads' contents one process holds", () => {
  it('holds at most two heads at once: a third review waits for a slot instead of downloading beside them', async () => {
    h = await startAppHarness({ 'src/ok.ts': 'export const ok = 1;\n' });
    const heads = [
      await h.pushBranch({ 'src/a.ts': 'export const a = 1;\n' }, { branch: 'a' }),
      await h.pushBranch({ 'src/b.ts': 'export const b = 1;\n' }, { branch: 'b' }),
      await h.pushBranch({ 'src/c.ts': 'export const c = 1;\n' }, { branch: 'c' }),
    ];
    const pulls = heads.map((head, i) => ({ number: 7 + i, head, base: 'main' }));
    h.github.addRepo({ owner: 'acme', repo: 'shop', dir: h.repo.dir, pulls });
    const github = h.github;
    // Tarball downloads wait here until the test lets them go.
    const held: (() => void)[] = [];
    const gated: typeof fetch = async (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/tarball/'))
        await new Promise<void>((release) => held.push(release));
      return github.fetch(input, init);
    };
    const state = h.state({ keptBytes: 1024 ** 2, inUse: 2 });
    const harness = h;
    const reviews = pulls.map((pull) =>
      handleGitHubEvent(
        harness.client(gated),
        'pull_request',
        harness.prPayload('opened', pull.head, pull.number),
        state,
        {
          lastAttempt: false,
        },
      ),
    );

    await eventuallyPasses(() => {
      expect(held).toHaveLength(2);
      expect(state.heads.stats()).toMatchObject({ inUse: 2, waiting: 1 });
    });
    held[0]?.();
    await eventuallyPasses(() => expect(held).toHaveLength(3));
    for (const release of held) release();
    expect(await Promise.all(reviews)).toMatchObject([{ did: 'reviewed' }, { did: 'reviewed' }, { did: 'reviewed' }]);
    expect(state.heads.stats()).toMatchObject({ inUse: 0, waiting: 0 });
    expect(github.violations).toEqual([]);
  });

  it('keeps finished heads for reruns by their total bytes, oldest out first, and never one larger than that', async () => {
    h = await startAppHarness({ 'src/ok.ts': 'export const ok = 1;\n' });
    // Random bytes do not compress: each head holds about 30 KB more than main.
    const noise = () => randomBytes(22 * 1024).toString('base64');
    const a = await h.pushBranch({ 'assets/a.txt': noise() }, { branch: 'a' });
    const b = await h.pushBranch({ 'assets/b.txt': noise() }, { branch: 'b' });
    const c = await h.pushBranch({ 'assets/c.txt': noise() }, { branch: 'c' });
    h.github.addRepo({
      owner: 'acme',
      repo: 'shop',
      dir: h.repo.dir,
      pulls: [
        { number: 7, head: a, base: 'main' },
        { number: 8, head: b, base: 'main' },
        { number: 9, head: c, base: 'main' },
      ],
    });
    const state = h.state({ keptBytes: 64 * 1024, inUse: 2 });
    const harness = h;
    const rerun = (head: string, number: number) =>
      handleGitHubEvent(
        harness.client(),
        'check_suite',
        harness.payload('check_suite', 'rerequested', (p) => {
          Object.assign(p.check_suite as object, { head_sha: head, pull_requests: [{ number }] });
        }),
        state,
        { lastAttempt: false },
      );

    await h.open(a, { state });
    await h.open(b, { state, number: 8 });
    await h.open(c, { state, number: 9 });
    expect(tarballs(h)).toBe(3);
    // Two heads fit in 64 KiB: b and c are kept, a went first.
    expect(state.heads.stats().keptBytes).toBeLessThanOrEqual(64 * 1024);
    expect(state.heads.stats().kept).toBe(2);
    await rerun(c, 9);
    expect(tarballs(h)).toBe(3);
    await rerun(a, 7);
    expect(tarballs(h)).toBe(4);

    // A head larger than everything the process keeps is reviewed, then let go.
    const small = h.state({ keptBytes: 16 * 1024, inUse: 2 });
    await handleGitHubEvent(
      h.client(),
      'check_suite',
      h.payload('check_suite', 'rerequested', (p) => {
        Object.assign(p.check_suite as object, { head_sha: b, pull_requests: [{ number: 8 }] });
      }),
      small,
      { lastAttempt: false },
    );
    expect(small.heads.stats()).toMatchObject({ kept: 0, keptBytes: 0 });
    expect(h.github.violations).toEqual([]);
  });
});
