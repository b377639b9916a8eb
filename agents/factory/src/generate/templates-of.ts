import type { RepoSnapshot } from '../../../wowvision/src/index.ts';
import { parseTemplate, type AgentTemplate } from './agent-template.ts';

const templateMeta = /^templates\/agents\/([a-z][a-z0-9-]*)\/template\.yml$/;

/**
 * The agent templates a repository's snapshot holds (`templates/agents/<name>/`), as
 * loadTemplates reads them from a folder; none when it has no templates of its own.
 */
export async function templatesOf(repo: RepoSnapshot): Promise<AgentTemplate[]> {
  const templates: AgentTemplate[] = [];
  for (const path of [...repo.blobs.keys()].sort()) {
    const name = templateMeta.exec(path)?.[1];
    if (name === undefined) continue;
    const prefix = `templates/agents/${name}/files/`;
    const files = new Map<string, string>();
    for (const file of repo.blobs.keys())
      if (file.startsWith(prefix)) files.set(file.slice(prefix.length), await repo.read(file));
    templates.push(parseTemplate(path, await repo.read(path), files));
  }
  return templates;
}
