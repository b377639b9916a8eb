import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parsedCheckouts, parsedIdleMs, typecheckFiles } from '../src/generate/typecheck-files.ts';

// A checkout of two files and a tsconfig.json: what the Factory's gate sees, without the
// cost of parsing this repository.
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'typecheck-files-'));
  await writeFile(
    join(root, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', types: [], noEmit: true } }),
  );
  await writeFile(join(root, 'sum.ts'), 'export const sum = (a: number, b: number): number => a + b;\n');
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('typecheckFiles', () => {
  it("reports the generated files' own errors against the checkout, and nothing for correct ones", () => {
    const wrong = new Map([
      ['gen/use.ts', "import { sum } from '../sum.js';\n\nexport const n: string = sum(1, 2);\n"],
    ]);
    expect(typecheckFiles(root, wrong)).toEqual([
      { path: 'gen/use.ts', line: 3, column: 14, message: "Type 'number' is not assignable to type 'string'." },
    ]);
    const right = new Map([
      ['gen/use.ts', "import { sum } from '../sum.js';\n\nexport const n: number = sum(1, 2);\n"],
    ]);
    expect(typecheckFiles(root, right)).toEqual([]);
  });

  it('keeps the parsed checkout while checks keep coming, and lets it go once none came for a while', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const files = new Map([['gen/ok.ts', 'export const ok = true;\n']]);
      typecheckFiles(root, files);
      expect(parsedCheckouts()).toBe(1);
      vi.advanceTimersByTime(parsedIdleMs - 1000);
      // A check within the window keeps the parses another window.
      typecheckFiles(root, files);
      vi.advanceTimersByTime(parsedIdleMs - 1000);
      expect(parsedCheckouts()).toBe(1);
      vi.advanceTimersByTime(1000);
      expect(parsedCheckouts()).toBe(0);
      // And the next check parses again, with the same answer.
      expect(typecheckFiles(root, new Map([['gen/bad.ts', 'export const bad: number = "x";\n']]))).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
