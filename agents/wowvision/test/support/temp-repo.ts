import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { reviewLocalRepo, type LocalReviewOptions, type Review } from '../../src/index.ts';

const exec = promisify(execFile);

export interface TempRepo {
  dir: string;
  write(files: Record<string, string>): Promise<void>;
  remove(...paths: string[]): Promise<void>;
  git(...args: string[]): Promise<string>;
  /** Commits everything; returns the new commit's SHA. */
  commit(message?: string): Promise<string>;
  review(options?: Omit<LocalReviewOptions, 'cwd'>): Promise<Review>;
  dispose(): Promise<void>;
}

/** A real git repository in a temporary folder, with `files` committed on main. */
export async function tempRepo(files: Record<string, string> = {}): Promise<TempRepo> {
  const dir = await mkdtemp(join(tmpdir(), 'wowvision-'));
  const git = async (...args: string[]) => (await exec('git', args, { cwd: dir })).stdout;
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.com');
  await git('config', 'user.name', 'Test');
  const repo: TempRepo = {
    dir,
    async write(more) {
      for (const [path, text] of Object.entries(more)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), text);
      }
    },
    async remove(...paths) {
      for (const path of paths) await rm(join(dir, path));
    },
    git,
    async commit(message = 'change') {
      await git('add', '-A');
      await git('commit', '-q', '--allow-empty', '-m', message);
      return (await git('rev-parse', 'HEAD')).trim();
    },
    async review(options = {}) {
      return (await reviewLocalRepo({ cwd: dir, persistCache: false, ...options })).review;
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
  await repo.write(files);
  await repo.commit('base');
  return repo;
}

/** A pack file with one rule, for kind tests. */
export function packWith(rule: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, string> {
  return {
    '.github/wowvision.yml': JSON.stringify(
      { ...extra, rules: [{ name: 'the-rule', severity: 'error', ...rule }] },
      null,
      2,
    ),
  };
}

/** "path:line message" of each finding, for readable assertions. */
export function where(review: Review): string[] {
  return review.findings.map((f) => `${f.path}:${f.line} ${f.message}`);
}
