import { loadRulePack, type PackText, type ReadExtendedPack, type ReadRepositoryPack } from './load-rule-pack.ts';
import type { PackProblem, RulePack } from './rule-pack.ts';

/** Where a repository keeps its pack, in the order they are looked for. */
export const packPaths = ['.github/wowvision.yml', '.github/wowvision.yaml'] as const;

/** Reads a file of the revision whose rules judge (the base); undefined when absent. */
export type ReadRuleFile = (path: string) => Promise<string | undefined>;

/**
 * The repository's rule pack (or, without one, the org's, then the built-in
 * "recommended"), with `extends` resolved against the same revision and `_extends`
 * (another repository, as Probot's config names it) through `repository`.
 */
export async function findRulePack(
  read: ReadRuleFile,
  options: { org?: ReadExtendedPack; repository?: ReadRepositoryPack; explicit?: PackText } = {},
): Promise<{ pack: RulePack } | { problems: PackProblem[] }> {
  const readExtended: ReadExtendedPack = async (ref) => {
    if (ref === 'org') {
      if (options.org === undefined)
        throw new Error(
          "the org pack (the owner's .github repository) is read by the App and the Action; locally, extend a file instead",
        );
      return options.org('org');
    }
    if (!/\.ya?ml$/.test(ref)) return undefined;
    const text = await read(ref);
    return text === undefined ? undefined : { file: ref, text };
  };
  const load = (entry: PackText) => loadRulePack(entry, readExtended, options.repository);
  if (options.explicit !== undefined) return load(options.explicit);
  for (const path of packPaths) {
    const text = await read(path);
    if (text !== undefined) return load({ file: path, text });
  }
  const org = await options.org?.('org');
  if (org !== undefined) return load(org);
  return load({ file: '(default)', text: 'extends: recommended\n' });
}
