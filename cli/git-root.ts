import { resolve } from 'node:path';
import { createError } from './errors.ts';

/** The top of the git checkout holding `cwd`; `why` tells the user why a checkout is needed. */
export async function gitRoot(cwd: string, why: string): Promise<string> {
  const { runGit } = await import('#platform');
  return (
    await runGit(resolve(cwd), ['rev-parse', '--show-toplevel']).catch(() => {
      throw createError('WOW_ERR_CLI_USAGE', { problem: `${resolve(cwd)} is not inside a git repository; ${why}` });
    })
  ).trim();
}
