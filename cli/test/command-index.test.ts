import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandIndex } from '../command-index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const io = { env: {}, stdout: { write: () => true }, stderr: { write: () => true } };

/** The modules a fresh `wow <argv>` process loads, and how it ends. */
async function modulesLoadedBy(argv: string[]): Promise<{ code: number; loaded: string[] }> {
  const recorder = fileURLToPath(new URL('fixtures/record-imports.ts', import.meta.url));
  const run = promisify(execFile)(process.execPath, ['--import', recorder, 'cli/wow.js', ...argv], { cwd: root });
  const { stderr, code } = await run.then(
    (r) => ({ stderr: r.stderr, code: 0 }),
    (err: unknown) => err as { stderr: string; code: number },
  );
  const line = stderr.split('\n').find((l) => l.startsWith('loaded:')) ?? 'loaded:[]';
  return { code, loaded: JSON.parse(line.slice('loaded:'.length)) as string[] };
}

// What makes a start slow: the compiler, the embedded database, Redis and GitHub clients, our
// engines. The platform's errors (#platform/errors) are light and allowed: usage errors need them.
const engines = /typescript|ts-morph|pglite|ioredis|@octokit|probot|\/platform\/(?!errors\/)|\/agents\/|\/domains\//;

describe("wow's command index", () => {
  it('lists each module of cli/commands once, and each registers exactly the command it is listed as', async () => {
    const modules = readdirSync(new URL('../commands', import.meta.url)).filter((f) => f.endsWith('.ts'));
    expect(commandIndex).toHaveLength(modules.length);
    for (const entry of commandIndex) {
      const program = new Command();
      (await entry.load())(program, io, () => undefined);
      expect(program.commands.map((c) => c.name())).toEqual([entry.name]);
    }
    expect(new Set(commandIndex.map((c) => c.name)).size).toBe(commandIndex.length);
  });

  it("answers --help, each command's --help, no command and a mistyped one without loading any engine, and exits as scripts expect", async () => {
    for (const [argv, code] of [
      [['--help'], 0],
      [[], 2],
      [['nosuch'], 2],
      ...commandIndex.map((c) => [[c.name, '--help'], 0] as const),
    ] as const) {
      const run = await modulesLoadedBy([...argv]);
      expect({ argv, code: run.code }).toEqual({ argv, code });
      expect(run.loaded.length).toBeGreaterThan(0);
      expect({ argv, engines: run.loaded.filter((url) => engines.test(url)) }).toEqual({ argv, engines: [] });
    }
  });

  it("loads the command being run, and only it: `wow help review` reads WowVision's help", async () => {
    const run = await modulesLoadedBy(['help', 'review']);
    expect(run.code).toBe(0);
    expect(run.loaded.some((url) => url.endsWith('/cli/commands/review.ts'))).toBe(true);
    expect(run.loaded.some((url) => url.endsWith('/cli/commands/factory.ts'))).toBe(false);
  });

  it('has its bin entry executable as committed, with a shebang, so `wow` runs as installed', () => {
    const { bin: entries } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      bin: Record<string, string>;
    };
    // JavaScript: a .ts entry would load Node's type stripper on every run (cli/wow.js).
    expect(entries.wow).toBe('cli/wow.js');
    const bin = new URL(`../../${entries.wow ?? ''}`, import.meta.url);
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });
});
