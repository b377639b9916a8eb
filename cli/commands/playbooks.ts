import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { createError } from '../errors.ts';
import { exitCodes, type CliIo } from '../cli-io.ts';
import { formatTable } from '../format-table.ts';

type SetCode = (code: number) => void;

const exitHelp = '\nExit codes: 0 done, 1 a playbook does not load, 2 bad usage.';
// A recording is a few replies: anything larger is not one.
const maxRecordingBytes = 1024 * 1024;

/** `wow playbooks …`: WowSupport's self-healing playbooks (playbooks/*.yml). */
export function registerPlaybooksCommands(program: Command, io: CliIo, setCode: SetCode): void {
  const playbooks = program.command('playbooks').description("WowSupport's self-healing playbooks (playbooks/*.yml)");
  playbooks
    .command('list')
    .description('Every playbook with its trigger, diagnosis requests and remedies; problems as file:line:column')
    .option('--dir <dir>', 'the playbooks folder', 'playbooks')
    .option('--json', 'print the playbooks as JSON')
    .addHelpText('after', `${exitHelp}\n\nExamples:\n  wow playbooks list\n  wow playbooks list --json`)
    .action(async (opts: { dir: string; json?: boolean }) => {
      const { loadPlaybooks } = await import('../../agents/wowsupport/src/index.ts');
      const loaded = await loadPlaybooks(opts.dir);
      if ('problems' in loaded) {
        io.stderr.write(`${loaded.problems.join('\n')}\n`);
        setCode(exitCodes.failed);
        return;
      }
      if (opts.json === true) io.stdout.write(`${JSON.stringify(loaded.playbooks, null, 2)}\n`);
      else
        io.stdout.write(
          formatTable(
            ['id', 'trigger', 'diagnose', 'remedies'],
            loaded.playbooks.map(({ playbook: p }) => [
              p.id,
              [p.trigger.kind, p.trigger.code, p.trigger.agent].filter((x) => x !== undefined).join(' '),
              p.diagnose.map((d) => d.request).join(', ') || '-',
              p.remedies.map((r) => `${r.id} (${r.risk})`).join(', '),
            ]),
            `no playbooks in ${opts.dir}`,
          ),
        );
      setCode(exitCodes.ok);
    });
  playbooks
    .command('test <file>')
    .description(
      "Checks one playbook and, given a recording (the trouble, each request type's reply, optionally the windows after the remedy), dry-runs it: " +
        'which requests it sends, which remedy it picks, whether the windows show recovery and what undoes it if not. Nothing is sent',
    )
    .option(
      '--recorded <json>',
      'a JSON file: { "trouble": { "agent", "kind", "code"? }, "replies": { "<request type>": <reply> }, ' +
        '"after"?: { "result"?: <the remedy\'s reply>, "windows": ["regressed" | "healthy" | "unknown", …] } }',
    )
    .option('--json', 'print the dry run as JSON')
    .addHelpText(
      'after',
      `${exitHelp}\n\nExamples:\n  wow playbooks test playbooks/cache-mistuned.yml --recorded test/fixtures/playbooks/cache-mistuned.json\n` +
        '  wow playbooks test playbooks/cache-mistuned.yml --recorded test/fixtures/playbooks/cache-mistuned-unrecovered.json',
    )
    .action(async (file: string, opts: { recorded?: string; json?: boolean }) => {
      const { dryRunPlaybook, loadPlaybooks, recordedFixture } = await import('../../agents/wowsupport/src/index.ts');
      const loaded = await loadPlaybooks(dirname(file));
      if ('problems' in loaded) {
        io.stderr.write(`${loaded.problems.join('\n')}\n`);
        setCode(exitCodes.failed);
        return;
      }
      const found = loaded.playbooks.find((p) => basename(p.file) === basename(file));
      if (found === undefined)
        throw createError('WOW_ERR_CLI_USAGE', { problem: `${file}: not a playbook (.yml) in ${dirname(file)}` });
      if (opts.recorded === undefined) {
        io.stdout.write(
          opts.json === true
            ? `${JSON.stringify(found.playbook, null, 2)}\n`
            : `✔ ${file}: playbook ${found.playbook.id} is valid\n`,
        );
        setCode(exitCodes.ok);
        return;
      }
      const text = await readFile(opts.recorded, 'utf8');
      if (Buffer.byteLength(text) > maxRecordingBytes)
        throw createError('WOW_ERR_CLI_USAGE', { problem: `--recorded: larger than ${maxRecordingBytes} bytes` });
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw createError('WOW_ERR_CLI_USAGE', { problem: `--recorded: not JSON (${(err as Error).message})` });
      }
      const fixture = recordedFixture.safeParse(json);
      if (!fixture.success)
        throw createError('WOW_ERR_CLI_USAGE', {
          problem: fixture.error.issues.map((i) => `--recorded ${i.path.join('.')}: ${i.message}`).join('; '),
        });
      const run = await dryRunPlaybook(found.playbook, fixture.data);
      if (opts.json === true) io.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
      else {
        const lines = [
          `${run.playbook}: ${run.matches ? 'its trigger fits' : 'its trigger does not fit this trouble'}`,
        ];
        for (const s of run.steps)
          lines.push(
            `  diagnose ${s.id}: ${s.request} ${JSON.stringify(s.input)} → ${s.result.ok ? 'answered' : `failed: ${s.result.error}`}`,
          );
        lines.push(
          run.remedy === null
            ? '  no remedy fits: the incident goes to L3'
            : `  remedy ${run.remedy.id} (${run.remedy.risk} risk): ${run.remedy.action}, runs ${run.remedy.runs}`,
        );
        const v = run.verification;
        if (v !== null) {
          const verdict =
            v.verdict.verdict === 'pending'
              ? 'no verdict'
              : `${v.verdict.verdict === 'recovered' ? 'recovered' : 'not recovered'} at window ${v.verdict.window}`;
          lines.push(`  verify over ${v.verifyWindows} window(s): ${v.windows.join(', ')} → ${verdict}`);
          if (v.undo !== null)
            lines.push(`  undo: ${v.undo.action}${v.undo.input === null ? '' : ` ${JSON.stringify(v.undo.input)}`}`);
          lines.push(`  then ${v.then}`);
        }
        io.stdout.write(`${lines.join('\n')}\n`);
      }
      setCode(exitCodes.ok);
    });
}
