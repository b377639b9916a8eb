import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isMap } from 'yaml';
import { readYaml } from '../yaml/read-yaml.ts';
import { createError } from '../errors/errors.ts';
import { manifestSchema, type AgentManifest } from './manifest-schema.ts';

export interface LoadedManifest {
  /** The agent's folder. */
  dir: string;
  /** The agent.yml path, as given in error messages. */
  file: string;
  manifest: AgentManifest;
}

/** "file:line:column field: problem" for every problem of every manifest, or the manifests. */
export async function loadManifests(agentsDir: string): Promise<LoadedManifest[]> {
  const folders = (await readdir(agentsDir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const loaded: LoadedManifest[] = [];
  const problems: string[] = [];
  for (const folder of folders) {
    const dir = join(agentsDir, folder);
    const path = join(dir, 'agent.yml');
    const text = await readFile(path, 'utf8').catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // Not an agent (e.g. the runtime itself).
      throw err;
    });
    if (text === undefined) continue;
    const file = relative(process.cwd(), path) || path;
    const result = parseManifest(text, file, folder);
    if ('manifest' in result) loaded.push({ dir, file, manifest: result.manifest });
    else problems.push(...result.problems);
  }
  if (problems.length > 0)
    throw createError('WOW_ERR_MANIFEST_INVALID', {
      summary: `${problems.length} problem(s) in agent manifests`,
      problems: '\n' + problems.map((p) => `  ${p}`).join('\n'),
    });
  return loaded;
}

/** Validates one agent.yml's text; `folder` is the folder name its id must equal. */
export function parseManifest(
  text: string,
  file: string,
  folder: string,
): { manifest: AgentManifest } | { problems: string[] } {
  const { doc, at, locate, keyOffset, errors } = readYaml(text, file);
  if (errors.length > 0) return { problems: errors };
  if (!isMap(doc.contents))
    return { problems: [`${file}:1:1 (root): expected a mapping of fields (id, name, version, …)`] };
  const parsed = manifestSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => ({
          offset: keyOffset([...issue.path, key]),
          text: `${[...issue.path, key].join('.')}: unknown field; the fields are ${Object.keys(manifestSchema.shape).join(', ')}`,
        }));
      }
      const { offset, path } = locate(issue.path);
      return [{ offset, text: `${path || '(root)'}: ${issue.message}` }];
    });
    return { problems: problems.sort((a, b) => a.offset - b.offset).map((p) => `${at(p.offset)} ${p.text}`) };
  }
  if (parsed.data.id !== folder) {
    const { offset } = locate(['id']);
    return { problems: [`${at(offset)} id: expected "${folder}", the folder's name; got "${parsed.data.id}"`] };
  }
  return { manifest: parsed.data };
}
