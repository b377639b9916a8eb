import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createError, loadConfig } from '../../agents/runtime/src/index.ts';
import { loadQuestionnaire, parseIssueBody, platformFacts, renderIssueForm, validateAnswers } from '../../agents/factory/src/index.ts';
import { exitCodes, type CliIo } from '../cli-io.ts';

const formPath = '.github/ISSUE_TEMPLATE/new-agent.yml';

export function registerFactoryCommands(program: Command, io: CliIo, setCode: (code: number) => void): void {
  const factory = program.command('factory').description('The agent Factory: the New-agent questionnaire and its issue form');
  factory.command('validate <issue-body-file>')
    .description('Check a questionnaire issue body (as GitHub renders the form) against the agents of this repository. Exit code 1 when an answer is wrong.')
    .option('--json', 'print { valid, problems } or { valid, request } as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const body = await readFile(file, 'utf8').catch((err: unknown) => {
        throw createError('WOW_ERR_CLI_USAGE', [`cannot read ${file}: ${(err as Error).message}`]);
      });
      const q = await loadQuestionnaire();
      const result = validateAnswers(parseIssueBody(body, q).answers, q, await platformFacts(loadConfig(io.env).agents.dir));
      if (opts.json === true) io.stdout.write(JSON.stringify('problems' in result ? { valid: false, problems: result.problems } : { valid: true, request: result.request }, null, 2) + '\n');
      else if ('problems' in result) io.stdout.write(`${result.problems.map((p) => `✖ ${p.label}: ${p.message}`).join('\n')}\n\n${result.problems.length} problem(s) in ${file}\n`);
      else io.stdout.write(`✔ ${file}: a valid request for agents/${result.request.id}/ (${result.request.tier}, ${result.request.acceptance.length} acceptance example(s))\n`);
      setCode('problems' in result ? exitCodes.failed : exitCodes.ok);
    });
  factory.command('form')
    .description(`Write ${formPath} from templates/questionnaire.yml (the form is generated, never edited by hand)`)
    .option('--check', 'only check that the committed form is in step; exit code 1 when it is not')
    .action(async (opts: { check?: boolean }) => {
      const form = renderIssueForm(await loadQuestionnaire());
      const current = await readFile(formPath, 'utf8').catch(() => undefined);
      if (opts.check === true) {
        io.stdout.write(current === form ? `${formPath} is in step with templates/questionnaire.yml\n` : `${formPath} is out of step: run wow factory form\n`);
        setCode(current === form ? exitCodes.ok : exitCodes.failed);
        return;
      }
      if (current !== form) await writeFile(formPath, form);
      io.stdout.write(current === form ? `${formPath} is already in step\n` : `wrote ${formPath}\n`);
      setCode(exitCodes.ok);
    });
}
