import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { createError } from '../errors.ts';

interface MapOptions {
  update?: string;
  check?: string;
  cwd: string;
}

/**
 * `wow events map`: who talks to whom (events and requests between agents, domains and the
 * platform) as Mermaid and a table; `--update` writes it into a page between its markers,
 * `--check` fails when the page is behind (a test runs it on docs/architecture.md).
 */
export function registerMap(events: Command, io: CliIo, setCode: (code: number) => void): void {
  events
    .command('map')
    .description(
      'Who talks to whom: every sender and receiver of each event type and request, from agents/*/agent.yml, ' +
        'domains/*/domain.yml and the platform, as a Mermaid flowchart and a table (requests dashed).',
    )
    .option('--update <page>', 'write the map into <page> between its talk-map markers')
    .option('--check <page>', "exit 1 when <page>'s map differs from the manifests'")
    .option('-C, --cwd <dir>', 'the repository', '.')
    .addHelpText(
      'after',
      '\nExit codes: 0 done (or in step), 1 the page is behind, 2 bad usage (a page without the markers).\n\n' +
        'Examples:\n  wow events map\n  wow events map --update docs/architecture.md\n  wow events map --check docs/architecture.md',
    )
    .action(async (opts: MapOptions) => {
      const { buildEventCatalog, loadManifests, renderTalkMap, replaceTalkMap, talkMapStart, talkMapEnd } =
        await import('#platform');
      const root = resolve(opts.cwd);
      const agentsDir = join(root, 'agents');
      const catalog = await buildEventCatalog({ agentsDir, domainsDir: join(root, 'domains') });
      const map = renderTalkMap(
        catalog,
        (await loadManifests(agentsDir)).map((m) => m.manifest),
      );
      const page = opts.update ?? opts.check;
      if (page === undefined) {
        io.stdout.write(map + '\n');
        setCode(exitCodes.ok);
        return;
      }
      const path = resolve(root, page);
      const text = await readFile(path, 'utf8');
      const next = replaceTalkMap(text, map);
      if (next === undefined)
        throw createError('WOW_ERR_CLI_USAGE', {
          problem: `${page} has no talk map: add the lines\n${talkMapStart}\n${talkMapEnd}\nwhere it belongs`,
        });
      if (next === text) {
        io.stdout.write(`✔ ${page}: the map is in step with the manifests\n`);
        setCode(exitCodes.ok);
      } else if (opts.update !== undefined) {
        await writeFile(path, next);
        io.stdout.write(`✔ wrote the map into ${page}\n`);
        setCode(exitCodes.ok);
      } else {
        io.stderr.write(`✖ ${page}: the map is behind the manifests; run: wow events map --update ${page}\n`);
        setCode(exitCodes.failed);
      }
    });
}
