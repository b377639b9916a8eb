import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

// The doors as a person uses them: `wow` and `npm start` as processes of their own, with
// only the environment given (and PATH), from the checkout's root.
const root = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

/** `npm run wow -- <argv>` as its own process; rejects (with code and stderr) on a non-zero exit. */
export async function wowProcess(
  argv: string[],
  env: Record<string, string>,
): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, ['cli/wow.ts', ...argv], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
}

export interface PlatformProcess {
  child: ChildProcess;
  /** Where it listens, e.g. http://127.0.0.1:41234. */
  address: string;
  /** Its exit code, once it exits. */
  exited: Promise<number | null>;
  /** Every log line it wrote to stdout so far. */
  logged: string[];
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

/** `npm start` (`wow start` on PORT=0, with `args`, e.g. `--no-agents`); resolves once it listens. */
export async function startPlatform(env: Record<string, string>, args: string[] = []): Promise<PlatformProcess> {
  const child = spawn(process.execPath, ['cli/wow.ts', 'start', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const logged: string[] = [];
  const address = await new Promise<string>((resolve, reject) => {
    if (child.stdout === null) throw new Error('wow start has no stdout');
    createInterface({ input: child.stdout }).on('line', (line) => {
      logged.push(line);
      const entry = JSON.parse(line) as { address?: string };
      if (entry.address !== undefined) resolve(entry.address);
    });
    void exited.then((code) => reject(new Error(`wow start exited with ${code}: ${stderr}`)));
  });
  return {
    child,
    address,
    exited,
    logged,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface AgentsProcess extends PlatformProcess {
  /** Where `--port` serves, if it was given. */
  address: string;
}

/**
 * `wow agents run <args>` as its own process, with only `env` (and PATH); resolves once its
 * agents run. Its log lines (JSON) are kept in `logged`.
 */
export async function startAgents(args: string[], env: Record<string, string>): Promise<AgentsProcess> {
  const child = spawn(process.execPath, ['cli/wow.ts', 'agents', 'run', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const logged: string[] = [];
  const address = await new Promise<string>((resolve, reject) => {
    if (child.stdout === null) throw new Error('wow agents run has no stdout');
    createInterface({ input: child.stdout }).on('line', (line) => {
      logged.push(line);
      if (line.includes('agents running')) resolve((JSON.parse(line) as { address?: string }).address ?? '');
    });
    void exited.then((code) => reject(new Error(`wow agents run exited with ${code}: ${stderr}`)));
  });
  return {
    child,
    address,
    exited,
    logged,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
