import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { createError } from '#platform';
import type { Article } from './knowledge-base.ts';

const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

/** Markdown articles with `title` and `intent` in front matter; the slug is the file name. */
export async function loadArticles(dir: string): Promise<Article[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.md')).sort();
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(join(dir, file), 'utf8');
      const match = frontMatter.exec(text);
      const meta = match === null ? undefined : (parse(match[1] ?? '') as { title?: unknown; intent?: unknown } | null);
      if (match === null || typeof meta?.title !== 'string' || typeof meta.intent !== 'string') {
        throw createError('WOW_ERR_KB_ARTICLE', [
          join(dir, file),
          'it must start with front matter giving its title and intent:\n---\ntitle: Reset your API key\nintent: how-to\n---',
        ]);
      }
      return { slug: basename(file, '.md'), title: meta.title, intent: meta.intent, body: (match[2] ?? '').trim() };
    }),
  );
}
