import { posix } from 'node:path';
import { z } from 'zod';
import { defineKind, type Hit } from './rule-kind.ts';
import { compilePattern, withCaptures } from './support/path-pattern.ts';
import { fileSpec, matchFile } from './support/path-spec.ts';

/**
 * Files that must exist beside others. `for` names folders ("agents/(*)/": each agent
 * folder must hold `require`, relative to it) or files ("agents/(*)/src/**\/*.ts": each
 * needs `require`, repository-relative, where {dir} is the file's folder, {name} its name
 * without extensions and $1… the captures). `when: added` asks only of what the change adds.
 */
export const requiredFiles = defineKind({
  name: 'required-files',
  summary: 'Files that must accompany a folder or a module (manifest, README, tests).',
  defaultScope: 'file',
  options: z.strictObject({
    for: fileSpec,
    require: z.array(z.string().min(1)).min(1),
    when: z.enum(['always', 'added']).default('always'),
  }),
  checkRepo(options, view) {
    const folderMode = options.for.path.every((p) => view.pattern(p).endsWith('/'));
    const hits: Hit[] = [];
    const missing = (glob: string) => {
      const pattern = compilePattern(glob);
      return !view.files.some((f) => pattern.match(f) !== undefined);
    };
    if (!folderMode) {
      for (const path of view.targets) {
        if (options.when === 'added' && view.changes.get(path)?.status !== 'added') continue;
        const captures = matchFile(options.for, path, view);
        if (captures === undefined) continue;
        const name = posix.basename(path).replace(/\..*$/, '');
        for (const required of options.require) {
          const glob = withCaptures(required, captures)
            .replaceAll('{dir}', posix.dirname(path))
            .replaceAll('{name}', name);
          if (missing(glob))
            hits.push({ path, line: 1, column: 1, message: `${path} has no ${glob}`, key: `${path} needs ${glob}` });
        }
      }
      return hits;
    }
    // Folders are those of the files; each is judged where the change touches it.
    const folders = new Map<string, string[]>();
    for (const path of view.files) {
      for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) {
        const folder = path.slice(0, at + 1);
        if (matchFile(options.for, folder, view) === undefined) continue;
        folders.set(folder, [...(folders.get(folder) ?? []), path]);
      }
    }
    const targets = new Set(view.targets);
    for (const [folder, files] of folders) {
      const anchor = files.find((f) => view.changes.has(f) && targets.has(f)) ?? files.find((f) => targets.has(f));
      if (anchor === undefined) continue;
      if (options.when === 'added' && !files.every((f) => view.changes.get(f)?.status === 'added')) continue;
      const captures = matchFile(options.for, folder, view) ?? [];
      for (const required of options.require) {
        const glob = folder + withCaptures(required, captures);
        if (missing(glob))
          hits.push({
            path: anchor,
            line: 1,
            column: 1,
            message: `${folder} has no ${withCaptures(required, captures)}`,
            key: `${folder} needs ${required}`,
          });
      }
    }
    return hits;
  },
});
