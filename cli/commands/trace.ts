import type { Command } from 'commander';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { withArchive } from '../events/open-archive.ts';

/** `wow trace <event-id>`: what one delivery caused, from WowEvent's archive. */
export function registerTraceCommand(program: Command, io: CliIo, setCode: (code: number) => void): void {
  program
    .command('trace')
    .description(
      "The chain of events and requests one event caused, from WowEvent's archive: every event of its trace (the traceparent's trace id), arranged by which event's handling sent each (causedby), as an indented tree with type, sender, time and offset.",
    )
    .argument('<event-id>', 'the id of an archived event (the envelope\'s "id")')
    .option('--json', 'print the tree as JSON: { event, offsetMs, request, children: [...] }')
    .addHelpText(
      'after',
      '\nExit codes: 0 printed, 1 no such event in the archive (or the database failed), 2 bad usage.\n\nExample:\n  wow trace 6f1c2b9e-0d4a-4c55-9a53-2f7d1e0b8c11',
    )
    .action(async (id: string, opts: { json?: boolean }) => {
      const { escapeHiddenCharacters, hiddenCharacterPattern } = await import('#platform');
      const { renderTrace, traceOf } = await import('../../agents/wowevent/src/index.ts');
      const trace = await withArchive(io, (store) => traceOf(store, id.slice(0, 200)));
      io.stdout.write(
        opts.json === true
          ? `${JSON.stringify(trace, null, 2)}\n`
          : // Sources and types come from senders: each line shown with any control character escaped.
            renderTrace(trace)
              .split('\n')
              .map((line) => escapeHiddenCharacters(line, hiddenCharacterPattern()))
              .join('\n'),
      );
      setCode(exitCodes.ok);
    });
}
