import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Ended {
  code: number | null;
  /** What it wrote to standard error, when that is read. */
  stderr: string;
}

/** Runs `wow <argv>` as a process whose standard output (or error) has no reader by the time it writes. */
function withReaderGone(argv: string[], gone: 'stdout' | 'stderr'): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['cli/wow.js', ...argv], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    // The read end closed before the process has started: its first write finds no reader.
    child[gone].destroy();
    let stderr = '';
    if (gone === 'stdout') child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    else child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('wow with a reader that stops early (`wow … | head`)', () => {
  it('ends quietly with 141, as a tool that SIGPIPE stops does, not with a stack trace', async () => {
    const ended = await withReaderGone(['--help'], 'stdout');
    expect(ended).toEqual({ code: 141, stderr: '' });
  }, 60_000);

  it('does the same when it is standard error that nobody reads (a usage error, `2>&1 | head`)', async () => {
    const ended = await withReaderGone(['nosuch'], 'stderr');
    expect(ended.code).toBe(141);
  }, 60_000);
});
