import { runCli } from '../../cli/run-cli.ts';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `wow` in this process with captured output, as a script would see it. */
export async function wow(
  argv: string[],
  env: Record<string, string> = {},
  opts: { fetch?: typeof fetch } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: { LOG_LEVEL: 'silent', ...env },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    ...(opts.fetch === undefined ? {} : { fetch: opts.fetch }),
  });
  return { code, stdout, stderr };
}
