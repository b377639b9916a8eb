import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { exitCodes, type CliIo } from '../cli-io.ts';

interface K8sOptions {
  check?: boolean;
  json?: boolean;
  cwd: string;
}

type Status = 'unchanged' | 'updated' | 'added' | 'removed';

export function registerInfraCommands(program: Command, io: CliIo, setCode: (code: number) => void): void {
  const infra = program.command('infra').description('Deployment files generated from the agent manifests');
  infra
    .command('k8s')
    .description(
      "Write each agent's Kubernetes workload (Deployment, PodDisruptionBudget, KEDA ScaledObject on its streams) under infra/k8s/base/agents from agents/*/agent.yml. Exit code 1 with --check when a file is out of step.",
    )
    .option('--check', 'write nothing; exit code 1 and the files named when they differ from the manifests')
    .option('--json', 'print { files: [{ path, status }] } as JSON')
    .option('-C, --cwd <dir>', 'the repository', '.')
    .addHelpText(
      'after',
      '\nExamples:\n  wow infra k8s            after adding an agent or changing its scaling: block\n  wow infra k8s --check    in CI: the committed workloads match the manifests',
    )
    .action(async (opts: K8sOptions) => {
      const { loadManifests, renderWorkloads, workloadsDir } = await import('#platform');
      const root = resolve(opts.cwd);
      const wanted = renderWorkloads((await loadManifests(join(root, 'agents'))).map((m) => m.manifest));
      // A workload whose agent is gone goes too.
      const present = (await readdir(join(root, workloadsDir)).catch(() => []))
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `${workloadsDir}/${f}`);
      const files: { path: string; status: Status }[] = [];
      for (const path of [...new Set([...wanted.keys(), ...present])].sort()) {
        const now = await readFile(join(root, path), 'utf8').catch(() => undefined);
        const next = wanted.get(path);
        const status: Status =
          now === next ? 'unchanged' : now === undefined ? 'added' : next === undefined ? 'removed' : 'updated';
        files.push({ path, status });
        if (opts.check === true || status === 'unchanged') continue;
        if (next === undefined) await rm(join(root, path));
        else {
          await mkdir(dirname(join(root, path)), { recursive: true });
          await writeFile(join(root, path), next);
        }
      }
      const changed = files.filter((f) => f.status !== 'unchanged');
      if (opts.json === true) io.stdout.write(JSON.stringify({ files }, null, 2) + '\n');
      else if (changed.length === 0)
        io.stdout.write(`✔ ${files.length} file(s) under ${workloadsDir} match the manifests\n`);
      else
        for (const f of changed)
          io.stdout.write(
            `${opts.check === true ? '✖ out of step' : f.status}: ${f.path}${opts.check === true ? ` (would be ${f.status}); run wow infra k8s` : ''}\n`,
          );
      setCode(opts.check === true && changed.length > 0 ? exitCodes.failed : exitCodes.ok);
    });
}
