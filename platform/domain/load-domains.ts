import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createError } from '../errors/errors.ts';
import { parseYamlWith } from '../yaml/parse-yaml-with.ts';
import { domainSchema, type DomainManifest } from './domain-schema.ts';

export interface LoadedDomain {
  /** The domain's folder. */
  dir: string;
  /** The domain.yml path, as given in error messages. */
  file: string;
  domain: DomainManifest;
}

/** Every `<domainsDir>/<name>/domain.yml`, or one error listing every problem of all of them. */
export async function loadDomains(domainsDir: string): Promise<LoadedDomain[]> {
  const entries = await readdir(domainsDir, { withFileTypes: true }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []; // A checkout without domains.
    throw err;
  });
  const loaded: LoadedDomain[] = [];
  const problems: string[] = [];
  for (const folder of entries
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    const dir = join(domainsDir, folder);
    const path = join(dir, 'domain.yml');
    const text = await readFile(path, 'utf8').catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // Declares nothing yet.
      throw err;
    });
    if (text === undefined) continue;
    const file = relative(process.cwd(), path) || path;
    const result = parseDomain(text, file, folder);
    if ('domain' in result) loaded.push({ dir, file, domain: result.domain });
    else problems.push(...result.problems);
  }
  if (problems.length > 0)
    throw createError('WOW_ERR_DOMAIN_INVALID', {
      count: problems.length,
      problems: '\n' + problems.map((p) => `  ${p}`).join('\n'),
    });
  return loaded;
}

/** Validates one domain.yml's text; `folder` is the folder name its name must equal. */
export function parseDomain(
  text: string,
  file: string,
  folder: string,
): { domain: DomainManifest } | { problems: string[] } {
  const parsed = parseYamlWith(domainSchema, text, file);
  if ('problems' in parsed) return parsed;
  if (parsed.value.name !== folder) {
    const { offset } = parsed.yaml.locate(['name']);
    return {
      problems: [`${parsed.yaml.at(offset)} name: expected "${folder}", the folder's name; got "${parsed.value.name}"`],
    };
  }
  return { domain: parsed.value };
}
