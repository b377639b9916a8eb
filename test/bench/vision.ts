import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { cruise, type IForbiddenRuleType } from 'dependency-cruiser';
import { reviewLocalRepo } from '../../agents/wowvision/src/index.ts';
import { fmt, printTable } from './stats.ts';

const exec = promisify(execFile);
const git = (cwd: string, ...args: string[]) => exec('git', args, { cwd, maxBuffer: 1 << 28 });

/**
 * WowVision's full scan with `dependency` + `cycle` rules against dependency-cruiser with
 * the equivalent rules, in the same run, on a generated layered repository of 5,000
 * TypeScript files (or on the repository given as an argument); then an incremental
 * re-review of a 20-file change with a warm cache.
 */
export async function benchVision(args: string[]): Promise<void> {
  const given = args[0];
  const rounds = Number(args[1] ?? 3);
  const dir = given === undefined ? await generatedRepo(5_000) : resolve(given);
  try {
    const layered = given === undefined;
    const pack = layered ? layeredPack : anyRepoPack;
    const packFile = join(await mkdtemp(join(tmpdir(), 'wowvision-pack-')), 'pack.yml');
    await writeFile(packFile, pack);
    const roots = layered ? ['src'] : await sourceRoots(dir);
    console.log(
      `${given ?? 'generated repository'}: ${roots.join(', ')} · ${rounds} rounds, alternating, median reported\n`,
    );

    const ours: number[] = [];
    const theirs: number[] = [];
    let ourFindings = new Map<string, number>();
    let theirFindings = new Map<string, number>();
    let modules = 0;
    for (let round = 0; round < rounds; round++) {
      let t = performance.now();
      const result = await cruise(roots, {
        baseDir: dir,
        validate: true,
        ruleSet: { forbidden: layered ? cruiserLayerRules : cruiserAnyRules },
        doNotFollow: { path: 'node_modules' },
        tsPreCompilationDeps: true,
        outputType: 'json',
      });
      theirs.push(performance.now() - t);
      const output =
        typeof result.output === 'string'
          ? (JSON.parse(result.output) as { summary: { violations: { rule: { name: string } }[] } })
          : result.output;
      theirFindings = countBy(output.summary.violations.map((v) => v.rule.name));
      t = performance.now();
      const { review } = await reviewLocalRepo({ cwd: dir, all: true, config: packFile, persistCache: false });
      ours.push(performance.now() - t);
      ourFindings = countBy(review.findings.map((f) => f.rule));
      modules = review.stats.modules;
    }
    const [ourTime, theirTime] = [median(ours), median(theirs)];
    printTable([
      ['full scan (dependency + cycle)', 'ms', 'findings'],
      ['dependency-cruiser 18 (reference)', fmt(theirTime, 0), describe(theirFindings)],
      ['WowVision', fmt(ourTime, 0), describe(ourFindings)],
      ['ratio WowVision / dependency-cruiser (goal ≤ 0.50)', fmt(ourTime / theirTime), ''],
    ]);
    console.log(
      `(${modules} modules; the tools count differently: dependency-cruiser reports each cycle once per edge in it, WowVision once per loop)\n`,
    );
    if (layered) await incremental(dir, packFile);
    await rm(dirname(packFile), { recursive: true, force: true });
  } finally {
    if (given === undefined) await rm(dir, { recursive: true, force: true });
  }
}

/** A 20-file change on a branch, reviewed against main with the cache a previous run left. */
async function incremental(dir: string, packFile: string): Promise<void> {
  const warm = performance.now();
  await reviewLocalRepo({ cwd: dir, base: 'main', all: true, config: packFile, persistCache: true });
  const warmMs = performance.now() - warm;
  await git(dir, 'checkout', '-q', '-b', 'change');
  for (let i = 0; i < 20; i++) {
    const path = join(dir, fileOf(layers[i % layers.length] ?? 'ui', i, 7));
    await writeFile(path, (await readFile(path, 'utf8')) + `\nexport const touched${i} = ${i};\n`);
  }
  await git(dir, 'commit', '-qam', 'twenty files');
  const times: number[] = [];
  let changed = 0;
  for (let n = 0; n < 3; n++) {
    const t = performance.now();
    const { review } = await reviewLocalRepo({ cwd: dir, base: 'main', config: packFile, persistCache: true });
    times.push(performance.now() - t);
    changed = review.stats.changedFiles;
  }
  printTable([
    ['incremental re-review', 'ms'],
    ['cold, whole repository, filling the cache', fmt(warmMs, 0)],
    [`${changed}-file change, warm cache (goal < 1,000)`, fmt(median(times), 0)],
  ]);
}

const layers = ['ui', 'app', 'domain', 'infra', 'shared'] as const;
/** Who each layer may import (besides itself). */
const allowed: Record<(typeof layers)[number], (typeof layers)[number][]> = {
  ui: ['app', 'shared'],
  app: ['domain', 'shared'],
  domain: ['shared'],
  infra: ['domain', 'shared'],
  shared: [],
};
const modulesPerLayer = 20;

const forbiddenOf = (layer: (typeof layers)[number]) =>
  layers.filter((l) => l !== layer && !allowed[layer].includes(l));

const layeredPack = [
  'rules:',
  ...layers.map(
    (l) =>
      `  - name: ${l}-imports-only-below\n    kind: dependency\n` +
      `    from: src/${l}/**\n    to: ${JSON.stringify(`src/{${forbiddenOf(l).join(',')}}/**`)}\n    scope: all`,
  ),
  '  - name: no-cycles\n    kind: cycle\n    scope: all',
  '',
].join('\n');

const cruiserLayerRules: IForbiddenRuleType[] = [
  ...layers.map((l): IForbiddenRuleType => ({
    name: `${l}-imports-only-below`,
    severity: 'error',
    from: { path: `^src/${l}/` },
    to: { path: `^src/(${forbiddenOf(l).join('|')})/` },
  })),
  { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
];

// For any repository: cycles, and a dependency rule every import edge is checked against.
const anyRepoPack =
  'rules:\n  - name: no-test-imports\n' +
  '    kind: dependency\n    from: { path: "**", pathNot: ["**/test/**", "**/*.test.ts"] }\n' +
  '    to: ["**/test/**", "**/*.test.ts"]\n    scope: all\n  - name: no-cycles\n    kind: cycle\n    scope: all\n';
const cruiserAnyRules: IForbiddenRuleType[] = [
  {
    name: 'no-test-imports',
    severity: 'error',
    from: { pathNot: '(^|/)test/|\\.test\\.ts$' },
    to: { path: '(^|/)test/|\\.test\\.ts$' },
  },
  { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
];

/** Top-level folders holding TypeScript, for dependency-cruiser's entry list. */
async function sourceRoots(dir: string): Promise<string[]> {
  const { stdout } = await git(dir, 'ls-files', '*.ts', '*.tsx');
  return [
    ...new Set(
      stdout
        .split('\n')
        .filter((p) => p !== '' && !p.includes('node_modules/'))
        .map((p) => p.split('/')[0] ?? p),
    ),
  ].sort();
}

function fileOf(layer: string, module: number, file: number): string {
  return `src/${layer}/mod${module % modulesPerLayer}/file${file}.ts`;
}

/**
 * Layered folders (ui → app → domain → shared, infra → domain), each file importing four
 * others: two earlier files of its module, two of layers it may use; one file in 100
 * breaks a layer rule and a few modules close a cycle.
 */
async function generatedRepo(count: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wowvision-bench-'));
  const perModule = Math.ceil(count / (layers.length * modulesPerLayer));
  let n = 0;
  let seed = 7;
  const random = (below: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % below;
  };
  for (const layer of layers) {
    for (let m = 0; m < modulesPerLayer; m++) {
      for (let f = 0; f < perModule && n < count; f++, n++) {
        const imports: string[] = [];
        for (let k = 1; k <= 2 && f - k >= 0; k++) imports.push(`./file${f - k}`);
        for (const target of allowed[layer].slice(0, 2))
          imports.push(`../../${target}/mod${random(modulesPerLayer)}/file${random(perModule)}`);
        if (n % 100 === 50 && forbiddenOf(layer)[0] !== undefined)
          imports.push(`../../${forbiddenOf(layer)[0] ?? ''}/mod0/file0`);
        if (f === 0 && m % 5 === 0) imports.push(`./file${perModule - 1}`); // closes a loop through the module
        const body = [
          ...imports.map((spec, i) => `import { value as v${i}, type Shape as S${i} } from '${spec}';`),
          '',
          `export interface Shape { id: string; size: number; parts: S0[] }`,
          `export const value = ${imports.map((_, i) => `v${i}`).join(' + ') || '0'} + ${n};`,
          `export function build${n}(input: Shape): Shape {`,
          `  const parts = input.parts.filter((p) => p.size > ${n % 10});`,
          '  return { ...input, size: parts.length + value, parts };',
          '}',
          `export class Service${n} {`,
          '  private readonly cache = new Map<string, Shape>();',
          '  get(id: string): Shape | undefined {',
          '    return this.cache.get(id);',
          '  }',
          '}',
          '',
        ];
        const path = join(dir, fileOf(layer, m, f));
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, body.join('\n').replace('S0[]', imports.length > 0 ? 'S0[]' : 'Shape[]'));
      }
    }
  }
  await git(dir, 'init', '-q', '-b', 'main');
  await git(dir, 'add', '-A');
  await git(dir, '-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'commit', '-qm', 'generated');
  await git(dir, 'config', 'user.email', 'bench@example.com');
  await git(dir, 'config', 'user.name', 'bench');
  return dir;
}

function countBy(names: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** "dependency 50 · cycle 20": the layer rules summed, then the cycle rule. */
function describe(counts: Map<string, number>): string {
  let cycles = 0;
  let dependency = 0;
  for (const [rule, n] of counts) {
    if (rule === 'no-cycles') cycles += n;
    else dependency += n;
  }
  return `dependency ${dependency} · cycle ${cycles}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
