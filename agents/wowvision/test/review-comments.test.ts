import { afterEach, describe, expect, it } from 'vitest';
import { startAppHarness, type AppHarness } from './support/app-harness.ts';

let h: AppHarness | undefined;
afterEach(async () => h?.dispose());

const pack = [
  'rules:',
  '  - name: kebab',
  '    kind: naming',
  '    severity: warning',
  '    paths: src/**',
  '    file: kebab-case',
  'review:',
  '  comments: true',
  '',
].join('\n');

/** A comment's Markdown outside its code spans and the App's marker: what GitHub renders as mentions, links, images and HTML. */
function outsideCode(markdown: string): string {
  return markdown.replace(/`[^`\n]*`/g, '').replace(/<!-- wowvision:[0-9a-f]{20} -->/, '');
}

describe('WowVision review comments', () => {
  it('shows text from the head (file names, finding messages) as inline code: no mention, link, image or HTML from a pull request', async () => {
    h = await startAppHarness({ '.github/wowvision.yml': pack, 'src/ok.ts': 'export const ok = 1;\n' });
    const names = [
      '@everyone',
      '[log in](https:evil.example)',
      '![pixel](https:evil.example)',
      '<img src=x onerror=alert(1)>',
      '`@admins` #1',
    ];
    const head = await h.pushBranch(Object.fromEntries(names.map((n) => [`src/${n}.ts`, 'export {};\n'])));
    h.github.addRepo({ owner: 'acme', repo: 'shop', dir: h.repo.dir, pulls: [{ number: 7, head, base: 'main' }] });

    expect(await h.open(head)).toMatchObject({ did: 'reviewed', comments: { inline: 5 } });

    expect(h.github.violations).toEqual([]);
    const bodies = [...h.github.reviewComments.map((c) => c.body), ...h.github.reviews.map((r) => r.body)];
    for (const body of bodies) expect(outsideCode(body)).not.toMatch(/[@#<>!]|\]\(/);
    const everyone = h.github.reviewComments.find((c) => c.path === 'src/@everyone.ts');
    expect(everyone?.body).toMatch(/^⚠️ \*\*kebab\*\*: `file name "@everyone" is not kebab-case`\n/);
    const breakout = h.github.reviewComments.find((c) => c.path === 'src/`@admins` #1.ts');
    expect(breakout?.body).toMatch(/^⚠️ \*\*kebab\*\*: `file name "'@admins' #1" is not kebab-case`\n/);
    // The check run's summary lists the same findings the same way.
    expect(outsideCode(h.github.checkRuns[0]?.output.summary ?? '')).not.toMatch(/[@<>!]|\]\(/);
  });

  it("adopts a review comment by its marker only when the App wrote it: a stranger's copy is not edited, counted as posted or resolved", async () => {
    h = await startAppHarness({ '.github/wowvision.yml': pack, 'src/ok.ts': 'export const ok = 1;\n' });
    const head = await h.pushBranch({ 'src/BadName.ts': 'export {};\n' });
    const other = await h.pushBranch(
      { 'src/BadName.ts': 'export {};\n', 'src/other.ts': 'export {};\n' },
      { branch: 'other' },
    );
    h.github.addRepo({
      owner: 'acme',
      repo: 'shop',
      dir: h.repo.dir,
      pulls: [
        { number: 7, head, base: 'main' },
        { number: 8, head: other, base: 'main' },
      ],
    });
    // The App's own comment on pull request 7 shows the finding's marker to anyone.
    await h.open(head);
    const marker = /<!-- wowvision:[0-9a-f]{20} -->/.exec(h.github.reviewComments[0]?.body ?? '')?.[0] ?? '';
    expect(marker).not.toBe('');
    const stranger = (id: number, body: string) => ({
      id,
      pull: 8,
      user: 'mallory',
      path: 'src/BadName.ts',
      line: 1,
      subject_type: 'line' as const,
      body,
      resolved: false,
    });
    h.github.reviewComments.push(
      stranger(9001, `Nothing to see here. ${marker}`),
      stranger(9002, 'An old finding <!-- wowvision:0123456789abcdef0123 -->'),
    );

    const outcome = await h.open(other, { number: 8 });

    expect(h.github.violations).toEqual([]);
    expect(outcome).toMatchObject({
      did: 'reviewed',
      comments: { inline: 1, fileLevel: 0, inBody: 0, updated: 0, resolved: 0 },
    });
    expect(h.github.reviewComments.filter((c) => c.user === 'mallory')).toEqual([
      expect.objectContaining({ id: 9001, body: `Nothing to see here. ${marker}`, resolved: false }),
      expect.objectContaining({ id: 9002, resolved: false }),
    ]);
    expect(h.github.callsTo('PATCH /repos/{owner}/{repo}/pulls/comments/{comment_id}')).toEqual([]);
  });
});
