import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GitHubDouble } from '../../../test/doubles/github-api.ts';
import { handleGitHubEvent } from '../src/index.ts';
import { startAppHarness, type AppHarness } from './support/app-harness.ts';
import { tempRepo, type TempRepo } from './support/temp-repo.ts';

const pack =
  'rules:\n  - name: no-lib\n    kind: dependency\n    from: src/**\n    to: lib/**\n    because: lib is being retired\n    fix: import from core instead\n';

let h: AppHarness;
let repo: TempRepo;
let github: GitHubDouble;

beforeEach(async () => {
  h = await startAppHarness({
    '.github/wowvision.yml': pack,
    'lib/x.ts': 'export const x = 1;\n',
    'core/x.ts': 'export const x = 1;\n',
    'src/ok.ts': 'export const ok = 1;\n',
  });
  ({ repo, github } = h);
});
afterEach(async () => h.dispose());

const pushBranch = (files: Record<string, string>) => h.pushBranch(files);
const payload: AppHarness['payload'] = (name, action, edit) => h.payload(name, action, edit);
const prPayload = (action: string, head: string) => h.prPayload(action, head);
const client = () => h.client();
const state = () => h.state();

describe('WowVision as a GitHub App', () => {
  it('gives a PR with 120 findings a failing check: in progress at once, annotations in three batches, a summary', async () => {
    const lines = Array.from({ length: 120 }, (_, i) => `import { x as x${i} } from '../lib/x.ts';`);
    const head = await pushBranch({
      'src/many.ts': `${lines.join('\n')}\nexport const all = [${lines.map((_, i) => `x${i}`).join(', ')}];\n`,
    });
    github.addRepo({ owner: 'acme', repo: 'shop', dir: repo.dir, pulls: [{ number: 7, head, base: 'main' }] });

    const outcome = await handleGitHubEvent(client(), 'pull_request', prPayload('opened', head), state(), {
      lastAttempt: false,
    });

    expect(github.violations).toEqual([]);
    expect(outcome).toMatchObject({ did: 'reviewed', pull: 7 });
    const [create] = github.callsTo('POST /repos/{owner}/{repo}/check-runs');
    expect(create?.body).toMatchObject({ name: 'WowVision', head_sha: head, status: 'in_progress' });
    expect(github.checkRuns).toHaveLength(1);
    const run = github.checkRuns[0];
    expect(run?.batches).toEqual([50, 50, 20]);
    expect(run).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: '120 findings (120 errors) in 1 file', annotations_count: 120 },
    });
    expect(run?.annotations[0]).toEqual({
      path: 'src/many.ts',
      start_line: 1,
      end_line: 1,
      start_column: 25,
      end_column: 38,
      annotation_level: 'failure',
      title: 'no-lib (WowVision)',
      message:
        'src/many.ts imports lib/x.ts ("../lib/x.ts")\nBecause: lib is being retired\nFix: import from core instead',
    });
    expect(run?.output.summary).toContain('| ❌ | `no-lib` | 120 | lib is being retired | import from core instead |');
    // Only the last request completes the run, so it never reads complete with findings missing.
    const patches = github.callsTo('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}');
    expect(patches.map((c) => (c.body as { conclusion?: string }).conclusion)).toEqual([
      undefined,
      undefined,
      'failure',
    ]);
    // The head was fetched once, as a tarball, and the rules were read from the base branch.
    expect(github.callsTo('GET /repos/{owner}/{repo}/tarball/{ref}')).toHaveLength(1);
    expect(github.callsTo('GET /repos/{owner}/{repo}/contents/{path}')[0]?.query.get('ref')).toBe('main');
  });

  it('does not create a second check run for a redelivered webhook, and turns green when the PR is fixed', async () => {
    const head = await pushBranch({ 'src/a.ts': "import { x } from '../lib/x.ts';\nexport const a = x;\n" });
    github.addRepo({
      owner: 'acme',
      repo: 'shop',
      dir: repo.dir,
      pulls: [{ number: 7, head: 'feature', base: 'main' }],
    });
    const shared = state();
    const first = await handleGitHubEvent(client(), 'pull_request', prPayload('opened', head), shared, {
      lastAttempt: false,
    });
    const again = await handleGitHubEvent(client(), 'pull_request', prPayload('opened', head), shared, {
      lastAttempt: false,
    });
    expect(first).toMatchObject({ did: 'reviewed' });
    expect(again).toMatchObject({ did: 'already-reviewed', checkRunId: github.checkRuns[0]?.id });
    expect(github.checkRuns.map((r) => r.conclusion)).toEqual(['failure']);

    const fixed = await pushBranch({ 'src/a.ts': "import { x } from '../core/x.ts';\nexport const a = x;\n" });
    await handleGitHubEvent(client(), 'pull_request', prPayload('synchronize', fixed), shared, { lastAttempt: false });
    expect(github.checkRuns.map((r) => `${r.head_sha === fixed ? 'fixed' : 'first'}:${r.conclusion ?? ''}`)).toEqual([
      'first:failure',
      'fixed:success',
    ]);
    expect(github.violations).toEqual([]);
  });

  it("finds a fork PR's pull request by its head when a rerequest comes without one", async () => {
    const head = await pushBranch({ 'src/a.ts': 'export const a = 1;\n' });
    github.addRepo({ owner: 'acme', repo: 'shop', dir: repo.dir, pulls: [{ number: 12, head, base: 'main' }] });
    const rerequest = payload('check_suite', 'rerequested', (p) => {
      Object.assign(p.check_suite as object, { head_sha: head, pull_requests: [] });
    });
    const outcome = await handleGitHubEvent(client(), 'check_suite', rerequest, state(), { lastAttempt: false });
    expect(outcome).toMatchObject({ did: 'reviewed', pull: 12 });
    expect(github.callsTo('GET /repos/{owner}/{repo}/pulls').length).toBe(1);
    expect(github.checkRuns).toMatchObject([{ head_sha: head, conclusion: 'success' }]);
    expect(github.violations).toEqual([]);
  });

  it('fails a PR whose diff carries a bidi override (Trojan Source) on a repository with no pack of its own, annotating the character', async () => {
    await repo.remove('.github/wowvision.yml');
    await repo.commit('no pack: the recommended rules apply');
    // Written as escapes: the override makes the return look like part of the comment.
    const head = await pushBranch({
      'src/access.ts':
        "export function canDelete(role: string): boolean {\n  /* only admins \u202E } \u2066if (role === 'admin')\u2069 \u2066 { */\n  return true;\n}\n",
    });
    github.addRepo({ owner: 'acme', repo: 'shop', dir: repo.dir, pulls: [{ number: 7, head, base: 'main' }] });
    const outcome = await handleGitHubEvent(client(), 'pull_request', prPayload('opened', head), state(), {
      lastAttempt: false,
    });
    expect(github.violations).toEqual([]);
    expect(outcome).toMatchObject({ did: 'reviewed', pull: 7 });
    expect(github.checkRuns).toMatchObject([{ head_sha: head, status: 'completed', conclusion: 'failure' }]);
    expect(github.checkRuns[0]?.annotations[0]).toEqual({
      path: 'src/access.ts',
      start_line: 2,
      end_line: 2,
      start_column: 18,
      end_column: 19,
      annotation_level: 'failure',
      title: 'no-hidden-characters (WowVision)',
      message: expect.stringMatching(
        /^U\+202E RIGHT-TO-LEFT OVERRIDE, a bidirectional control \(Trojan Source, CVE-2021-42574\): .*\nBecause: .*\nFix: Remove the character/s,
      ) as unknown,
    });
    expect(github.checkRuns[0]?.annotations).toHaveLength(4);
  });

  it('fails the check, titled as not reviewed and naming the cap, when the head commit is over the size cap; the process goes on reviewing', async () => {
    // Random bytes do not compress: the tarball GitHub serves is as large as the file.
    const head = await pushBranch({ 'assets/noise.txt': randomBytes(256 * 1024).toString('base64') });
    github.addRepo({
      owner: 'acme',
      repo: 'shop',
      dir: repo.dir,
      pulls: [
        { number: 7, head, base: 'main' },
        { number: 8, head: 'main', base: 'main' },
      ],
    });
    const shared = { ...state(), limits: { maxBytes: 64 * 1024, maxFiles: 1000, maxFileBytes: 1024 * 1024 } };
    const outcome = await handleGitHubEvent(client(), 'pull_request', prPayload('opened', head), shared, {
      lastAttempt: false,
    });
    expect(github.violations).toEqual([]);
    // Branch protection counts a neutral check as passing: what was not reviewed must not pass.
    expect(outcome).toMatchObject({ did: 'reviewed', pull: 7, review: { conclusion: 'failure', findings: [] } });
    expect(github.checkRuns[0]).toMatchObject({
      head_sha: head,
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'Not reviewed: over a size cap (WOWVISION_TARBALL_MAX_BYTES)' },
    });
    expect(github.checkRuns[0]?.output.summary).toBe(
      "**WowVision reviewed nothing, so this check fails:** the head commit's tarball " +
        'is larger than 65,536 bytes (64 KiB), the cap WOWVISION_TARBALL_MAX_BYTES of this WowVision server. ' +
        'Its operator can raise WOWVISION_TARBALL_MAX_BYTES; ' +
        'the WowVision Action and `wow review` read a checkout and have no such cap.',
    );
    // The same process reviews the next pull request as usual.
    const mainSha = (await repo.git('rev-parse', 'main')).trim();
    const next = await handleGitHubEvent(
      client(),
      'pull_request',
      payload('pull_request', 'opened', (p) => {
        Object.assign(p.pull_request as object, {
          number: 8,
          head: { ...(p.pull_request?.head as object), sha: mainSha },
          base: { ...(p.pull_request?.base as object), ref: 'main' },
        });
      }),
      shared,
      { lastAttempt: false },
    );
    expect(next).toMatchObject({ did: 'reviewed', pull: 8, review: { conclusion: 'success' } });
  });

  it('fails the check, naming file, line and problem, when the base branch has an invalid pack', async () => {
    await repo.write({ '.github/wowvision.yml': 'rules:\n  - name: no-lib\n    kind: dependency\n    from: src/**\n' });
    await repo.commit('broken rules');
    const head = await pushBranch({ 'src/a.ts': 'export const a = 1;\n' });
    github.addRepo({ owner: 'acme', repo: 'shop', dir: repo.dir, pulls: [{ number: 7, head, base: 'main' }] });
    await handleGitHubEvent(client(), 'pull_request', prPayload('opened', head), state(), { lastAttempt: false });
    expect(github.checkRuns[0]).toMatchObject({ conclusion: 'failure' });
    expect(github.checkRuns[0]?.output.summary).toContain(
      '`.github/wowvision.yml:2` `rule "no-lib": give either "to" (what is forbidden) or "allowOnly" (all that is allowed), not both or neither`',
    );
  });

  it("reads `_extends` like Probot's config: the org's .github repo, then another repo's file, on their default branches, under the base's pack", async () => {
    const org = await tempRepo({
      '.github/wowvision.yml': `_extends: policies:packs/base.yml\n${pack}`,
    });
    const policies = await tempRepo({
      'packs/base.yml': 'rules:\n  - name: no-core\n    kind: dependency\n    from: src/**\n    to: core/**\n',
    });
    try {
      await repo.write({
        '.github/wowvision.yml': '_extends: .github\nrules:\n  - name: no-lib\n    severity: warning\n',
      });
      await repo.commit('rules from the org');
      // The head drops `_extends`: the base branch's pack judges the change all the same.
      const head = await pushBranch({
        '.github/wowvision.yml': 'rules: []\n',
        'src/a.ts':
          "import { x } from '../lib/x.ts';\nimport { x as y } from '../core/x.ts';\nexport const a = x + y;\n",
      });
      github.addRepo({ owner: 'acme', repo: 'shop', dir: repo.dir, pulls: [{ number: 7, head, base: 'main' }] });
      github.addRepo({ owner: 'acme', repo: '.github', dir: org.dir, pulls: [] });
      github.addRepo({ owner: 'acme', repo: 'policies', dir: policies.dir, pulls: [] });
      await handleGitHubEvent(client(), 'pull_request', prPayload('opened', head), state(), { lastAttempt: false });
      const run = github.checkRuns[0];
      expect(run).toMatchObject({ conclusion: 'failure' });
      expect(run?.output.summary).toContain('`no-core`');
      expect(run?.output.summary).toMatch(/⚠️ \| `no-lib`/);
      expect(
        github
          .callsTo('GET /repos/{owner}/{repo}/contents/{path}')
          .map((c) => `${c.params.owner}/${c.params.repo}:${c.params.path}@${c.query.get('ref') ?? 'default'}`),
      ).toEqual(
        expect.arrayContaining([
          'acme/shop:.github/wowvision.yml@main',
          'acme/.github:.github/wowvision.yml@default',
          'acme/policies:packs/base.yml@default',
        ]),
      );
    } finally {
      await org.dispose();
      await policies.dispose();
    }
  });

  it('fails the check naming the line when `_extends` names a repository without the pack', async () => {
    await repo.write({ '.github/wowvision.yml': `rules: []\n_extends: acme/missing\n` });
    await repo.commit('rules from nowhere');
    const head = await pushBranch({ 'src/a.ts': 'export const a = 1;\n' });
    github.addRepo({ owner: 'acme', repo: 'shop', dir: repo.dir, pulls: [{ number: 7, head, base: 'main' }] });
    await handleGitHubEvent(client(), 'pull_request', prPayload('opened', head), state(), { lastAttempt: false });
    expect(github.checkRuns[0]).toMatchObject({ conclusion: 'failure' });
    expect(github.checkRuns[0]?.output.summary).toContain(
      '`.github/wowvision.yml:2` `_extends "acme/missing": no such pack on that repository\'s default branch`',
    );
  });

  it('answers /wowvision explain and recheck, and ignores bots', async () => {
    const head = await pushBranch({ 'src/a.ts': 'export const a = 1;\n' });
    // The example payload's commenter opened the pull request, so may ask for a recheck.
    github.addRepo({
      owner: 'acme',
      repo: 'shop',
      dir: repo.dir,
      pulls: [{ number: 7, head, base: 'main', author: 'Codertocat' }],
    });
    const commentPayload = (body: string, senderType = 'User') =>
      payload('issue_comment', 'created', (p) => {
        Object.assign(p.issue as object, { number: 7, pull_request: { url: 'x' } });
        Object.assign(p.comment as object, { body });
        p.sender = { ...(p.sender as object), type: senderType };
      });
    expect(
      await handleGitHubEvent(client(), 'issue_comment', commentPayload('/wowvision explain no-lib'), state(), {
        lastAttempt: false,
      }),
    ).toMatchObject({ did: 'explained' });
    expect(github.comments[0]?.body).toContain('**no-lib** (dependency, error)');
    expect(github.comments[0]?.body).toContain('How to fix: import from core instead');
    expect(
      await handleGitHubEvent(client(), 'issue_comment', commentPayload('/wowvision explain no-lib', 'Bot'), state(), {
        lastAttempt: false,
      }),
    ).toMatchObject({ did: 'ignored' });
    expect(
      await handleGitHubEvent(client(), 'issue_comment', commentPayload('/wowvision recheck'), state(), {
        lastAttempt: false,
      }),
    ).toMatchObject({ did: 'reviewed', pull: 7 });
    expect(github.comments).toHaveLength(1);
    expect(github.violations).toEqual([]);
  });

  it('quotes what /wowvision explain was asked as inline code, so a stranger cannot make the App mention people or post links', async () => {
    const head = await pushBranch({ 'src/a.ts': 'export const a = 1;\n' });
    github.addRepo({ owner: 'acme', repo: 'shop', dir: repo.dir, pulls: [{ number: 7, head, base: 'main' }] });
    const ask = (body: string) =>
      handleGitHubEvent(
        client(),
        'issue_comment',
        payload('issue_comment', 'created', (p) => {
          Object.assign(p.issue as object, { number: 7, pull_request: { url: 'x' } });
          Object.assign(p.comment as object, { body });
        }),
        state(),
        { lastAttempt: false },
      );
    await ask('/wowvision explain @acme/everyone');
    await ask('/wowvision explain `@octocat`[login](https://evil.example/login)');
    await ask(`/wowvision explain ${'x'.repeat(500)}`);
    await ask('/wowvision explain a\u202Eb');
    const [mention, breakout, long, bidi] = github.comments.map((c) => c.body);
    expect(mention).toBe("There is no rule `@acme/everyone` in this repository's pack. Its rules: no-lib.");
    expect(breakout).toBe(
      "There is no rule `'@octocat'[login](https://evil.example/login)` in this repository's pack. Its rules: no-lib.",
    );
    expect(long).toBe(`There is no rule \`${'x'.repeat(80)}…\` in this repository's pack. Its rules: no-lib.`);
    expect(bidi).toBe("There is no rule `a\\u202Eb` in this repository's pack. Its rules: no-lib.");
    expect(github.violations).toEqual([]);
  });

  it('rechecks for the PR author or someone with triage or more, and refuses anyone else', async () => {
    const head = await pushBranch({ 'src/a.ts': 'export const a = 1;\n' });
    github.addRepo({
      owner: 'acme',
      repo: 'shop',
      dir: repo.dir,
      pulls: [{ number: 7, head, base: 'main', author: 'pat' }],
    });
    github.roles.set('tess', 'triage');
    github.roles.set('rita', 'read');
    const recheck = (login: string) =>
      handleGitHubEvent(
        client(),
        'issue_comment',
        payload('issue_comment', 'created', (p) => {
          Object.assign(p.issue as object, { number: 7, pull_request: { url: 'x' } });
          Object.assign(p.comment as object, { body: '/wowvision recheck' });
          p.sender = { ...(p.sender as object), login, type: 'User' };
        }),
        state(),
        { lastAttempt: false },
      );

    expect(await recheck('stranger')).toMatchObject({ did: 'refused', pull: 7 });
    expect(await recheck('rita')).toMatchObject({ did: 'refused', pull: 7 });
    expect(github.checkRuns).toEqual([]);
    expect(github.comments.map((c) => c.body)).toEqual([
      "Only the pull request's author or someone with the triage role or more on this repository " +
        'may ask for `/wowvision recheck`; nothing was rechecked. ' +
        'Every push to the pull request is reviewed anyway, or a maintainer can re-run the WowVision check.',
      "Only the pull request's author or someone with the triage role or more on this repository " +
        'may ask for `/wowvision recheck`; nothing was rechecked. ' +
        'Every push to the pull request is reviewed anyway, or a maintainer can re-run the WowVision check.',
    ]);
    expect(await recheck('tess')).toMatchObject({ did: 'reviewed', pull: 7 });
    // The author of a pull request from a fork has only `read`, and may still ask.
    expect(await recheck('pat')).toMatchObject({ did: 'reviewed', pull: 7 });
    expect(github.violations).toEqual([]);
  });
});

describe('WowVision pull request reviews (review.comments in the pack)', () => {
  it('comments inline only inside diff hunks, at most 30, the rest file-level; a re-run reposts nothing and resolves what is fixed', async () => {
    const reviewPack =
      `${pack}  - name: kebab\n    kind: naming\n` +
      '    severity: warning\n    scope: file\n    paths: src/**\n    file: kebab-case\nreview:\n  comments: true\n';
    const old = Array.from({ length: 20 }, (_, i) => `export const a${i} = ${i};`);
    await repo.write({ '.github/wowvision.yml': reviewPack, 'src/BigFile.ts': `${old.join('\n')}\n` });
    await repo.commit('review comments on');
    const imports = (n: number) =>
      Array.from({ length: n }, (_, i) => `import { x as x${i} } from '../lib/x.ts';`).join('\n') +
      '\nexport const many = 1;\n';
    const changedBig = `${[...old.slice(0, 19), "export { x as a19 } from '../lib/x.ts';"].join('\n')}\n`;
    const head = await pushBranch({ 'src/BigFile.ts': changedBig, 'src/many.ts': imports(35) });
    github.addRepo({
      owner: 'acme',
      repo: 'shop',
      dir: repo.dir,
      pulls: [{ number: 7, head: 'feature', base: 'main' }],
    });
    const shared = state();

    const first = await handleGitHubEvent(client(), 'pull_request', prPayload('opened', head), shared, {
      lastAttempt: false,
    });
    expect(github.violations).toEqual([]);
    expect(first).toMatchObject({
      did: 'reviewed',
      comments: { inline: 30, fileLevel: 7, inBody: 0, updated: 0, resolved: 0 },
    });
    expect(github.reviews).toEqual([expect.objectContaining({ pull: 7, event: 'COMMENT', comments: 30 })]);
    // BigFile.ts's name is on line 1, far from the hunk around line 20: never inline.
    const naming = github.reviewComments.find((c) => c.body.includes('**kebab**'));
    expect(naming).toMatchObject({ path: 'src/BigFile.ts', subject_type: 'file', line: undefined });
    expect(github.reviewComments.find((c) => c.path === 'src/BigFile.ts' && c.subject_type === 'line')).toMatchObject({
      line: 20,
    });
    expect(naming?.body).toMatch(/\n\n<!-- wowvision:[0-9a-f]{20} -->$/s);

    const fewer = await pushBranch({ 'src/BigFile.ts': changedBig, 'src/many.ts': imports(30) });
    const second = await handleGitHubEvent(client(), 'pull_request', prPayload('synchronize', fewer), shared, {
      lastAttempt: false,
    });
    expect(github.violations).toEqual([]);
    expect(second).toMatchObject({
      did: 'reviewed',
      comments: { inline: 0, fileLevel: 0, inBody: 0, updated: 0, resolved: 5 },
    });
    expect(github.reviews).toHaveLength(1);
    expect(github.reviewComments.filter((c) => c.resolved)).toHaveLength(5);
  });
});

describe('the GitHub double', () => {
  it("rejects requests that break GitHub's description or limits, so a passing test means a valid request", async () => {
    const octokit = client();
    await expect(
      octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        owner: 'a',
        repo: 'b',
        name: 'x',
        head_sha: 'abc',
        status: 'done' as 'completed',
      }),
    ).rejects.toMatchObject({ status: 422 });
    const annotations = Array.from({ length: 51 }, () => ({
      path: 'a',
      start_line: 1,
      end_line: 1,
      annotation_level: 'notice' as const,
      message: 'm',
    }));
    await expect(
      octokit.request('POST /repos/{owner}/{repo}/check-runs', {
        owner: 'a',
        repo: 'b',
        name: 'x',
        head_sha: 'abc',
        output: { title: 't', summary: 's', annotations },
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect(github.violations).toEqual([
      'POST /repos/{owner}/{repo}/check-runs: body/status must be equal to one of the allowed values',
      'POST /repos/{owner}/{repo}/check-runs: body/output/annotations must NOT have more than 50 items',
      'POST /repos/{owner}/{repo}/check-runs: No more than 50 items are allowed; 51 were supplied',
    ]);
  });
});
