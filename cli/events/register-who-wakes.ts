import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { createError } from '../errors.ts';

interface WhoWakes {
  type: string;
  /** Who may send it (the catalogue's producers); empty when nobody declares it. */
  producers: string[];
  /** Each agent it wakes, by the wakesOn entry that matches. */
  woken: { agent: string; wakesOn: string; schema: boolean }[];
  /** Agents that see every event (`bus:watch`): WowEvent's archive. */
  watchers: string[];
}

/** `wow events who-wakes <type>`: from the catalogue, whom an event of that type wakes. */
export function registerWhoWakes(events: Command, io: CliIo, setCode: (code: number) => void): void {
  events
    .command('who-wakes')
    .description(
      'Which agents an event of <type> wakes (by their wakesOn in agent.yml, patterns included), who may send it, and who watches every event. Exit code 1 when it wakes nobody.',
    )
    .argument('<type>', 'an event type, e.g. support.ticket.opened')
    .option('--json', 'print { type, producers, woken: [{ agent, wakesOn, schema }], watchers }')
    .option('-C, --cwd <dir>', 'the repository', '.')
    .addHelpText(
      'after',
      '\nExit codes: 0 it wakes at least one agent, 1 it wakes none, 2 bad usage.\n\nExamples:\n  wow events who-wakes support.ticket.opened\n  wow events who-wakes github.pull_request.opened --json',
    )
    .action(async (type: string, opts: { json?: boolean; cwd: string }) => {
      const { assertEventTypeValid, buildEventCatalog, loadManifests, platformEventTypes, typeMatches } =
        await import('#platform');
      try {
        assertEventTypeValid(type);
      } catch (err) {
        throw createError('WOW_ERR_CLI_USAGE', { problem: (err as Error).message }, { cause: err });
      }
      const root = resolve(opts.cwd);
      const agentsDir = join(root, 'agents');
      const catalog = await buildEventCatalog({ agentsDir, domainsDir: join(root, 'domains') });
      const manifests = await loadManifests(agentsDir);
      const listed = catalog.events.find((e) => e.type === type);
      // A type the catalogue does not list (a GitHub event only a pattern names) still wakes whoever matches it.
      const answer: WhoWakes = {
        type,
        producers: listed?.producers ?? (platformEventTypes.some((p) => typeMatches(p, type)) ? ['platform'] : []),
        woken: manifests.flatMap(({ manifest }) => {
          const wakesOn = manifest.wakesOn.find((w) => typeMatches(w, type));
          if (wakesOn === undefined) return [];
          const schema = listed?.consumers.find((c) => c.agent === manifest.id)?.schema !== undefined;
          return [{ agent: manifest.id, wakesOn, schema }];
        }),
        watchers: manifests.filter((m) => m.manifest.capabilities.includes('bus:watch')).map((m) => m.manifest.id),
      };
      if (opts.json === true) io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
      else {
        const lines = [type, `  sent by:  ${answer.producers.join(', ') || 'nobody declares it'}`];
        if (answer.woken.length === 0) lines.push('  wakes:    nobody');
        for (const w of answer.woken)
          lines.push(`  wakes:    ${w.agent} (on ${w.wakesOn}${w.schema ? ', with a data schema' : ''})`);
        if (answer.watchers.length > 0) lines.push(`  watched:  ${answer.watchers.join(', ')} (every event)`);
        io.stdout.write(`${lines.join('\n')}\n`);
      }
      setCode(answer.woken.length > 0 ? exitCodes.ok : exitCodes.failed);
    });
}
