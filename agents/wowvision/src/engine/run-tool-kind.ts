import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChangedFile, Hit } from '../kinds/index.ts';

/** Where and how tool kinds may run the head's own code. */
export interface ToolRunOptions {
  /** The head checked out on disk; tools run on a clean export of it (export-head.ts), never in it. */
  root: string;
  /** Folders outside the export the child may read too: the checkout's installed dependencies. */
  readable?: readonly string[];
  /** The door's word that the head's code may run (the Action's `trusted-code`, `wow review --trusted-code`). */
  trusted: boolean;
  /** The door's environment: only what a tool needs to start (PATH, locale, temp folder) reaches it. */
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs: number;
}

/** What the child process gets on its standard input: the kind, its options and the view as data. */
export interface ToolJob {
  kind: string;
  options: unknown;
  /** The head's export, where the tool runs. */
  root: string;
  /** The checkout it was exported from, for absolute paths in reports. */
  checkout: string;
  targets: string[];
  changes: [string, ChangedFile['status'], number[]][];
  elements: Record<string, string>;
  texts: Record<string, string>;
}

export const defaultToolTimeoutMs = 600_000;

/** Variables a tool needs to start; nothing else of the door's environment passes (no token, secret or input). */
const passed = [
  'PATH',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
  'SYSTEMROOT',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
];
const child = fileURLToPath(new URL('./tool-kind-child.ts', import.meta.url));
// Our own code and dependencies, not the folder they sit in: when WowVision reviews its own
// checkout, that folder holds the .env, .data and .git a tool must not read.
const platformRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const platformReadable = ['platform', 'agents', 'rules', 'node_modules', 'package.json'].map((p) =>
  join(platformRoot, p),
);
const maxOutput = 16 * 1024 * 1024;

/**
 * Runs one tool kind in a child process: an environment holding none of the door's tokens
 * or secrets, Node's permission model letting it read only the head's export, the
 * dependencies linked into it and WowVision's own code (no writes, no processes of its
 * own, so it cannot read its parent's environment either), and a timeout. This is defence in depth, not a sandbox for hostile code: doors
 * run tool kinds only on code they trust. A tool that fails or overruns is a finding, never
 * a silent pass.
 */
export async function runToolKind(job: ToolJob, options: ToolRunOptions): Promise<Hit[]> {
  const env = Object.fromEntries(
    passed.flatMap((name) => (options.env[name] === undefined ? [] : [[name, options.env[name]]])),
  );
  const args = [
    '--permission',
    ...[...platformReadable, job.root, ...(options.readable ?? [])].map((path) => `--allow-fs-read=${path}`),
    '--disable-warning=ExperimentalWarning',
    child,
  ];
  const proc = spawn(process.execPath, args, { cwd: job.root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  let overflow = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill('SIGKILL');
  }, options.timeoutMs);
  proc.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    if (stdout.length > maxOutput) {
      overflow = true;
      proc.kill('SIGKILL');
    }
  });
  // The last few kilobytes say why a tool failed; more is noise.
  proc.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-4096)));
  // A child that dies before reading its job closes the pipe: its exit says how it went.
  proc.stdin.on('error', () => undefined);
  proc.stdin.end(JSON.stringify(job));
  const code = await new Promise<number | null>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', resolve);
  }).finally(() => clearTimeout(timer));

  const first = job.targets[0] ?? '';
  const failure = (message: string): Hit[] => [
    { path: first, line: 1, column: 1, message, key: `${job.kind} could not run` },
  ];
  if (timedOut)
    return failure(
      `the ${job.kind} kind did not finish within ${seconds(options.timeoutMs)} and was stopped; ` +
        "raise the tool timeout (the Action's tool-timeout input, wow review --tool-timeout) if the tool needs longer",
    );
  if (overflow)
    return failure(
      `the ${job.kind} kind wrote more than ${maxOutput / 1024 / 1024} MiB of results and was stopped; narrow its paths`,
    );
  try {
    const result = JSON.parse(stdout) as { hits: Hit[] } | { error: string };
    if ('hits' in result) return result.hits;
    return failure(`the ${job.kind} kind could not run: ${result.error}`);
  } catch {
    return failure(`the ${job.kind} kind could not run (exit code ${String(code)}): ${lastLine(stderr)}`);
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? 'it wrote nothing';
}
