import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { runGit } from '../../../runtime/src/index.ts';
import type { Advisor, Scope } from '../../../../rules/kinds/index.ts';
import { createMemoryCache } from '../cache/review-cache.ts';
import { parseBaseline } from '../engine/baseline.ts';
import { configReview } from '../engine/config-review.ts';
import type { Review } from '../engine/finding.ts';
import { reviewChange } from '../engine/review-change.ts';
import { findRulePack } from '../pack/find-rule-pack.ts';
import type { RulePack } from '../pack/rule-pack.ts';
import { openGitChange } from '../repo/open-git-change.ts';

export interface LocalReviewOptions {
  cwd: string;
  /** Compare with this ref's merge base (a pull request's base branch). */
  base?: string | undefined;
  /** A commit to review; without one, the working tree. */
  head?: string | undefined;
  /** Judge every file, not only what the change touches. */
  all?: boolean | undefined;
  /** A pack file to use instead of .github/wowvision.yml. */
  config?: string | undefined;
  /** Keep per-file results in the git directory between runs. */
  persistCache?: boolean | undefined;
  /** An OpenAI-compatible model for advisory rules. */
  advisor?: Advisor | undefined;
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
    const root = (await runGit(options.cwd, ['rev-parse', '--show-toplevel'])).trim();
    const fromRules = async (path: string): Promise<string | undefined> => {
      if (change.base !== undefined) return runGit(root, ['show', `${change.base}:${path}`]).catch(() => undefined);
      return change.snapshot.blobs.has(path) ? change.snapshot.read(path) : undefined;
    };
    const configPath = options.config === undefined ? undefined : resolve(options.cwd, options.config);
    const explicit = configPath === undefined ? undefined : { file: relative(root, configPath), text: await readFile(configPath, 'utf8') };
    const found = await findRulePack(fromRules, explicit === undefined ? {} : { explicit });
    if ('problems' in found) return { review: configReview(found.problems, change.changes.length), pack: undefined, base: change.base, head: change.head, root };
    const { pack } = found;
    let baseline;
    if (pack.baseline !== undefined) {
      const text = await fromRules(pack.baseline);
      if (text !== undefined) {
        try {
          baseline = parseBaseline(text, pack.baseline);
        } catch (err) {
          return { review: configReview([{ file: pack.baseline, line: 1, column: 1, message: (err as Error).message }], change.changes.length), pack, base: change.base, head: change.head, root };
        }
      }
    }
    const cacheFile = options.persistCache ? join(root, (await runGit(root, ['rev-parse', '--git-dir'])).trim(), 'wowvision', 'cache.v8') : undefined;
    const cache = createMemoryCache();
    if (cacheFile !== undefined) {
      const saved = await readFile(cacheFile).then((b) => deserialize(b) as [string, unknown][]).catch(() => []);
      for (const [key, value] of saved) cache.set(key, value);
    }
    const scope: Scope | undefined = options.all ? 'all' : undefined;
    const review = await reviewChange({ snapshot: change.snapshot, changes: change.changes, pack, baseline, cache, scope, root, advisor: options.advisor });
    if (cacheFile !== undefined) {
      await mkdir(dirname(cacheFile), { recursive: true });
      await writeFile(cacheFile, serialize([...cache.entries()]));
    }
    return { review, pack, base: change.base, head: change.head, root };
  } finally {
    change.close();
  }
}
