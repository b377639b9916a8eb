import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, printTable, quantile } from './stats.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Wall time of one process, in milliseconds, from spawn to exit (its output discarded). */
function timeProcess(args: string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  try {
    execFileSync(process.execPath, args, { cwd: root, env, stdio: 'ignore' });
  } catch {
    // A usage exit (2) is still a start to measure; what it printed is not the point here.
  }
  return performance.now() - started;
}

/**
 * `npm run bench -- cli [runs]`: how long `wow` takes to start, as a person at a terminal
 * feels it — `wow --help`, a mistyped command, and `wow agents list --json` on a fresh
 * embedded database — each against `node -e 0` (the floor no CLI goes under), in the same
 * run. Goal (issue 18): `--help` within 150 ms of the floor.
 */
export async function benchCli(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 15);
  const dataDir = mkdtempSync(join(tmpdir(), 'wow-bench-cli-'));
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'silent' as const };
  try {
    // The first `agents list` creates and migrates the embedded database: measured apart, then warm.
    const firstList = timeProcess(['cli/wow.js', 'agents', 'list', '--json'], env);
    const cases: [string, string[]][] = [
      ['node -e 0 (floor)', ['-e', '0']],
      ['wow --help', ['cli/wow.js', '--help']],
      ['wow nosuch (usage error)', ['cli/wow.js', 'nosuch']],
      ['wow agents --help', ['cli/wow.js', 'agents', '--help']],
      ['wow agents list --json', ['cli/wow.js', 'agents', 'list', '--json']],
    ];
    const times = new Map(cases.map(([name]) => [name, [] as number[]]));
    // Interleaved, so a busy moment of the machine falls on every case alike.
    for (let i = 0; i < runs; i++) for (const [name, argv] of cases) times.get(name)?.push(timeProcess(argv, env));
    const floor = quantile(times.get('node -e 0 (floor)') ?? [], 0.5);
    printTable([
      ['command', 'p50 ms', 'p95 ms', 'p50 − floor ms'],
      ...cases.map(([name]) => {
        const t = times.get(name) ?? [];
        const p50 = quantile(t, 0.5);
        return [name, fmt(p50, 0), fmt(quantile(t, 0.95), 0), fmt(p50 - floor, 0)];
      }),
    ]);
    console.log(`\nfirst wow agents list --json (creates and migrates the embedded database): ${fmt(firstList, 0)} ms`);
    const help = quantile(times.get('wow --help') ?? [], 0.5) - floor;
    console.log(
      `wow --help: ${fmt(help, 0)} ms above the floor (goal: within 150 ms) — ${help <= 150 ? 'met' : 'not met'}`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
