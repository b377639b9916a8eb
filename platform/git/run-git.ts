import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createError } from '../errors/errors.ts';

const exec = promisify(execFile);

/** Runs git in `cwd`; a failure says which command and what git answered. */
export async function runGit(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await exec('git', args, { cwd, maxBuffer: 1 << 30, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw createError(
      'WOW_ERR_GIT',
      { command: args.join(' '), dir: cwd, reason: stderr || (err as Error).message },
      { cause: err },
    );
  }
}

/**
 * Reads blobs through one `git cat-file --batch` process instead of a process per file.
 * Requests are answered in order, so a queue of resolvers is enough.
 */
export function openBlobReader(cwd: string): { read(sha: string): Promise<Buffer>; close(): void } {
  const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
  const waiting: { resolve: (b: Buffer) => void; reject: (e: Error) => void }[] = [];
  let buffer: Buffer = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      const eol = buffer.indexOf(10);
      if (eol === -1) return;
      const header = buffer.subarray(0, eol).toString();
      const missing = header.endsWith(' missing');
      const size = missing ? 0 : Number(header.split(' ')[2]);
      if (!missing && buffer.length < eol + 1 + size + 1) return;
      const next = waiting.shift();
      if (missing)
        next?.reject(
          createError('WOW_ERR_GIT', {
            command: 'cat-file --batch',
            dir: cwd,
            reason: `it has no object ${header.split(' ')[0] ?? ''}`,
          }),
        );
      else next?.resolve(Buffer.from(buffer.subarray(eol + 1, eol + 1 + size)));
      buffer = buffer.subarray(missing ? eol + 1 : eol + 1 + size + 1);
    }
  });
  child.on('close', () => {
    for (const w of waiting.splice(0))
      w.reject(
        createError('WOW_ERR_GIT', { command: 'cat-file --batch', dir: cwd, reason: 'it stopped before answering' }),
      );
  });
  return {
    read(sha) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${sha}\n`);
      });
    },
    close: () => child.stdin.end(),
  };
}
