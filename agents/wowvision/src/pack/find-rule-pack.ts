import { loadRulePack, type PackText, type ReadExtendedPack } from './load-rule-pack.ts';
import type { PackProblem, RulePack } from './rule-pack.ts';

/** Where a repository keeps its pack, in the order they are looked for. */
export const packPaths = ['.github/wowvision.yml', '.github/wowvision.yaml'] as const;

/** Reads a file of the revision whose rules judge (the base); undefined when absent. */
export type ReadRuleFile = (path: string) => Promise<string | undefined>;

/**
 * The repository's rule pack (or, without one, the org's, then the built-in
 * "recommended"), with `extends` resolved against the same revision.
 */
export async function findRulePack(
  read: ReadRuleFile,
  options: { org?: ReadExtendedPack; explicit?: PackText } = {},
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
  if (options.explicit !== undefined) return loadRulePack(options.explicit, readExtended);
  for (const path of packPaths) {
    const text = await read(path);
    if (text !== undefined) return loadRulePack({ file: path, text }, readExtended);
  }
  const org = await options.org?.('org');
  if (org !== undefined) return loadRulePack(org, readExtended);
  return loadRulePack({ file: '(default)', text: 'extends: recommended\n' }, readExtended);
}
