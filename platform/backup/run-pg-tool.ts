import { spawn } from 'node:child_process';
import { createError } from '../errors/errors.ts';

/**
 * The connection a PostgreSQL client tool gets: the URL without its password, which goes
 * in PGPASSWORD instead, so it never shows in the process list.
 */
export function pgToolConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: password === '' ? {} : { PGPASSWORD: password } };
}

/** The last lines a failing tool wrote: enough to say why, bounded. */
const tail = (text: string) => text.trim().split('\n').slice(-5).join('\n').slice(-2000);

/** Runs `pg_dump`, `pg_restore` or `psql`, failing with what it said on stderr. */
export async function runPgTool(
  tool: 'pg_dump' | 'pg_restore' | 'psql',
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  // The tool inherits the process's environment as it is (PATH, and libpq's own PGSSLMODE,
  // PGSSLROOTCERT…), which is not the platform's configuration; only the password is added.
  // eslint-disable-next-line no-restricted-properties
  const child = spawn(tool, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-16_384);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw createError('WOW_ERR_PG_TOOL', {
        tool,
        problem:
          'it is not installed; install the PostgreSQL client tools (Debian: postgresql-client), as new as the server',
      });
    throw err;
  });
  if (code !== 0)
    throw createError('WOW_ERR_PG_TOOL', { tool, problem: `it exited with ${String(code)}: ${tail(stderr)}` });
}
