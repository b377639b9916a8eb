import { runCli } from '../../cli/run-cli.ts';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `wow` in this process with captured output, as a script would see it. */
export async function wow(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: { LOG_LEVEL: 'silent', ...env },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}
