import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { loadManifests } from '../agent/load-manifests.ts';
import { loadDomains } from './load-domains.ts';
import { modelCovers, readDomainModels, type LoadedDomainModel } from './load-domain-models.ts';
import { renderDomainDocs } from './render-domain-docs.ts';

export interface DomainModelsCheck {
  models: { name: string; file: string; entities: number; valueObjects: number; events: number; terms: number }[];
  /** Models that do not load, "file:line:column path: problem". */
  problems: string[];
  /** Types agents (emits, wakesOn) and domains (emits) declare that no model describes. */
  undescribed: { by: string; field: 'emits' | 'wakesOn'; type: string }[];
  /** `docs/domains/<name>.md` files that differ from their model's rendering (`wow domain docs` writes them). */
  staleDocs: string[];
}

/** The model's page, as `wow domain docs` writes it. */
export const domainDocsPath = (docsDir: string, name: string): string => join(docsDir, 'domains', `${name}.md`);

/**
 * What `wow domain check` reports of a checkout: the models' problems, the declared
 * event types none describes, and glossary pages out of step with their models.
 */
export async function checkDomainModels(dirs: {
  root: string;
  domainsDir: string;
  agentsDir: string;
  docsDir: string;
}): Promise<DomainModelsCheck> {
  const { models, problems } = await readDomainModels(dirs.domainsDir);
  const declared = [
    ...(await loadManifests(dirs.agentsDir)).flatMap(({ manifest }) => [
      ...manifest.emits.map((type) => ({ by: `agent:${manifest.id}`, field: 'emits' as const, type })),
      ...manifest.wakesOn.map((type) => ({ by: `agent:${manifest.id}`, field: 'wakesOn' as const, type })),
    ]),
    ...(await loadDomains(dirs.domainsDir)).flatMap(({ domain }) =>
      domain.emits.map((type) => ({ by: `domain:${domain.name}`, field: 'emits' as const, type })),
    ),
  ];
  // With a model that does not load, every type would look undescribed: its problems say enough.
  const undescribed =
    problems.length > 0
      ? []
      : declared.filter((d) => !models.some(({ model }) => model.events.some((e) => modelCovers(e.type, d.type))));
  return {
    models: models.map(({ dir, model }) => ({
      name: model.name,
      file: modelFileOf(dirs.root, dir),
      entities: model.entities.length,
      valueObjects: model.valueObjects.length,
      events: model.events.length,
      terms: model.glossary.length,
    })),
    problems,
    undescribed,
    staleDocs: await staleDocs(models, dirs),
  };
}

async function staleDocs(models: readonly LoadedDomainModel[], dirs: { root: string; docsDir: string }) {
  const stale: string[] = [];
  for (const { model, dir } of models) {
    const path = domainDocsPath(dirs.docsDir, model.name);
    const committed = await readFile(path, 'utf8').catch(() => undefined);
    if (committed !== renderDomainDocs(model, modelFileOf(dirs.root, dir))) stale.push(relative(dirs.root, path));
  }
  return stale;
}

/** The model's path as its page names it: relative to the checkout, whatever the current directory. */
export const modelFileOf = (root: string, dir: string): string => relative(root, join(dir, 'model.yml'));
