import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { hiddenCharacterPattern } from '#platform';
import { hostileTexts } from '../../../test/fixtures/hostile/corpus.ts';
import { startAppHarness, type AppHarness } from './support/app-harness.ts';

// Every hostile character in this file is written as an escape, so the file itself passes the gate.
let h: AppHarness | undefined;
afterEach(async () => h?.dispose());

const anyHidden = hiddenCharacterPattern(undefined, '\n');

/** Every string the check run shows: its title, summary and each annotation's texts. */
function shown(run: AppHarness['github']['checkRuns'][number] | undefined): string[] {
  const annotations = (run?.annotations ?? []) as { message: string; title: string; path: string }[];
  return [run?.output.title ?? '', run?.output.summary ?? '', ...annotations.flatMap((a) => [a.message, a.title])];
}

describe('WowVision App: what a pull request hides from the tarball or the files list', () => {
  it('reads by blob SHA a changed file the head hides from its tarball with export-ignore: a bidi override in it fails the check', async () => {
    h = await startAppHarness({ 'src/ok.ts': 'export const ok = 1;\n' });
    // GitHub builds the tarball with git archive, which honours the head's own .gitattributes.
    const head = await h.pushBranch({
      '.gitattributes': '.gitattributes export-ignore\nsrc/evil.ts export-ignore\n',
      'src/evil.ts': "export const role = 'user\u202E // admin';\n",
    });
    h.github.addRepo({ owner: 'acme', repo: 'shop', dir: h.repo.dir, pulls: [{ number: 7, head, base: 'main' }] });

    const outcome = await h.open(head);

    expect(h.github.violations).toEqual([]);
    expect(outcome).toMatchObject({ did: 'reviewed', review: { conclusion: 'failure' } });
    const evilBlob = (await h.repo.git('rev-parse', `${head}:src/evil.ts`)).trim();
    expect(h.github.callsTo('GET /repos/{owner}/{repo}/git/blobs/{file_sha}').map((c) => c.params.file_sha)).toContain(
      evilBlob,
    );
    expect(h.github.checkRuns).toMatchObject([{ head_sha: head, status: 'completed', conclusion: 'failure' }]);
    expect(h.github.checkRuns[0]?.annotations).toContainEqual(
      expect.objectContaining({
        path: 'src/evil.ts',
        start_line: 1,
        message: expect.stringMatching(/^U\+202E RIGHT-TO-LEFT OVERRIDE, a bidirectional control/) as unknown,
      }),
    );
  });

  it('fails the check, reviewing nothing, naming a changed file it cannot read by its blob SHA or one over the file cap', async () => {
    h = await startAppHarness({ 'src/ok.ts': 'export const ok = 1;\n' });
    // A gitlink (a submodule) is in no tarball, and its SHA names a commit, which the blob API does not serve.
    await h.repo.git('checkout', '-q', '-B', 'feature', 'main');
    const commit = (await h.repo.git('rev-parse', 'HEAD')).trim();
    await h.repo.git('update-index', '--add', '--cacheinfo', `160000,${commit},vendor/lib`);
    await h.repo.git('commit', '-q', '-m', 'a submodule');
    const gitlink = (await h.repo.git('rev-parse', 'HEAD')).trim();
    await h.repo.git('checkout', '-q', '-f', 'main');
    const big = await h.pushBranch(
      { '.gitattributes': 'assets/** export-ignore\n', 'assets/noise.txt': randomBytes(3000).toString('base64') },
      { branch: 'big' },
    );
    h.github.addRepo({
      owner: 'acme',
      repo: 'shop',
      dir: h.repo.dir,
      pulls: [
        { number: 7, head: gitlink, base: 'main' },
        { number: 8, head: big, base: 'main' },
      ],
    });
    const state = { ...h.state(), limits: { maxBytes: 1024 ** 2, maxFiles: 1000, maxFileBytes: 2048 } };

    expect(await h.open(gitlink, { state })).toMatchObject({
      did: 'reviewed',
      review: { conclusion: 'failure', findings: [] },
    });
    expect(await h.open(big, { state, number: 8 })).toMatchObject({
      did: 'reviewed',
      review: { conclusion: 'failure', findings: [] },
    });

    expect(h.github.violations).toEqual([]);
    const [unread, tooLarge] = h.github.checkRuns;
    expect(unread).toMatchObject({
      conclusion: 'failure',
      output: { title: 'Not reviewed: 1 changed file could not be read' },
    });
    expect(unread?.output.summary).toBe(
      '**WowVision reviewed nothing, so this check fails:** it could not read 1 file this pull request changes: ' +
        'it is not in the tarball GitHub serves for the head commit ' +
        "(a path the head's `.gitattributes` marks `export-ignore`, or a submodule), " +
        "and GitHub's blob API did not serve it by its SHA.\n\n" +
        '- `vendor/lib`: GitHub answered 404\n\n' +
        'Comment `/wowvision recheck` to try again. A submodule cannot be read here: ' +
        'review such a change with the WowVision Action or `wow review`, which read a checkout.',
    );
    expect(tooLarge).toMatchObject({
      conclusion: 'failure',
      output: { title: 'Not reviewed: over a size cap (WOWVISION_FILE_MAX_BYTES)' },
    });
    expect(tooLarge?.output.summary).toBe(
      '**WowVision reviewed nothing, so this check fails:** `assets/noise.txt` is larger than 2,048 bytes (2 KiB), ' +
        'the cap WOWVISION_FILE_MAX_BYTES of this WowVision server. Its operator can raise WOWVISION_FILE_MAX_BYTES; ' +
        'the WowVision Action and `wow review` read a checkout and have no such cap.',
    );
  });

  it('fails the check, reviewing nothing, when GitHub lists fewer files than the pull request changes (its files API stops at 3,000)', async () => {
    h = await startAppHarness({ 'src/ok.ts': 'export const ok = 1;\n' });
    const many = Object.fromEntries(
      Array.from({ length: 3000 }, (_, i) => [`gen/f${i}.ts`, `export const f${i} = ${i};\n`]),
    );
    // GitHub lists files by path: the one past the listing's end would fail the gate, if anything read it.
    const head = await h.pushBranch({ ...many, 'gen/zz-last.ts': 'export const last = "\u202E";\n' });
    h.github.addRepo({ owner: 'acme', repo: 'shop', dir: h.repo.dir, pulls: [{ number: 7, head, base: 'main' }] });

    const outcome = await h.open(head);

    expect(h.github.violations).toEqual([]);
    expect(outcome).toMatchObject({ did: 'reviewed', review: { conclusion: 'failure', findings: [] } });
    expect(h.github.checkRuns[0]).toMatchObject({
      conclusion: 'failure',
      output: { title: 'Not reviewed: GitHub listed 3,000 of the 3,001 changed files' },
    });
    expect(h.github.checkRuns[0]?.output.summary).toBe(
      "**WowVision reviewed nothing, so this check fails:** GitHub's files API lists at most 3,000 files " +
        'of a pull request, and this one changes 3,001, so WowVision cannot see them all. ' +
        'Split the change into smaller pull requests, ' +
        'or review it with the WowVision Action or `wow review`, which read a checkout.',
    );
  }, 60_000);
});

describe('WowVision App: the hostile-input corpus', () => {
  it('fails a pull request adding the corpus, naming each hidden character by code point and never showing it; SQL, HTML and mentions pass', async () => {
    h = await startAppHarness({ 'README.md': '# shop\n' });
    const pathOf = (i: number) => `corpus/item-${String(i).padStart(2, '0')}.txt`;
    const head = await h.pushBranch(Object.fromEntries(hostileTexts.map((t, i) => [pathOf(i), `${t.text}\n`])));
    h.github.addRepo({ owner: 'acme', repo: 'shop', dir: h.repo.dir, pulls: [{ number: 7, head, base: 'main' }] });

    await h.open(head);

    expect(h.github.violations).toEqual([]);
    const run = h.github.checkRuns[0];
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const annotations = (run?.annotations ?? []) as { path: string; message: string; title: string }[];
    for (const [i, item] of hostileTexts.entries()) {
      const on = annotations.filter((a) => a.path === pathOf(i));
      if (item.legitimate) expect(on, item.name).toEqual([]);
      else {
        expect(on.length, item.name).toBeGreaterThan(0);
        for (const a of on) {
          expect(a.title, item.name).toBe('no-hidden-characters (WowVision)');
          expect(a.message, item.name).toMatch(/^U\+[0-9A-F]{4,6} [A-Z]/);
        }
      }
    }
    for (const text of shown(run)) expect(text).not.toMatch(anyHidden);
  });
});
