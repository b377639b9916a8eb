import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isWowError, type Store } from '#platform';
import { storeBackends } from '../../../test/support/test-stores.ts';
import { importArticles, importLimits, searchArticles, upsertArticle } from '../src/index.ts';

const article = (slug: string | undefined, title: string, intent: string, body: string) =>
  `---\n${slug === undefined ? '' : `slug: ${slug}\n`}title: ${title}\nintent: ${intent}\n---\n${body}\n`;

const rotate = article(
  'rotate-api-key',
  'Rotate an API key',
  'how-to',
  'Open Settings, then API keys, and press Rotate.',
);
const limits = article('rate-limits', 'Rate limits', 'how-to', 'Each customer may send 120 requests a minute.');
const trial = article('trial-length', 'How long a trial lasts', 'billing-question', 'A trial lasts seven days.');

/** A folder of articles: file name → text (or bytes). */
async function folder(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wow-kb-import-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

async function failure(work: Promise<unknown>): Promise<Error> {
  const err: unknown = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof Error)) throw new Error('expected the import to fail');
  return err;
}

describe.each(storeBackends('kb_import'))('wow kb import on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  const dirs: string[] = [];
  const track = async (files: Record<string, string | Buffer>) => {
    const dir = await folder(files);
    dirs.push(dir);
    return dir;
  };
  const slugs = async () =>
    (await store.query<{ slug: string }>('select slug from kb_articles order by slug')).rows.map((r) => r.slug);

  beforeAll(async () => {
    ({ store, close } = await backend.open());
  });
  afterAll(async () => {
    await close();
  });
  beforeEach(async () => {
    await store.query('delete from kb_articles');
  });
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('adds, then finds nothing to do, then reports what changed, what was added and what it removed', async () => {
    const dir = await track({ 'rotate-api-key.md': rotate, 'limits/rate-limits.md': limits, 'README.md': '# Notes' });
    const first = await importArticles(store, dir);
    expect(first).toEqual({
      source: await realpath(dir),
      dryRun: false,
      added: [
        { slug: 'rate-limits', title: 'Rate limits', file: 'limits/rate-limits.md' },
        { slug: 'rotate-api-key', title: 'Rotate an API key', file: 'rotate-api-key.md' },
      ],
      changed: [],
      removed: [],
      unchanged: 0,
    });
    expect((await searchArticles(store, 'How do I rotate my API key?'))[0]?.slug).toBe('rotate-api-key');

    const stamp = async () =>
      (await store.query<{ t: string }>("select updated_at::text as t from kb_articles where slug = 'rotate-api-key'"))
        .rows[0]?.t;
    const before = await stamp();
    expect(await importArticles(store, dir)).toMatchObject({ added: [], changed: [], removed: [], unchanged: 2 });
    expect(await stamp()).toBe(before);

    await writeFile(join(dir, 'rotate-api-key.md'), rotate.replace('press Rotate', 'press Rotate key'));
    await rm(join(dir, 'limits'), { recursive: true });
    await writeFile(join(dir, 'trial.md'), trial);
    expect(await importArticles(store, dir)).toMatchObject({
      added: [{ slug: 'trial-length', title: 'How long a trial lasts', file: 'trial.md' }],
      changed: [{ slug: 'rotate-api-key', title: 'Rotate an API key', file: 'rotate-api-key.md', fields: ['body'] }],
      removed: [{ slug: 'rate-limits', title: 'Rate limits', file: 'limits/rate-limits.md' }],
      unchanged: 0,
    });
    expect(await slugs()).toEqual(['rotate-api-key', 'trial-length']);
    expect(await searchArticles(store, 'rate limits requests a minute')).toEqual([]);
  });

  it('says what it would do with --dry-run, and writes nothing', async () => {
    const dir = await track({ 'rotate-api-key.md': rotate });
    await importArticles(store, dir);
    await writeFile(join(dir, 'rotate-api-key.md'), rotate.replace('Rotate an API key', 'Rotate your API key'));
    await writeFile(join(dir, 'rate-limits.md'), limits);
    const planned = await importArticles(store, dir, { dryRun: true });
    expect(planned).toMatchObject({
      dryRun: true,
      added: [{ slug: 'rate-limits' }],
      changed: [{ slug: 'rotate-api-key', title: 'Rotate your API key', fields: ['title'] }],
      removed: [],
    });
    expect(await slugs()).toEqual(['rotate-api-key']);
    expect(
      (await store.query<{ title: string }>("select title from kb_articles where slug = 'rotate-api-key'")).rows,
    ).toEqual([{ title: 'Rotate an API key' }]);
  });

  it('takes over an article of another source or written by other means, and says so; removes only its own', async () => {
    await upsertArticle(store, {
      slug: 'trial-length',
      title: 'Trials',
      intent: 'billing-question',
      body: 'Old text.',
    });
    const a = await track({ 'rotate-api-key.md': rotate, 'trial.md': trial });
    const b = await track({ 'rotate.md': rotate });
    expect((await importArticles(store, a)).changed).toEqual([
      {
        slug: 'trial-length',
        title: 'How long a trial lasts',
        file: 'trial.md',
        fields: ['title', 'body', 'source'],
      },
    ]);
    const taken = await importArticles(store, b, { source: 'help-centre' });
    expect(taken.source).toBe('help-centre');
    expect(taken.changed).toEqual([
      {
        slug: 'rotate-api-key',
        title: 'Rotate an API key',
        file: 'rotate.md',
        fields: ['source'],
        previousSource: await realpath(a),
      },
    ]);
    // Source a no longer holds rotate-api-key's record: emptied of it, a removes only its own.
    await rm(join(a, 'rotate-api-key.md'));
    expect(await importArticles(store, a)).toMatchObject({ removed: [], unchanged: 1 });
    expect(await slugs()).toEqual(['rotate-api-key', 'trial-length']);
  });

  it('imports one file as its own source, its slug from its name when the front matter gives none', async () => {
    const dir = await track({ 'rate-limits.md': article(undefined, 'Rate limits', 'how-to', 'A minute holds 120.') });
    const report = await importArticles(store, join(dir, 'rate-limits.md'));
    expect(report).toMatchObject({
      source: join(await realpath(dir), 'rate-limits.md'),
      added: [{ slug: 'rate-limits', file: 'rate-limits.md' }],
    });
  });

  it('refuses invalid articles all at once, naming each file and what to fix, and writes nothing', async () => {
    const dir = await track({
      'good.md': rotate,
      'no-front-matter.md': 'Just some text.',
      'copy.md': rotate,
      'huge.md': article('huge', 'Huge', 'how-to', 'x'.repeat(importLimits.fileBytes)),
      'latin1.md': Buffer.concat([
        Buffer.from(article('latin', 'Caf', 'how-to', 'line one\nline two ')),
        Buffer.from([0xe9, 0x0a]),
      ]),
      'hidden.md': article('hidden', 'Hidden', 'how-to', 'Safe text.\nPay \u202Eevil\u202C here.'),
      'fields.md': '---\ntitle: Two words\ntags: [a]\nintent: How To\n---\nBody.\n',
      'Bad Name.md': article(undefined, 'Bad name', 'how-to', 'Body.'),
    });
    const err = await failure(importArticles(store, dir));
    expect(isWowError(err, 'WOW_ERR_KB_ARTICLE')).toBe(true);
    const lines = err.message.split('\n');
    expect(lines[0]).toBe(
      `Knowledge-base articles in ${await realpath(dir)} are invalid, so nothing was imported. Fix each file named:`,
    );
    const about = (file: string) => lines.filter((l) => l.startsWith(`  ${file}: `)).join('\n');
    expect(about('no-front-matter.md')).toContain('it has no front matter');
    expect(err.message).toContain('slug: reset-api-key\n    title: Reset your API key');
    expect(about('good.md')).toContain('its slug "rotate-api-key" is also copy.md\'s');
    expect(about('huge.md')).toMatch(/it is 257 KiB, over the 256 KiB an article may be/);
    expect(about('latin1.md')).toBe(
      '  latin1.md: it is not UTF-8 text (line 8 has a byte that is not); save it as UTF-8',
    );
    expect(about('hidden.md')).toContain('line 7 holds U+202E (RIGHT-TO-LEFT OVERRIDE), a direction control');
    expect(about('fields.md')).toContain('"tags", which is not one of slug, title, intent');
    expect(about('fields.md')).toContain('its intent "How To" must be lowercase letters');
    expect(about('Bad Name.md')).toContain('its file name "Bad Name" is not a slug');
    expect(await slugs()).toEqual([]);
  });

  it('refuses a path that holds no articles, saying why', async () => {
    const empty = await track({ 'README.md': '# Nothing here', '.hidden.md': rotate, 'notes.txt': 'x' });
    const none = await failure(importArticles(store, empty));
    expect(isWowError(none, 'WOW_ERR_KB_SOURCE')).toBe(true);
    expect(none.message).toContain('it holds no Markdown articles');
    const missing = await failure(importArticles(store, join(empty, 'nowhere')));
    expect(isWowError(missing, 'WOW_ERR_KB_SOURCE')).toBe(true);
    expect(missing.message).toContain('it cannot be read (ENOENT)');
    const text = await failure(importArticles(store, join(empty, 'notes.txt')));
    expect(text.message).toContain('it is neither a folder nor a Markdown file (*.md)');
  });

  it('reads a link to a file as that file and leaves links to folders alone', async () => {
    const outside = await track({ 'rotate.md': rotate, 'more/trial.md': trial });
    const dir = await track({ 'rate-limits.md': limits });
    await symlink(join(outside, 'rotate.md'), join(dir, 'rotate.md'));
    await symlink(join(outside, 'more'), join(dir, 'more'));
    expect((await importArticles(store, dir)).added.map((a) => a.file)).toEqual(['rate-limits.md', 'rotate.md']);
  });
});
