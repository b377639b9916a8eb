import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createError } from '../errors.ts';
import type { GateResult, RegenPlan } from '../../agents/factory/src/index.ts';
import { exitCodes, type CliIo } from '../cli-io.ts';

const formPath = '.github/ISSUE_TEMPLATE/new-agent.yml';

export function registerFactoryCommands(program: Command, io: CliIo, setCode: (code: number) => void): void {
  const factory = program
    .command('factory')
    .description(
      'The agent Factory: the New-agent questionnaire, generating agents from templates/, regenerating them',
    );
  factory
    .command('validate <issue-body-file>')
    .description(
      'Check a questionnaire issue body (as GitHub renders the form) against the agents of this repository. Exit code 1 when an answer is wrong.',
    )
    .option('--json', 'print { valid, problems } or { valid, request } as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { loadConfig } = await import('#platform');
      const { loadQuestionnaire, parseIssueBody, platformFacts, validateAnswers } =
        await import('../../agents/factory/src/index.ts');
      const body = await readText(file);
      const q = await loadQuestionnaire();
      const result = validateAnswers(
        parseIssueBody(body, q).answers,
        q,
        await platformFacts(loadConfig(io.env).agents.dir),
      );
      if (opts.json === true)
        io.stdout.write(
          JSON.stringify(
            'problems' in result
              ? { valid: false, problems: result.problems }
              : { valid: true, request: result.request },
            null,
            2,
          ) + '\n',
        );
      else if ('problems' in result)
        io.stdout.write(
          `${result.problems.map((p) => `✖ ${p.label}: ${p.message}`).join('\n')}\n\n${result.problems.length} problem(s) in ${file}\n`,
        );
      else
        io.stdout.write(
          `✔ ${file}: a valid request for agents/${result.request.id}/ (${result.request.tier}, ${result.request.acceptance.length} acceptance example(s))\n`,
        );
      setCode('problems' in result ? exitCodes.failed : exitCodes.ok);
    });

  factory
    .command('new')
    .description(
      "Generate an agent from an answers file: render its template, add it to docs/agents.md, pass the gate (the repository's WowVision rules and a typecheck), then write the files. Exit code 1 when the answers or the gate fail; nothing is written then.",
    )
    .requiredOption(
      '--answers <file>',
      'YAML answers by question id (see templates/questionnaire.yml), e.g. "agent-id: invoice-reconciler"',
    )
    .option('--out <dir>', 'write the files under this folder instead of the repository')
    .option('--dry-run', 'print the files and their diff; write nothing')
    .option('-C, --cwd <dir>', 'the repository to generate into', '.')
    .option('--json', 'print { did, files, problems | gate } as JSON')
    .action(async (opts: { answers: string; out?: string; dryRun?: boolean; cwd: string; json?: boolean }) => {
      const {
        loadQuestionnaire,
        loadTemplates,
        planNewAgent,
        platformFacts,
        readAnswersFile,
        templatesFor,
        unifiedDiff,
      } = await import('../../agents/factory/src/index.ts');
      const { workingTreeSnapshot } = await import('../../agents/wowvision/src/index.ts');
      const { gitRoot } = await import('../git-root.ts');
      const root = await gitRoot(opts.cwd, 'the Factory generates into a clone');
      const q = await loadQuestionnaire();
      const { answers } = readAnswersFile(await readText(opts.answers), opts.answers, q);
      const base = await workingTreeSnapshot(root);
      const plan = await planNewAgent({
        answers,
        questionnaire: q,
        facts: await platformFacts(join(root, 'agents')),
        templates: await loadTemplates(await templatesFor(root)),
        base,
        typecheckRoot: root,
      });
      if (plan.did === 'invalid') {
        if (opts.json === true)
          io.stdout.write(JSON.stringify({ did: 'invalid', problems: plan.problems }, null, 2) + '\n');
        else
          io.stdout.write(
            `${plan.problems.map((p) => `✖ ${p.label}: ${p.message}`).join('\n')}\n\n${plan.problems.length} problem(s) in ${opts.answers}; nothing written\n`,
          );
        setCode(exitCodes.failed);
        return;
      }
      const listed = await Promise.all(
        [...plan.generated.files].map(async ([path, text]) => ({
          path,
          text,
          before: base.blobs.has(path) ? await base.read(path) : undefined,
        })),
      );
      const outDir = opts.out === undefined ? root : resolve(opts.out);
      const write = plan.did === 'ready' && opts.dryRun !== true;
      if (write) for (const f of listed) await writeInto(outDir, f.path, f.text);
      if (opts.json === true) {
        io.stdout.write(
          JSON.stringify(
            {
              did: opts.dryRun === true && plan.did === 'ready' ? 'dry-run' : plan.did,
              agent: plan.request.id,
              template: plan.generated.template,
              written: write ? outDir : null,
              files: listed.map((f) => ({ path: f.path, status: f.before === undefined ? 'added' : 'updated' })),
              gate: plan.gate,
            },
            null,
            2,
          ) + '\n',
        );
      } else {
        if (opts.dryRun === true) for (const f of listed) io.stdout.write(unifiedDiff(f.path, f.before, f.text));
        for (const f of listed) io.stdout.write(`${f.before === undefined ? 'A' : 'M'} ${f.path}\n`);
        io.stdout.write(gateText(plan.gate));
        io.stdout.write(
          plan.did === 'blocked'
            ? `✖ agents/${plan.request.id}/ did not pass the gate; nothing written\n`
            : write
              ? `✔ agents/${plan.request.id}/ generated from template ${plan.generated.template.name} v${plan.generated.template.version} into ${outDir}\n`
              : `✔ agents/${plan.request.id}/ would be generated (dry run; nothing written)\n`,
        );
      }
      setCode(plan.did === 'ready' ? exitCodes.ok : exitCodes.failed);
    });

  factory
    .command('regen <id>')
    .description(
      'Re-apply the current template to a generated agent with a three-way merge (old template output, new template output, the files now): hand edits survive, conflicts are marked and reported. Exit code 1 on conflicts, or with --check when anything would change.',
    )
    .option('--dry-run', 'print what would change (with diffs); write nothing')
    .option('--check', 'write nothing; exit code 1 when regen would change any file (template drift)')
    .option('-C, --cwd <dir>', 'the repository', '.')
    .option('--json', 'print the plan as JSON')
    .action(async (id: string, opts: { dryRun?: boolean; check?: boolean; cwd: string; json?: boolean }) => {
      const { loadQuestionnaire, regenerateAgent, templatesFor, unifiedDiff } =
        await import('../../agents/factory/src/index.ts');
      const { gitRoot } = await import('../git-root.ts');
      const root = await gitRoot(opts.cwd, 'the Factory generates into a clone');
      const plan = await regenerateAgent({
        root,
        id,
        questionnaire: await loadQuestionnaire(),
        templatesDir: await templatesFor(root),
      });
      const changed = plan.files.filter((f) => f.status !== 'unchanged');
      const conflicts = plan.files.filter((f) => f.status === 'conflict');
      const write = opts.dryRun !== true && opts.check !== true;
      if (write) for (const f of changed) await writeInto(root, f.path, f.text);
      if (opts.json === true)
        io.stdout.write(
          JSON.stringify(
            {
              id,
              from: plan.from,
              to: plan.to,
              written: write,
              files: changed.map((f) => ({
                path: f.path,
                status: f.status,
                ...(f.conflict === undefined ? {} : { conflict: f.conflict }),
              })),
            },
            null,
            2,
          ) + '\n',
        );
      else io.stdout.write(regenText(plan, changed, opts.dryRun === true ? unifiedDiff : undefined));
      setCode(conflicts.length > 0 || (opts.check === true && changed.length > 0) ? exitCodes.failed : exitCodes.ok);
    });

  factory
    .command('form')
    .description(`Write ${formPath} from templates/questionnaire.yml (the form is generated, never edited by hand)`)
    .option('--check', 'only check that the committed form is in step; exit code 1 when it is not')
    .action(async (opts: { check?: boolean }) => {
      const { loadQuestionnaire, renderIssueForm } = await import('../../agents/factory/src/index.ts');
      const form = await renderIssueForm(await loadQuestionnaire());
      const current = await readFile(formPath, 'utf8').catch(() => undefined);
      if (opts.check === true) {
        io.stdout.write(
          current === form
            ? `${formPath} is in step with templates/questionnaire.yml\n`
            : `${formPath} is out of step: run wow factory form\n`,
        );
        setCode(current === form ? exitCodes.ok : exitCodes.failed);
        return;
      }
      if (current !== form) await writeFile(formPath, form);
      io.stdout.write(current === form ? `${formPath} is already in step\n` : `wrote ${formPath}\n`);
      setCode(exitCodes.ok);
    });
}

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((err: unknown) => {
    throw createError('WOW_ERR_CLI_USAGE', { problem: `cannot read ${file}: ${(err as Error).message}` });
  });
}

async function writeInto(root: string, path: string, text: string | undefined): Promise<void> {
  const target = join(root, path);
  if (text === undefined) return rm(target, { force: true });
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text);
}

function gateText(gate: GateResult): string {
  const lines = [
    ...gate.packProblems.map((p) => `✖ ${p.file}:${p.line}:${p.column} ${p.message}`),
    ...gate.findings.map(
      (f) => `${f.severity === 'error' ? '✖' : '⚠'} ${f.path}:${f.line}:${f.column} ${f.message} (${f.rule})`,
    ),
    ...gate.typeErrors.map((t) => `✖ ${t.path}:${t.line}:${t.column} ${t.message} (typecheck)`),
  ];
  return lines.length === 0 ? '✔ gate: WowVision and the typecheck found nothing\n' : `${lines.join('\n')}\n`;
}

/** `diff`: print each change as a unified diff first (a dry run). */
function regenText(
  plan: RegenPlan,
  changed: RegenPlan['files'],
  diff: ((path: string, before: string | undefined, after: string | undefined) => string) | undefined,
): string {
  const out: string[] = [];
  if (diff !== undefined) for (const f of changed) out.push(diff(f.path, f.before, f.text));
  for (const f of changed)
    out.push(
      `${f.status === 'conflict' ? '✖ C' : f.status === 'added' ? 'A' : f.status === 'removed' ? 'D' : 'M'} ${f.path}${f.conflict === undefined ? '' : `: ${f.conflict}`}\n`,
    );
  const version =
    plan.from.template === plan.to.template && plan.from.version === plan.to.version
      ? `template ${plan.to.template} v${plan.to.version}`
      : `template ${plan.from.template} v${plan.from.version} → ${plan.to.template} v${plan.to.version}`;
  out.push(
    changed.length === 0
      ? `✔ agents/${plan.id}/ is in step with ${version}\n`
      : `${changed.length} file(s) ${diff !== undefined ? 'would change' : 'changed'} (${version})\n`,
  );
  return out.join('');
}
