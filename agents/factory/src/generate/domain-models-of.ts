import { createError, parseDomainModel, type DomainModel } from '#platform';
import type { RepoSnapshot } from '../../../wowvision/src/index.ts';

const modelPath = /^domains\/([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\/model\.yml$/;

/**
 * The domain models of a repository as a snapshot holds them (a checkout's working tree,
 * or a commit's tarball): what templates render an agent's event schemas from. A model
 * that does not load stops the render with every problem named, as `wow domain check` does.
 */
export async function domainModelsOf(repo: RepoSnapshot): Promise<DomainModel[]> {
  const models: DomainModel[] = [];
  const problems: string[] = [];
  for (const path of [...repo.blobs.keys()].sort()) {
    const folder = modelPath.exec(path)?.[1];
    if (folder === undefined) continue;
    const parsed = parseDomainModel(await repo.read(path), path, folder);
    if ('model' in parsed) models.push(parsed.model);
    else problems.push(...parsed.problems);
  }
  if (problems.length > 0)
    throw createError('WOW_ERR_DOMAIN_MODEL_INVALID', {
      count: problems.length,
      problems: '\n' + problems.map((p) => `  ${p}`).join('\n'),
    });
  return models;
}
