import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();

/**
 * Keeps a long-running child (`wow start`, `wow agents run`) to be killed when its test file
 * ends, should the file not have stopped it: a test that fails before its own stop otherwise
 * leaves the process running for the rest of the suite, against a database the file has
 * dropped (one such `wow agents run` reconnected ~20 times a second, and each connection
 * cost PostgreSQL a fork).
 */
export function killedWithItsFile<T extends ChildProcess>(child: T): T {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Kills what the file left running (test/support/kill-left-behind.ts, after every file). */
export function killLeftBehind(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}
