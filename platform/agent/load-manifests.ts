import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseYamlWith } from '../yaml/parse-yaml-with.ts';
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
  const parsed = parseYamlWith(manifestSchema, text, file);
  if ('problems' in parsed) return parsed;
  if (parsed.value.id !== folder) {
    const { offset } = parsed.yaml.locate(['id']);
    return {
      problems: [`${parsed.yaml.at(offset)} id: expected "${folder}", the folder's name; got "${parsed.value.id}"`],
    };
  }
  return { manifest: parsed.value };
}
