import { join, relative } from 'node:path';
import { runGit } from '#platform';
import { createError } from '../errors.ts';
import { loadTemplate, parseTemplate, type AgentTemplate } from './agent-template.ts';

/**
 * The template `name` as it was at `version`: the folder itself when it is at that
 * version, otherwise the newest commit of its git history whose template.yml says so
 * (copier reads a template's old tags the same way).
 */
export async function templateAtVersion(templatesDir: string, name: string, version: number): Promise<AgentTemplate> {
  const folder = join(templatesDir, name);
  const current = await loadTemplate(folder).catch(() => undefined);
  if (current?.version === version) return current;
  const top = (await runGit(templatesDir, ['rev-parse', '--show-toplevel']).catch(() => '')).trim();
  if (top === '')
    throw createError('WOW_ERR_FACTORY_HISTORY', {
      template: name,
      version,
      // Not the folder's path: the message can land in an issue comment, and a server's paths are not the requester's business.
      reason: 'the templates folder is not in a git repository',
    });
  const path = relative(top, folder).split('\\').join('/');
  const commits = (await runGit(top, ['log', '--format=%H', '--', `${path}/template.yml`])).split('\n').filter(Boolean);
  for (const commit of commits) {
    const meta = await runGit(top, ['show', `${commit}:${path}/template.yml`]).catch(() => undefined);
    if (meta === undefined || !new RegExp(`^version:\\s*${version}\\s*$`, 'm').test(meta)) continue;
    const files = new Map<string, string>();
    for (const file of (await runGit(top, ['ls-tree', '-r', '-z', '--name-only', commit, '--', `${path}/files/`]))
      .split('\0')
      .filter(Boolean)) {
      files.set(file.slice(`${path}/files/`.length), await runGit(top, ['show', `${commit}:${file}`]));
    }
    return parseTemplate(`${path}/template.yml at ${commit.slice(0, 12)}`, meta, files);
  }
  throw createError('WOW_ERR_FACTORY_HISTORY', {
    template: name,
    version,
    reason:
      commits.length === 0 ? 'the template has no history' : `none of its ${commits.length} commits has that version`,
  });
}

/** The newest committed text of `path` that `matches` accepts (the answers as last rendered, before a hand edit). */
export async function answersAtDigest(
  root: string,
  path: string,
  matches: (text: string) => boolean,
): Promise<string | undefined> {
  const commits = (await runGit(root, ['log', '--format=%H', '--', path]).catch(() => '')).split('\n').filter(Boolean);
  for (const commit of commits) {
    const text = await runGit(root, ['show', `${commit}:${path}`]).catch(() => undefined);
    if (text !== undefined && matches(text)) return text;
  }
  return undefined;
}
