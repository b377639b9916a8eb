import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import dockerignorePackage from '@balena/dockerignore';
import { DockerfileParser } from 'dockerfile-ast';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createOpsServer } from '../../app/server/create-ops-server.ts';
import { createBus, createMetrics } from '#platform';
import { testBusDefaults } from '#platform/testing';
import { storeBackends } from '../../test/support/test-stores.ts';

// No container engine runs here: the Dockerfile and .dockerignore are checked for what
// the image must be, and the health check's own command is run against a real listener.
const root = new URL('../../', import.meta.url).pathname;
const run = promisify(execFile);
// A CommonJS package typed as an ES module: the factory is its `default` (which it also sets).
const dockerignore = dockerignorePackage.default;
const dockerfile = DockerfileParser.parse(readFileSync(`${root}Dockerfile`, 'utf8'));
const instructions = dockerfile.getInstructions();
const finalStage = instructions.slice(instructions.findLastIndex((i) => i.getKeyword() === 'FROM'));
const argumentsOf = (keyword: string) =>
  finalStage.filter((i) => i.getKeyword() === keyword).map((i) => i.getArgumentsContent() ?? '');
// Exec form (a JSON array), as Docker reads it.
const execForm = (keyword: string) => JSON.parse(argumentsOf(keyword).at(-1) ?? 'null') as string[];

describe('the image (Dockerfile)', () => {
  it('builds every stage from one pinned Node 24 slim image, never a moving tag', () => {
    const images = dockerfile.getFROMs().map((f) => f.getExpandedArguments()[0]?.getValue());
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const image of images) expect(image).toMatch(/^node:24\.\d+\.\d+-[a-z]+-slim$/);
  });

  it('installs production dependencies only, from the lockfile', () => {
    const installs = instructions.filter(
      (i) => i.getKeyword() === 'RUN' && /\bnpm\b/.test(i.getArgumentsContent() ?? ''),
    );
    expect(installs.map((i) => i.getArgumentsContent())).toEqual([expect.stringMatching(/npm ci --omit=dev\b/)]);
  });

  it('runs as a user other than root, the code read-only to it', () => {
    expect(argumentsOf('USER')).toEqual(['node']);
    const copies = finalStage.filter((i) => i.getKeyword() === 'COPY').map((i) => i.getArgumentsContent() ?? '');
    expect(copies.some((c) => c.includes('--chown'))).toBe(false);
  });

  it('runs `wow` with the server as its default command, the agent workers on the same entry point', () => {
    expect(execForm('ENTRYPOINT')).toEqual(['tini', '--', 'node', 'cli/wow.js']);
    expect(execForm('CMD')).toEqual(['start', '--no-agents']);
  });

  it('checks health on /healthz with a command that passes on a live listener and fails when none answers', async () => {
    const [healthcheck, ...more] = dockerfile.getHEALTHCHECKs();
    expect(more).toEqual([]);
    expect(healthcheck?.getFlags().map((f) => f.getName())).toEqual(['interval', 'timeout', 'start-period', 'retries']);
    const content = healthcheck?.getArgumentsContent() ?? '';
    expect(content).toMatch(/^CMD \[/);
    const command = JSON.parse(content.slice('CMD '.length)) as string[];
    expect(command.join(' ')).toContain('/healthz');
    const [postgres] = storeBackends('image');
    if (postgres === undefined) throw new Error('storeBackends lists PostgreSQL first');
    const { store, close } = await postgres.open();
    const log = pino({ level: 'silent' });
    const bus = await createBus({ streamMaxLen: 100, defaults: testBusDefaults, log });
    const ops = await createOpsServer({ bus, store, log, metrics: createMetrics({ defaultMetrics: false }) });
    try {
      await ops.listen({ host: '127.0.0.1', port: 0 });
      const port = String((ops.server.address() as { port: number }).port);
      const [file = '', ...args] = command;
      const check = (env: Record<string, string>) =>
        run(file === 'node' ? process.execPath : file, args, { env: { PATH: process.env.PATH ?? '', ...env } }).then(
          () => 0,
          (err: unknown) => (err as { code?: number }).code ?? -1,
        );
      expect(await check({ PORT: port })).toBe(0);
      await ops.close();
      expect(await check({ PORT: port })).toBe(1);
    } finally {
      await ops.close();
      await bus.close();
      await close();
    }
  });
});

describe('the build context (.dockerignore)', () => {
  const ignore = dockerignore().add(readFileSync(`${root}.dockerignore`, 'utf8').split('\n'));
  const tracked = async () =>
    (await run('git', ['ls-files'], { cwd: root, maxBuffer: 16 * 1024 * 1024 })).stdout.split('\n');

  it('sends what the processes read: the code, the manifests, migrations, rules, templates, connectors, alert rules and the sample articles', async () => {
    const sent = new Set(ignore.filter(await tracked()));
    const needed = [
      'package.json',
      'package-lock.json',
      'app.yml',
      'tsconfig.json',
      '.prettierrc.json',
      'cli/wow.js',
      'app/server/create-server.ts',
      'platform/index.ts',
      'platform/testing/index.ts',
      'domains/support/index.ts',
      'agents/wowsupport/agent.yml',
      'agents/wowsupport/src/index.ts',
      'rules/packs/recommended.yml',
      'templates/questionnaire.yml',
      'integrations/salesforce/connector.yml',
      'config/alerts.yml',
      'docs/kb/README.md',
    ];
    for (const file of needed) expect(sent, file).toContain(file);
    const migrations = (await tracked()).filter((f) =>
      /^(platform|domains\/\w+|agents\/[\w-]+)\/migrations\/.+\.sql$/.test(f),
    );
    expect(migrations.length).toBeGreaterThan(5);
    for (const file of migrations) expect(sent, file).toContain(file);
  });

  it('leaves out secrets, local state, history and what only tests and CI use', async () => {
    for (const path of [
      '.env',
      '.env.production',
      '.git/HEAD',
      'node_modules/pg/package.json',
      '.data/pgdata',
      '.tools/node',
    ])
      expect(ignore.ignores(path), path).toBe(true);
    const sent = ignore.filter(await tracked());
    expect(sent.filter((f) => /(^|\/)test\//.test(f) || /^(infra|actions|\.github|\.ci|bin)\//.test(f))).toEqual([]);
  });
});
