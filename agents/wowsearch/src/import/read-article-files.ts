import { isUtf8 } from 'node:buffer';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { escapeHiddenCharacters, hiddenCharacterPattern } from '#platform';
import { createError } from '../errors.ts';
import type { Article } from '../articles/article.ts';
import { parseArticle } from './parse-article.ts';

// Paths are quoted in errors as they are, but a control or hidden character in a file's
// name is written as its escape: the message lands on a terminal.
const shown = (path: string) => escapeHiddenCharacters(path, hiddenCharacterPattern());

/** Bounds on what one import reads: a help-centre article is a few kilobytes. */
export const importLimits = {
  fileBytes: 256 * 1024,
  files: 10_000,
  totalBytes: 64 * 1024 * 1024,
} as const;

/** An article and the file it came from (relative to the source, `/`-separated). */
export interface ArticleFile {
  file: string;
  article: Article;
}

export interface ArticleSource {
  /** The folder or file given, as its real path: what the articles imported from it are recorded under. */
  path: string;
  files: ArticleFile[];
}

/**
 * The Markdown articles at `path`: one `.md` file, or every `.md` file in a folder and its
 * sub-folders (but README.md, which describes a folder, and anything whose name starts
 * with a dot; links to folders are not followed). Every file is checked before anything
 * is returned: each problem names its file and what to fix (WOW_ERR_KB_ARTICLE), and a
 * path that holds no articles is WOW_ERR_KB_SOURCE.
 */
export async function readArticleFiles(path: string): Promise<ArticleSource> {
  const root = await realpath(path).catch((err: unknown) => {
    throw createError('WOW_ERR_KB_SOURCE', {
      path: shown(path),
      reason: `it cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    });
  });
  const top = await stat(root);
  const listed = top.isDirectory() ? await listMarkdown(root) : top.isFile() && isMarkdown(root) ? [root] : undefined;
  if (listed === undefined)
    throw createError('WOW_ERR_KB_SOURCE', {
      path: shown(path),
      reason: 'it is neither a folder nor a Markdown file (*.md)',
    });
  if (listed.length === 0)
    throw createError('WOW_ERR_KB_SOURCE', {
      path: shown(path),
      reason: 'it holds no Markdown articles (*.md files other than README.md)',
    });
  if (listed.length > importLimits.files)
    throw createError('WOW_ERR_KB_SOURCE', {
      path: shown(path),
      reason: `it holds ${listed.length} Markdown files, more than ${importLimits.files}; import its sub-folders one by one`,
    });

  const problems: string[] = [];
  const files: ArticleFile[] = [];
  const bySlug = new Map<string, string>();
  let total = 0;
  for (const full of listed.sort()) {
    const file = top.isDirectory() ? relative(root, full).split(sep).join('/') : basename(full);
    const named = shown(file);
    const size = (await stat(full)).size;
    if (size > importLimits.fileBytes) {
      problems.push(
        `${named}: it is ${kib(size)}, over the ${kib(importLimits.fileBytes)} an article may be; split it into articles of one question each`,
      );
      continue;
    }
    total += size;
    if (total > importLimits.totalBytes)
      throw createError('WOW_ERR_KB_SOURCE', {
        path: shown(path),
        reason: `its articles are over ${kib(importLimits.totalBytes)} in all; import its sub-folders one by one`,
      });
    const bytes = await readFile(full);
    if (!isUtf8(bytes)) {
      problems.push(`${named}: ${notUtf8(bytes)}`);
      continue;
    }
    const parsed = parseArticle(bytes.toString('utf8').replace(/^\uFEFF/, ''), basename(full).replace(/\.md$/i, ''));
    if ('problems' in parsed) {
      problems.push(...parsed.problems.map((p) => `${named}: ${p}`));
      continue;
    }
    const taken = bySlug.get(parsed.article.slug);
    if (taken !== undefined) {
      problems.push(
        `${named}: its slug "${parsed.article.slug}" is also ${shown(taken)}'s; give one of them another slug in its front matter`,
      );
      continue;
    }
    bySlug.set(parsed.article.slug, file);
    files.push({ file, article: parsed.article });
  }
  if (problems.length > 0)
    throw createError('WOW_ERR_KB_ARTICLE', {
      path: shown(root),
      problems: problems.map((p) => `  ${p.replace(/\n/g, '\n    ')}`).join('\n'),
    });
  return { path: root, files };
}

const isMarkdown = (name: string) => /\.md$/i.test(name);

async function listMarkdown(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listMarkdown(full)));
    else if (isMarkdown(entry.name) && entry.name.toLowerCase() !== 'readme.md') {
      // A link to a file is read as that file; a link to a folder is left, so no loop is walked.
      if (entry.isFile() || (entry.isSymbolicLink() && (await stat(full)).isFile())) found.push(full);
    }
  }
  return found;
}

const kib = (bytes: number) => `${Math.ceil(bytes / 1024).toLocaleString('en')} KiB`;

/** Where the first byte that is not UTF-8 is, as a line an editor shows. */
function notUtf8(bytes: Buffer): string {
  const text = new TextDecoder('utf-8').decode(bytes);
  const at = text.indexOf('\uFFFD');
  const line = text.slice(0, Math.max(0, at)).split('\n').length;
  return `it is not UTF-8 text (line ${line} has a byte that is not); save it as UTF-8`;
}
