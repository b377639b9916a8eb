import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { IForbiddenRuleType } from 'dependency-cruiser';
import { fmt, printTable } from './stats.ts';

const exec = promisify(execFile);
const git = (cwd: string, ...args: string[]) => exec('git', args, { cwd, maxBuffer: 1 << 28 });
const root = fileURLToPath(new URL('../..', import.meta.url));
const wowCli = join(root, 'cli/wow.js');
const depcruiseCli = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');

/**
 * `npm run bench -- vision [repo…]`: WowVision against dependency-cruiser 18 with
 * equivalent rules, as a user runs them: each tool in its own process (`wow review --all`,
 * `depcruise`), cold (no cache) and warm (its cache filled), wall time and peak memory
 * (/usr/bin/time), on a generated layered repository of 5,000 files, on this repository,
 * and on each repository given (real ones, cloned into a scratch folder). Then an
 * incremental re-review of a 20-file change with the cache warm. BENCH_ROUNDS (3) rounds,
 * the tools alternating; medians reported.
 */
export async function benchVision(args: string[]): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const generated = await generatedRepo(5_000);
  const scratch = await mkdtemp(join(tmpdir(), 'wowvision-bench-'));
  try {
    const repos = [
      { dir: generated, name: 'generated-5000', layered: true },
      { dir: root, name: 'waooaw', layered: false },
      ...args.map((a) => ({ dir: resolve(a), name: basename(resolve(a)), layered: false })),
    ];
    const rows: string[][] = [['repository (commit)', 'modules', 'tool', 'cold ms', 'warm ms', 'peak MiB', 'findings']];
    const verdicts: string[] = [];
    for (const repo of repos) {
      console.error(`… ${repo.name}`);
      const measured = await measureRepo(repo, join(scratch, repo.name), rounds);
      rows.push(...measured.rows);
      verdicts.push(measured.verdict);
    }
    printTable(rows);
    console.log('');
    for (const v of verdicts) console.log(v);
    console.log('');
    await incremental(generated, join(scratch, 'generated-5000'));
  } finally {
    await rm(generated, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  }
}

interface Run {
  ms: number;
  peakMiB: number;
  output: string;
}

/** One process under /usr/bin/time: its wall time, peak resident memory, and what it wrote to `out`. */
async function timed(cwd: string, argv: string[], out: string): Promise<Run> {
  const stats = `${out}.time`;
  await rm(out, { force: true });
  const started = performance.now();
  await exec('/usr/bin/time', ['-f', '%M', '-o', stats, process.execPath, ...argv], { cwd, maxBuffer: 1 << 28 }).catch(
    (err: unknown) => {
      // Both tools exit 1 when they find violations; anything else is a failure to measure.
      if ((err as { code?: number }).code !== 1) throw err;
    },
  );
  const ms = performance.now() - started;
  const peakKiB = Number((await readFile(stats, 'utf8')).trim().split('\n').pop());
  return { ms, peakMiB: peakKiB / 1024, output: await readFile(out, 'utf8') };
}

async function measureRepo(
  repo: { dir: string; name: string; layered: boolean },
  work: string,
  rounds: number,
): Promise<{ rows: string[][]; verdict: string }> {
  await mkdir(work, { recursive: true });
  const pack = join(work, 'pack.yml');
  const cruiserConfig = join(work, 'dependency-cruiser.json');
  await writeFile(pack, repo.layered ? layeredPack : anyRepoPack);
  await writeFile(
    cruiserConfig,
    JSON.stringify({
      forbidden: repo.layered ? cruiserLayerRules : cruiserAnyRules,
      options: { doNotFollow: { path: 'node_modules' }, tsPreCompilationDeps: true },
    }),
  );
  const roots = repo.layered ? ['src'] : await sourceRoots(repo.dir);
  const commit = (await git(repo.dir, 'rev-parse', 'HEAD')).stdout.trim();
  const wowOut = join(work, 'wow.json');
  const cruiserOut = join(work, 'cruiser.json');
  const wow = (cache: boolean) => [
    wowCli,
    ...['review', '--all', '--config', pack, '--format', 'json', '--output', wowOut],
    ...(cache ? [] : ['--no-cache']),
  ];
  const cruiser = (cache: boolean) => [
    depcruiseCli,
    ...['--config', cruiserConfig, '--output-type', 'json', '--output-to', cruiserOut],
    ...(cache ? ['--cache', join(work, 'cruiser-cache')] : []),
    ...roots,
  ];
  // The warm runs' caches, filled once before the rounds.
  await timed(repo.dir, wow(true), wowOut);
  await timed(repo.dir, cruiser(true), cruiserOut);
  const runs = { wowCold: [] as Run[], wowWarm: [] as Run[], cruiserCold: [] as Run[], cruiserWarm: [] as Run[] };
  for (let round = 0; round < rounds; round++) {
    runs.cruiserCold.push(await timed(repo.dir, cruiser(false), cruiserOut));
    runs.wowCold.push(await timed(repo.dir, wow(false), wowOut));
    runs.cruiserWarm.push(await timed(repo.dir, cruiser(true), cruiserOut));
    runs.wowWarm.push(await timed(repo.dir, wow(true), wowOut));
  }
  const ours = wowViolations(runs.wowCold[0]?.output ?? '{}');
  const theirs = cruiserViolations(runs.cruiserCold[0]?.output ?? '{}');
  const ms = (xs: Run[]) => median(xs.map((r) => r.ms));
  const peak = (xs: Run[]) => Math.max(...xs.map((r) => r.peakMiB));
  const cold = ms(runs.wowCold) / ms(runs.cruiserCold);
  const label = `${repo.name} (${commit.slice(0, 12)})`;
  const difference = describeDifference(ours, theirs);
  return {
    rows: [
      [
        label,
        String(ours.modules),
        'dependency-cruiser 18',
        fmt(ms(runs.cruiserCold), 0),
        fmt(ms(runs.cruiserWarm), 0),
        fmt(peak(runs.cruiserCold), 0),
        theirs.summary,
      ],
      [
        '',
        '',
        'WowVision',
        fmt(ms(runs.wowCold), 0),
        fmt(ms(runs.wowWarm), 0),
        fmt(peak(runs.wowCold), 0),
        ours.summary,
      ],
    ],
    verdict:
      `${label}: cold ${fmt(cold)}× dependency-cruiser (goal ≤ 0.50: ${cold <= 0.5 ? 'met' : 'not met'}), ` +
      `warm ${fmt(ms(runs.wowWarm) / ms(runs.cruiserWarm))}×; peak memory ` +
      `${peak(runs.wowCold) <= peak(runs.cruiserCold) ? 'not above' : 'ABOVE'} dependency-cruiser's; ` +
      `violations ${difference === '' ? 'the same' : `differ: ${difference}`}`,
  };
}

interface Violations {
  modules: number;
  /** Files in an import cycle. */
  inCycles: Set<string>;
  /** `from → to` of each dependency-rule violation. */
  edges: Set<string>;
  summary: string;
}

function wowViolations(output: string): Violations {
  const report = JSON.parse(output) as {
    findings: { rule: string; key?: string; message: string; path: string }[];
    stats: { modules: number };
  };
  const inCycles = new Set<string>();
  const edges = new Set<string>();
  let cycles = 0;
  for (const f of report.findings) {
    if (f.rule === 'no-cycles') {
      cycles++;
      // The key names every file of the strongly connected component.
      for (const file of (f.key ?? '').replace(/^cycle /, '').split(' ')) inCycles.add(file);
    } else edges.add(`${f.path} → ${/ imports (\S+)/.exec(f.message)?.[1] ?? '?'}`);
  }
  return {
    modules: report.stats.modules,
    inCycles,
    edges,
    summary: `${edges.size} dependency · ${cycles} cycles (one per component)`,
  };
}

function cruiserViolations(output: string): Violations {
  const report = JSON.parse(output) as {
    summary: {
      totalCruised: number;
      violations: { rule: { name: string }; from: string; to: string; cycle?: { name: string }[] }[];
    };
  };
  const inCycles = new Set<string>();
  const edges = new Set<string>();
  let cycles = 0;
  for (const v of report.summary.violations) {
    if (v.rule.name === 'no-cycles') {
      cycles++;
      inCycles.add(v.from);
      for (const step of v.cycle ?? []) inCycles.add(step.name);
    } else edges.add(`${v.from} → ${v.to}`);
  }
  return {
    modules: report.summary.totalCruised,
    inCycles,
    edges,
    summary: `${edges.size} dependency · ${cycles} cycles (one per edge)`,
  };
}

/** What one tool found that the other did not; empty when they agree. */
function describeDifference(ours: Violations, theirs: Violations): string {
  const only = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x));
  const parts: [string, string[]][] = [
    ['files in a cycle for WowVision only', only(ours.inCycles, theirs.inCycles)],
    ['files in a cycle for dependency-cruiser only', only(theirs.inCycles, ours.inCycles)],
    ['violations WowVision only', only(ours.edges, theirs.edges)],
    ['violations dependency-cruiser only', only(theirs.edges, ours.edges)],
  ];
  return parts
    .filter(([, xs]) => xs.length > 0)
    .map(([what, xs]) => `${xs.length} ${what} (e.g. ${xs.slice(0, 2).join(', ')})`)
    .join('; ');
}

/** A 20-file change on a branch, reviewed against main by `wow review --base main` with the cache warm. */
async function incremental(dir: string, work: string): Promise<void> {
  const out = join(work, 'incremental.json');
  const review = (argv: string[]) =>
    timed(
      dir,
      [wowCli, 'review', '--config', join(work, 'pack.yml'), '--format', 'json', '--output', out, ...argv],
      out,
    );
  const fill = await review(['--base', 'main', '--all']);
  await git(dir, 'checkout', '-q', '-b', 'change');
  for (let i = 0; i < 20; i++) {
    const path = join(dir, fileOf(layers[i % layers.length] ?? 'ui', i, 7));
    await writeFile(path, (await readFile(path, 'utf8')) + `\nexport const touched${i} = ${i};\n`);
  }
  await git(dir, 'commit', '-qam', 'twenty files');
  const times: Run[] = [];
  for (let n = 0; n < 3; n++) times.push(await review(['--base', 'main']));
  const changed = (JSON.parse(times[0]?.output ?? '{}') as { stats?: { changedFiles?: number } }).stats?.changedFiles;
  const floorStarted = performance.now();
  await exec(process.execPath, ['-e', '0']);
  const floor = performance.now() - floorStarted;
  printTable([
    ['incremental re-review: wow review --base main, a process', 'ms'],
    ['the whole repository, filling the cache', fmt(fill.ms, 0)],
    [`a ${changed ?? '?'}-file change, cache warm (goal < 300)`, fmt(median(times.map((t) => t.ms)), 0)],
    ['node -e 0 (the floor of any process)', fmt(floor, 0)],
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
  // dependency-cruiser with tsPreCompilationDeps counts `import type` edges in cycles too.
  '  - name: no-cycles\n    kind: cycle\n    scope: all\n    typeOnly: true',
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
  '    to: ["**/test/**", "**/*.test.ts"]\n    scope: all\n  - name: no-cycles\n    kind: cycle\n    scope: all\n    typeOnly: true\n';
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
