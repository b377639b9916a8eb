// What a GitHub Actions runner gives an Action, for the Actions' tests: inputs and files in
// the environment, the step's log on standard output, the output file's format, and
// GitHub's API at a URL.
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as core from '@actions/core';
import { vi } from 'vitest';
import type { GitHubDouble } from '../doubles/github-api.ts';

/**
 * Runs `fn` in this process as a step runs: `env` set in process.env (inputs as INPUT_*,
 * GITHUB_OUTPUT, GITHUB_STEP_SUMMARY…), what it writes to standard output captured. The
 * files named by GITHUB_OUTPUT and GITHUB_STEP_SUMMARY start empty, as the runner makes them.
 */
export async function inStep<T>(
  env: Record<string, string>,
  fn: () => Promise<T>,
): Promise<{ value: T; stdout: string }> {
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY'])
    if (env[name] !== undefined) await writeFile(env[name], '');
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    return { value: await fn(), stdout };
  } finally {
    write.mockRestore();
    vi.unstubAllEnvs();
  }
}

/**
 * A job summary of its own for one step. `core.summary` is one object per process that keeps
 * the first GITHUB_STEP_SUMMARY it read, and test files share worker processes: a summary
 * made from its class reads the variable the step sets.
 */
export function stepSummary(): typeof core.summary {
  const Summary = core.summary.constructor as new () => typeof core.summary;
  return new Summary();
}

/** The outputs a step wrote to its GITHUB_OUTPUT file (`name=value` or `name<<delimiter` blocks), in order. */
export async function readOutputs(file: string): Promise<Record<string, string>> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const outputs: Record<string, string> = {};
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block !== null) {
      const end = lines.indexOf(block[2] ?? '', i + 1);
      outputs[block[1] ?? ''] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return outputs;
}

/** The GitHub double at an HTTP address, for an Action run as a child process (GITHUB_API_URL). */
export async function serveGitHubDouble(github: GitHubDouble): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const body = Buffer.concat(chunks).toString('utf8');
      github
        .fetch(`https://api.github.com${req.url ?? '/'}`, {
          method: req.method ?? 'GET',
          headers,
          ...(body === '' ? {} : { body }),
        })
        .then(async (answer) => {
          res.writeHead(answer.status, Object.fromEntries(answer.headers));
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch((err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
