import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { childEnv, childNodeFlags } from './child-env.ts';
import { killedWithItsFile } from './child-processes.ts';

// The doors as a person uses them: `wow` and `npm start` as processes of their own, with
// only the environment given (and PATH), from the checkout's root.
const root = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);

/** `npm run wow -- <argv>` as its own process; rejects (with code and stderr) on a non-zero exit. */
export async function wowProcess(
  argv: string[],
  env: Record<string, string>,
): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [...childNodeFlags, 'cli/wow.js', ...argv], {
    cwd: root,
    env: { ...childEnv(), LOG_LEVEL: 'silent', ...env },
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

/**
 * `wow <argv>` as a long-running process with only `env` (and PATH); resolves once a log
 * line (JSON) passes `isReady`, with the address that line names (empty if none).
 */
async function startWow(
  argv: string[],
  env: Record<string, string>,
  isReady: (entry: { address?: string; msg?: string }) => boolean,
): Promise<PlatformProcess> {
  const child = killedWithItsFile(
    spawn(process.execPath, [...childNodeFlags, 'cli/wow.js', ...argv], {
      cwd: root,
      env: { ...childEnv(), LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const logged: string[] = [];
  const address = await new Promise<string>((resolve, reject) => {
    if (child.stdout === null) throw new Error(`wow ${argv[0]} has no stdout`);
    createInterface({ input: child.stdout }).on('line', (line) => {
      logged.push(line);
      const entry = JSON.parse(line) as { address?: string; msg?: string };
      if (isReady(entry)) resolve(entry.address ?? '');
    });
    void exited.then((code) => reject(new Error(`wow ${argv.join(' ')} exited with ${code}: ${stderr}`)));
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

/** `npm start` (`wow start` on PORT=0, with `args`, e.g. `--no-agents`); resolves once it listens. */
export function startPlatform(env: Record<string, string>, args: string[] = []): Promise<PlatformProcess> {
  return startWow(['start', ...args], { PORT: '0', ...env }, (entry) => entry.address !== undefined);
}

/**
 * `wow agents run <args>`; resolves once its agents run. `address` is where `--port`
 * serves, if it was given.
 */
export function startAgents(args: string[], env: Record<string, string>): Promise<PlatformProcess> {
  return startWow(['agents', 'run', ...args], env, (entry) => entry.msg?.startsWith('agents running') === true);
}
