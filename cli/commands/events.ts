import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { registerMap } from '../events/register-map.ts';
import { registerReplay } from '../events/register-replay.ts';
import { registerTail } from '../events/register-tail.ts';
import { registerWhoWakes } from '../events/register-who-wakes.ts';

interface CatalogOptions {
  json?: boolean;
  asyncapi?: boolean;
  cwd: string;
}

export function registerEventsCommands(program: Command, io: CliIo, setCode: (code: number) => void): void {
  const events = program
    .command('events')
    .description(
      "The event types agents and domains send and wake on, and WowEvent's archive of what was sent: follow it, send it again",
    );
  events
    .command('catalog')
    .description(
      "Every event type from agents/*/agent.yml, domains/*/domain.yml and the platform's own: " +
        'who sends it, who wakes on it and the data each consumer parses. ' +
        'Exit code 1 when an agent wakes on a type nobody sends.',
    )
    .option('--json', 'print the catalogue as JSON: { events, unproduced, unconsumed }')
    .option('--asyncapi', 'print it as an AsyncAPI 3.0 document (JSON)')
    .option('-C, --cwd <dir>', 'the repository', '.')
    .addHelpText(
      'after',
      '\nExamples:\n  wow events catalog                    a table of types, senders and consumers\n  wow events catalog --asyncapi > asyncapi.json',
    )
    .action(async (opts: CatalogOptions) => {
      const { buildEventCatalog, renderAsyncApi } = await import('#platform');
      const root = resolve(opts.cwd);
      const catalog = await buildEventCatalog({ agentsDir: join(root, 'agents'), domainsDir: join(root, 'domains') });
      if (opts.asyncapi === true)
        io.stdout.write(
          JSON.stringify(renderAsyncApi(catalog, { title: 'WAOOAW events', version: '1.0.0' }), null, 2) + '\n',
        );
      else if (opts.json === true) io.stdout.write(JSON.stringify(catalog, null, 2) + '\n');
      else {
        const lines = catalog.events.map((e) => {
          const consumers = e.consumers.map((c) => `${c.agent}${c.schema === undefined ? '' : ' (schema)'}`).join(', ');
          const model = e.model === undefined ? 'none' : `${e.model.domain} v${e.model.version}`;
          return `${e.type}\n  sent by:   ${e.producers.join(', ')}\n  woken:     ${consumers || 'nobody'}\n  model:     ${model}\n`;
        });
        for (const u of catalog.unproduced)
          lines.push(`✖ ${u.agent} wakes on ${u.wakesOn}, which nobody declares sending\n`);
        lines.push(`${catalog.events.length} event types, ${catalog.unconsumed.length} nobody wakes on\n`);
        io.stdout.write(lines.join(''));
      }
      setCode(catalog.unproduced.length > 0 ? exitCodes.failed : exitCodes.ok);
    });
  registerWhoWakes(events, io, setCode);
  registerMap(events, io, setCode);
  registerTail(events, io, setCode);
  registerReplay(events, io, setCode);
}
