import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { exitCodes, type CliIo } from '../cli-io.ts';

interface ProtocolsOptions {
  json?: boolean;
  cwd: string;
}

export function registerProtocolsCommand(program: Command, io: CliIo, setCode: (code: number) => void): void {
  const protocols = program
    .command('protocols')
    .description(
      "Who asks what of whom: every request type an agent's agent.yml `answers`, on which terms (timeout, " +
        'the longest a caller may ask for, bulkhead), and the agents whose `emits` ask it; WowCommunication ' +
        "answers the same map live (communication.protocols.map), with each runtime's circuits. " +
        'Exit codes: 0 done, 1 a finding (a type two agents answer).',
    )
    .option('--json', 'print the map as JSON: { protocols, findings }')
    .option('-C, --cwd <dir>', 'the repository', '.')
    .addHelpText('after', "\nExamples:\n  wow protocols\n  wow protocols --json | jq '.protocols[].type'")
    .action(async (opts: ProtocolsOptions) => {
      const [{ loadManifests }, { buildProtocolMap }] = await Promise.all([
        import('#platform'),
        import('../../agents/wowcommunication/src/index.ts'),
      ]);
      const manifests = (await loadManifests(join(resolve(opts.cwd), 'agents'))).map((m) => m.manifest);
      const map = buildProtocolMap({ manifests });
      if (opts.json === true) io.stdout.write(JSON.stringify(map, null, 2) + '\n');
      else {
        const lines = map.protocols.map((p) => {
          const by = p.answeredBy
            .map(
              (a) =>
                `${a.agent} (timeout ${a.timeoutMs} ms, at most ${a.maxTimeoutMs}; ${a.concurrency} in flight, ${a.queue} queued)`,
            )
            .join(', ');
          return `${p.type}\n  answered by: ${by || 'nobody'}\n  asked by:    ${p.askedBy.join(', ') || 'nobody'}\n`;
        });
        for (const f of map.findings) lines.push(`✖ ${f.message}\n`);
        lines.push(`${map.protocols.length} request types, ${map.findings.length} finding(s)\n`);
        io.stdout.write(lines.join(''));
      }
      setCode(map.findings.length > 0 ? exitCodes.failed : exitCodes.ok);
    });
  protocols
    .command('types')
    .description(
      'Writes platform/communication/protocol-types.ts: each request type an agent.yml `answers` → its input and reply types, ' +
        'written from the protocol its agent exports, so ' +
        "`ctx.request('<type>', input)` is typed. Exit codes: 0 written or in step, 1 --check found it out of step.",
    )
    .option('--check', 'write nothing; fail when the file differs from what the manifests give')
    .option('-C, --cwd <dir>', 'the repository', '.')
    .action(async (opts: { check?: boolean; cwd: string }) => {
      const root = resolve(opts.cwd);
      // Loaded only when run, so `wow protocols --help` loads no engine (Prettier, zod).
      const [{ loadManifests }, { findProtocolSources, protocolTypesFile, renderProtocolTypes }] = await Promise.all([
        import('#platform'),
        import('../protocols/render-protocol-types.ts'),
      ]);
      const text = await renderProtocolTypes(
        root,
        await findProtocolSources(root, await loadManifests(join(root, 'agents'))),
      );
      const path = join(root, protocolTypesFile);
      const current = await readFile(path, 'utf8').catch(() => '');
      if (opts.check === true) {
        io.stdout.write(
          current === text
            ? `${protocolTypesFile} is in step\n`
            : `✖ ${protocolTypesFile} is out of step: run wow protocols types\n`,
        );
        setCode(current === text ? exitCodes.ok : exitCodes.failed);
        return;
      }
      if (current !== text) await writeFile(path, text);
      io.stdout.write(`${current === text ? 'unchanged' : 'wrote'} ${protocolTypesFile}\n`);
      setCode(exitCodes.ok);
    });
}
