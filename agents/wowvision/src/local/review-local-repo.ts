import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Advisor, Scope } from '../kinds/index.ts';
import { createMemoryCache } from '../cache/review-cache.ts';
import { configReview } from '../engine/config-review.ts';
import { createError } from '../errors.ts';
import type { Review } from '../engine/finding.ts';
import { reviewChange } from '../engine/review-change.ts';
import { defaultToolTimeoutMs } from '../engine/run-tool-kind.ts';
import { findRulePack, type ReadRuleFile } from '../pack/find-rule-pack.ts';
import type { PackText } from '../pack/load-rule-pack.ts';
import type { RulePack } from '../pack/rule-pack.ts';
import { openGitChange } from '../repo/open-git-change.ts';
import { readCommittedFile } from '../repo/read-committed-file.ts';

export interface LocalReviewOptions {
  cwd: string;
  /** Compare with this ref's merge base (a pull request's base branch). */
  base?: string | undefined;
  /** A commit to review; without one, the working tree. */
  head?: string | undefined;
  /** Judge every file, not only what the change touches. */
  all?: boolean | undefined;
  /**
   * A pack file to use instead of .github/wowvision.yml. One inside the repository is read
   * from the revision whose rules judge (the base), like every pack; one outside it is no
   * part of the change and is read from disk.
   */
  config?: string | undefined;
  /** Keep per-file results in the git directory between runs. */
  persistCache?: boolean | undefined;
  /** An OpenAI-compatible model for advisory rules. */
  advisor?: Advisor | undefined;
  /** The door's word that the head's code may run: tool kinds (eslint, coverage) run only then. Default false. */
  trustedCode?: boolean | undefined;
  /** The door's environment, of which only what a tool needs to start reaches tool kinds. */
  toolEnv?: Readonly<Record<string, string | undefined>> | undefined;
  toolTimeoutMs?: number | undefined;
}

export interface LocalReview {
  review: Review;
  pack: RulePack | undefined;
  base: string | undefined;
  head: string;
  root: string;
}

/**
 * The CLI's and the Action's review: a local git repository, judged by the rules of the
 * base revision (or of the working tree when there is no base), so a change cannot relax
 * the rules that judge it.
 */
export async function reviewLocalRepo(options: LocalReviewOptions): Promise<LocalReview> {
  const change = await openGitChange({ cwd: options.cwd, base: options.base, head: options.head });
  try {
    const { root } = change;
    const fromRules = async (path: string): Promise<string | undefined> => {
      if (change.base !== undefined) return readCommittedFile(root, change.base, path);
      return change.snapshot.blobs.has(path) ? change.snapshot.read(path) : undefined;
    };
    const explicit =
      options.config === undefined
        ? undefined
        : await explicitPack(resolve(options.cwd, options.config), root, fromRules, change.base);
    const found = await findRulePack(fromRules, explicit === undefined ? {} : { explicit });
    if ('problems' in found)
      return {
        review: configReview(found.problems, change.changes.length),
        pack: undefined,
        base: change.base,
        head: change.head,
        root,
      };
    const { pack } = found;
    let baseline;
    if (pack.baseline !== undefined) {
      const text = await fromRules(pack.baseline);
      if (text !== undefined) {
        try {
          const { parseBaseline } = await import('../engine/parse-baseline.ts');
          baseline = parseBaseline(text, pack.baseline);
        } catch (err) {
          return {
            review: configReview(
              [{ file: pack.baseline, line: 1, column: 1, message: (err as Error).message }],
              change.changes.length,
            ),
            pack,
            base: change.base,
            head: change.head,
            root,
          };
        }
      }
    }
    const cacheFile = options.persistCache ? join(change.gitDir, 'wowvision', 'cache.v8') : undefined;
    const cache = createMemoryCache();
    if (cacheFile !== undefined) {
      const saved = await readFile(cacheFile)
        .then((b) => deserialize(b) as [string, unknown][])
        .catch(() => []);
      for (const [key, value] of saved) cache.set(key, value);
    }
    const scope: Scope | undefined = options.all ? 'all' : undefined;
    const tools = {
      root,
      trusted: options.trustedCode === true,
      env: options.toolEnv ?? {},
      timeoutMs: options.toolTimeoutMs ?? defaultToolTimeoutMs,
    };
    const review = await reviewChange({
      snapshot: change.snapshot,
      changes: change.changes,
      pack,
      baseline,
      cache,
      scope,
      tools,
      advisor: options.advisor,
      readBase: change.base === undefined ? undefined : (path) => readCommittedFile(root, change.base as string, path),
    });
    if (cacheFile !== undefined) {
      await mkdir(dirname(cacheFile), { recursive: true });
      await writeFile(cacheFile, serialize([...cache.entries()]));
    }
    return { review, pack, base: change.base, head: change.head, root };
  } finally {
    change.close();
  }
}

/**
 * The pack a door names explicitly. Inside the repository it comes from the revision whose
 * rules judge, so a pull request cannot hand the gate a relaxed copy of it.
 */
async function explicitPack(
  path: string,
  root: string,
  fromRules: ReadRuleFile,
  base: string | undefined,
): Promise<PackText> {
  const file = relative(root, path);
  if (file.startsWith('..') || isAbsolute(file)) return { file: path, text: await readFile(path, 'utf8') };
  // Without a base the reviewed tree is the only revision there is, and the file may be one git ignores.
  const text =
    (await fromRules(file.split(sep).join('/'))) ??
    (base === undefined ? await readFile(path, 'utf8').catch(() => undefined) : undefined);
  if (text === undefined)
    throw createError('WOW_ERR_VISION_PACK_MISSING', {
      file,
      revision: base === undefined ? 'the reviewed tree' : `the base commit ${base.slice(0, 12)}`,
    });
  return { file, text };
}
